"""Function configuration: environment variables (per function) and user arguments (per job, schema 2.0).

Every name, default and limit a user can set lives here; docs/lambda.md documents the same table.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

import botocore.session

BACKENDS = ("comprehend", "lexicon")
MODES = ("head", "full")
DEFAULT_BACKEND = "comprehend"
DEFAULT_LANGUAGE = "en"
DEFAULT_MODE = "head"
# Full mode reads at most this many bytes: 25 documents of up to 5,000 bytes, i.e. about one
# BatchDetectSentiment call per object (Comprehend bills per 100 characters, so the cap bounds cost).
DEFAULT_MAX_BYTES = 125_000
MAX_BYTES_CEILING = 10 * 1024 * 1024  # the whole prefix is held in memory, twice while decoding

# Schema 2.0 `job.userArguments` this function understands. Unknown keys fail the task, so a typo
# ("mode" for "Mode") cannot silently change what a job does.
ARG_LANGUAGE = "LanguageCode"
ARG_MODE = "Mode"
ARG_TAG_KEY = "TagKey"
USER_ARGUMENTS = (ARG_LANGUAGE, ARG_MODE, ARG_TAG_KEY)

# S3 tag keys: 1-128 Unicode characters of letters, digits, spaces and + - = . _ : / @; "aws:" is reserved.
_TAG_KEY = re.compile(r"[\w\s+\-=.:/@]{1,128}")
_LANGUAGE = "a Comprehend sentiment language"


class ConfigurationError(ValueError):
    """An environment variable or user argument has an invalid value; the message names it."""


@dataclass(frozen=True)
class Settings:
    """What one task needs to know about the function's and the job's configuration."""

    backend: str
    language_code: str
    mode: str
    max_bytes: int
    tag_key: str | None = None


@functools.cache
def comprehend_languages() -> tuple[str, ...]:
    """DetectSentiment's LanguageCode enum, from botocore's Comprehend model (not a copied list)."""
    model = botocore.session.get_session().get_service_model("comprehend")
    shape = model.operation_model("DetectSentiment").input_shape.members["LanguageCode"]
    return tuple(shape.enum)


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate SENTIMENT_BACKEND, LANGUAGE_CODE, SENTIMENT_MODE and MAX_BYTES."""
    env = os.environ if environ is None else environ
    backend = _choice(_env(env, "SENTIMENT_BACKEND", DEFAULT_BACKEND), BACKENDS, "SENTIMENT_BACKEND")
    language = _choice(_env(env, "LANGUAGE_CODE", DEFAULT_LANGUAGE), comprehend_languages(), "LANGUAGE_CODE",
                       _LANGUAGE)
    mode = _choice(_env(env, "SENTIMENT_MODE", DEFAULT_MODE), MODES, "SENTIMENT_MODE")
    return Settings(backend=backend, language_code=language, mode=mode, max_bytes=_max_bytes(env))


def with_user_arguments(settings: Settings, arguments: object) -> Settings:
    """Apply a job's schema 2.0 user arguments (absent or empty: the function's settings as they are)."""
    if not arguments:
        return settings
    if not isinstance(arguments, Mapping):
        raise ConfigurationError("job.userArguments must be a map of strings")
    unknown = sorted(str(name) for name in arguments if name not in USER_ARGUMENTS)
    if unknown:
        raise ConfigurationError(f"unknown user argument(s) {', '.join(unknown)}; "
                                 f"supported: {', '.join(USER_ARGUMENTS)}")
    for name in USER_ARGUMENTS:
        if name in arguments and not isinstance(arguments[name], str):
            raise ConfigurationError(f"user argument {name} must be a string, got {type(arguments[name]).__name__}")
    language = _choice(arguments.get(ARG_LANGUAGE, settings.language_code), comprehend_languages(),
                       f"user argument {ARG_LANGUAGE}", _LANGUAGE)
    mode = _choice(arguments.get(ARG_MODE, settings.mode), MODES, f"user argument {ARG_MODE}")
    tag_key = arguments.get(ARG_TAG_KEY, settings.tag_key)
    if tag_key is not None:
        _check_tag_key(tag_key)
    return replace(settings, language_code=language, mode=mode, tag_key=tag_key)


def _env(env: Mapping[str, str], name: str, default: str) -> str:
    """An environment variable's value, stripped; `default` when it is unset or blank."""
    return env.get(name, default).strip() or default


def _choice(value: str, choices: tuple[str, ...], source: str, kind: str = "one of") -> str:
    if value not in choices:
        raise ConfigurationError(f"{source}={value!r} is not {kind}: {', '.join(choices)}")
    return value


def _check_tag_key(key: str) -> None:
    if not _TAG_KEY.fullmatch(key) or key.lower().startswith("aws:"):
        raise ConfigurationError(f"user argument {ARG_TAG_KEY}={key[:140]!r} is not a valid S3 tag key "
                                 "(1-128 letters, digits, spaces or + - = . _ : / @; not starting with aws:)")


def _max_bytes(env: Mapping[str, str]) -> int:
    raw = env.get("MAX_BYTES", "").strip()
    if not raw:
        return DEFAULT_MAX_BYTES
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"MAX_BYTES={raw!r} is not an integer") from None
    if not 1 <= value <= MAX_BYTES_CEILING:
        raise ConfigurationError(f"MAX_BYTES={value} must be between 1 and {MAX_BYTES_CEILING}")
    return value
