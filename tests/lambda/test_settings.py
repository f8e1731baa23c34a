"""Environment variables and schema 2.0 user arguments (each refused value, through the handler:
test_handler_events.py)."""

from __future__ import annotations

import botocore.session
import pytest

from batch_sentiment.settings import (
    DEFAULT_MAX_BYTES,
    Settings,
    comprehend_languages,
    load_settings,
    with_user_arguments,
)


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, Settings(backend="comprehend", language_code="en", mode="head", max_bytes=DEFAULT_MAX_BYTES, tag_key=None)),
    ({"SENTIMENT_BACKEND": "lexicon", "LANGUAGE_CODE": "de", "SENTIMENT_MODE": "full", "MAX_BYTES": "10000"},
     Settings("lexicon", "de", "full", 10000)),
], ids=["defaults", "environment-overrides"])
def test_load_settings(environ: dict[str, str], expected: Settings) -> None:
    assert load_settings(environ) == expected


def test_languages_come_from_botocores_model() -> None:
    model = botocore.session.get_session().get_service_model("comprehend")
    enum = model.operation_model("BatchDetectSentiment").input_shape.members["LanguageCode"].enum
    assert set(comprehend_languages()) == set(enum) and "zh-TW" in comprehend_languages()


def test_user_arguments_override_the_environment() -> None:
    base = load_settings({})
    assert with_user_arguments(base, {"LanguageCode": "zh-TW", "Mode": "full", "TagKey": "team:sentiment"}) == \
        Settings("comprehend", "zh-TW", "full", DEFAULT_MAX_BYTES, "team:sentiment")
    assert with_user_arguments(base, None) == base
    assert with_user_arguments(base, {}) == base
