"""What botocore's ParamValidator skips: the model's `max`, `pattern` and `enum` constraints, walked by shape.

botocore checks required members, types and minimums client-side; AWS also enforces maximums, patterns and
enums. The job tooling checks a CreateJob request with this before uploading anything, and the emulator's
job API answers with it, so both refuse exactly the same inputs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import regex  # the model's patterns use \p{L}-style classes, which `re` lacks
from botocore.model import Shape
from botocore.validate import ParamValidator


def model_problems(params: Any, shape: Shape, path: str) -> list[str]:
    """Everything the model refuses in `params`: botocore's ParamValidator (required members, types, minimums),
    then, when that passes, the maximums, patterns and enums it skips (`check_constraints`)."""
    report = ParamValidator().validate(params, shape)
    if report.has_errors():
        return [line.strip() for line in report.generate_report().splitlines() if line.strip()]
    return list(check_constraints(params, shape, path))


def check_constraints(value: Any, shape: Shape, path: str) -> Iterable[str]:
    """Yield `max`, `pattern` and `enum` violations under `value` (shape-directed walk)."""
    meta = shape.metadata
    if shape.type_name == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():  # type: ignore[attr-defined]
            if name in value and value[name] is not None:
                yield from check_constraints(value[name], member, f"{path}.{name}")
    elif shape.type_name == "list" and isinstance(value, list):
        if "max" in meta and len(value) > meta["max"]:
            yield f"{path} has {len(value)} items, more than the maximum {meta['max']}"
        for index, item in enumerate(value):
            yield from check_constraints(item, shape.member, f"{path}[{index}]")  # type: ignore[attr-defined]
    elif shape.type_name == "map" and isinstance(value, dict):
        if "max" in meta and len(value) > meta["max"]:
            yield f"{path} has {len(value)} entries, more than the maximum {meta['max']}"
        for key, item in value.items():
            yield from check_constraints(key, shape.key, f"{path} key {key!r}")  # type: ignore[attr-defined]
            yield from check_constraints(item, shape.value, f"{path}[{key!r}]")  # type: ignore[attr-defined]
    elif shape.type_name == "string" and isinstance(value, str):
        yield from _check_string(value, shape, path)
    elif shape.type_name in ("integer", "long") and isinstance(value, int):
        if "max" in meta and value > meta["max"]:
            yield f"{path} is {value}, more than the maximum {meta['max']}"


# botocore's patterns are unanchored (matched anywhere, as Smithy defines patterns); AWS's Smithy model anchors
# these two (JobId `^[a-zA-Z0-9\-\_]+$`, IAMRoleArn `^arn:[^:]+:iam::\d{12}:role/`), so "abc de" is no job id.
# Lambda's environment variable keys "start with a letter, are at least two characters" and hold only letters,
# digits and underscores (Lambda developer guide, configuration-envvars): the whole key matches.
_ANCHORED = {"JobId": "whole", "IAMRoleArn": "start", "EnvironmentVariableName": "whole"}


def _check_string(value: str, shape: Shape, path: str) -> Iterable[str]:
    meta = shape.metadata
    if "max" in meta and len(value) > meta["max"]:
        yield f"{path} is {len(value)} characters long, more than the maximum {meta['max']}"
    if shape.enum and value not in shape.enum:
        yield f"{path} is {value!r}, not one of: {', '.join(shape.enum)}"
    pattern = meta.get("pattern")
    if pattern:
        compiled = regex.compile(pattern)  # regex keeps its own cache of compiled patterns
        matcher = {"whole": compiled.fullmatch, "start": compiled.match}.get(_ANCHORED.get(shape.name, ""), compiled.search)
        if not matcher(value):
            yield f"{path} {value!r} does not match the pattern {pattern}"
