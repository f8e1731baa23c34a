"""Server-side input validation for the job API, driven by botocore's s3control model.

botocore's ParamValidator checks required members, types and minimums; it skips `max`, `pattern` and
`enum`, which a real service enforces, so `check_constraints` walks the shape for those. CreateJob's
rules that the model cannot express (one operation, Manifest xor ManifestGenerator, report fields,
schema 2.0 for UserArguments, operations the engine runs) come last.
"""

from __future__ import annotations

from typing import Any

from botocore.model import OperationModel
from botocore.validate import ParamValidator

from s3batch.emulator.exceptions import BadRequestException, InvalidRequestException, JobsApiError
from s3batch_core.contract.formats import MAX_JOB_TAGS
from s3batch_core.contract.model_constraints import check_constraints
from s3batch_core.contract.operation_rules import operation_problem

ACCOUNT_HEADER = "x-amz-account-id"


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
    problem = operation_problem(name, operation[name] or {})
    if problem:
        raise BadRequestException(f"Operation.{name}: {problem}")
    _check_report(params["Report"])
    tags = params.get("Tags") or []
    if len(tags) > MAX_JOB_TAGS:
        raise BadRequestException(f"Tags: a job can have at most {MAX_JOB_TAGS} tags; got {len(tags)}")
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
