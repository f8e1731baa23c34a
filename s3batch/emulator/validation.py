"""Server-side input validation for the job API, driven by botocore's s3control model.

botocore's ParamValidator checks required members, types and minimums; it skips `max`, `pattern` and
`enum`, which a real service enforces, so `check_constraints` walks the shape for those. CreateJob's
rules that the model cannot express (one operation, Manifest xor ManifestGenerator, report fields,
schema 2.0 for UserArguments, operations the engine runs) come last.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import regex  # the model's patterns use \p{L}-style classes, which `re` lacks
from botocore.model import OperationModel, Shape
from botocore.validate import ParamValidator

from s3batch.emulator.exceptions import BadRequestException, InvalidRequestException, JobsApiError

ACCOUNT_HEADER = "x-amz-account-id"
_PATTERNS: dict[str, Any] = {}


def error_class_for(operation: OperationModel) -> type[JobsApiError]:
    """The validation error an operation models: ListJobs has InvalidRequestException, others BadRequest."""
    names = {shape.name for shape in operation.error_shapes}
    if "BadRequestException" not in names and "InvalidRequestException" in names:
        return InvalidRequestException
    return BadRequestException


def validate_input(operation: OperationModel, params: dict[str, Any]) -> None:
    """Raise the operation's validation error with a message naming the member and the problem."""
    error = error_class_for(operation)
    if not params.get("AccountId"):
        raise error(f"Missing required header {ACCOUNT_HEADER}: the 12-digit account id that owns the jobs")
    report = ParamValidator().validate(params, operation.input_shape)
    if report.has_errors():
        raise error(report.generate_report())
    problems = list(check_constraints(params, operation.input_shape, "input"))
    if problems:
        raise error("Invalid parameters: " + "; ".join(problems))


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
_ANCHORED = {"JobId": "whole", "IAMRoleArn": "start"}


def _check_string(value: str, shape: Shape, path: str) -> Iterable[str]:
    meta = shape.metadata
    if "max" in meta and len(value) > meta["max"]:
        yield f"{path} is {len(value)} characters long, more than the maximum {meta['max']}"
    if shape.enum and value not in shape.enum:
        yield f"{path} is {value!r}, not one of: {', '.join(shape.enum)}"
    pattern = meta.get("pattern")
    if pattern:
        compiled = _PATTERNS.get(pattern) or _PATTERNS.setdefault(pattern, regex.compile(pattern))
        matcher = {"whole": compiled.fullmatch, "start": compiled.match}.get(_ANCHORED.get(shape.name, ""), compiled.search)
        if not matcher(value):
            yield f"{path} {value!r} does not match the pattern {pattern}"


def validate_create_job(params: dict[str, Any], supported: frozenset[str]) -> None:
    """CreateJob rules beyond the shape; every message names the member at fault."""
    operation = params.get("Operation") or {}
    chosen = [name for name, value in operation.items() if value is not None]
    if len(chosen) != 1:
        raise BadRequestException(
            f"Operation must name exactly one operation; got {len(chosen)} ({', '.join(chosen) or 'none'})"
        )
    name = chosen[0]
    if name not in supported:
        raise BadRequestException(
            f"Operation {name} is not supported by the local emulator; supported: {', '.join(sorted(supported))}"
        )
    if (params.get("Manifest") is None) == (params.get("ManifestGenerator") is None):
        raise BadRequestException("Give exactly one of Manifest and ManifestGenerator")
    if name == "LambdaInvoke":
        _check_lambda(operation[name])
    _check_report(params["Report"])
    tags = params.get("Tags") or []
    if len(tags) > 50:
        raise BadRequestException(f"Tags: a job can have at most 50 tags; got {len(tags)}")
    check_tag_keys(tags)


def _check_lambda(invoke: dict[str, Any]) -> None:
    if not invoke.get("FunctionArn"):
        raise BadRequestException("Operation.LambdaInvoke.FunctionArn is required")
    version = invoke.get("InvocationSchemaVersion", "1.0")
    if version not in ("1.0", "2.0"):
        raise BadRequestException(
            f"Operation.LambdaInvoke.InvocationSchemaVersion {version!r} is not supported; use 1.0 or 2.0"
        )
    if invoke.get("UserArguments") and version != "2.0":
        raise BadRequestException("Operation.LambdaInvoke.UserArguments requires InvocationSchemaVersion 2.0")


def _check_report(report: dict[str, Any]) -> None:
    if not report.get("Enabled"):
        return
    missing = [member for member in ("Bucket", "Format", "ReportScope") if not report.get(member)]
    if missing:
        raise BadRequestException(f"Report: Enabled is true, so {', '.join(missing)} must be given")


RESERVED_TAG_PREFIX = "aws:"  # "AWS generated tag names ... are automatically assigned the aws: prefix, which you
# can't assign" (Billing User Guide, User-Defined Tag Restrictions, which PutJobTagging's doc points to)


def check_tag_keys(tags: list[dict[str, str]]) -> None:
    """CreateJob and PutJobTagging: unique keys, none with the reserved `aws:` prefix (any case).

    The tagging operations model no validation error, and the code AWS answers for these is UNCONFIRMED:
    BadRequestException, as for every other invalid input. The limit of 50 is checked by the callers.
    """
    keys = [tag["Key"] for tag in tags]
    if len(set(keys)) != len(keys):
        raise BadRequestException("Tags: tag keys must be unique")
    reserved = [key for key in keys if key.lower().startswith(RESERVED_TAG_PREFIX)]
    if reserved:
        raise BadRequestException(f"Tags: the prefix {RESERVED_TAG_PREFIX!r} is reserved for AWS; got {reserved[0]!r}")
