"""Server-side input validation for the job API, driven by botocore's s3control model.

botocore's ParamValidator checks required members, types and minimums; it skips `max`, `pattern` and
`enum`, which a real service enforces, so `check_constraints` walks the shape for those. CreateJob's
rules that the model cannot express come last (s3batch_core.contract.create_job), then the operations the
engine runs.
"""

from __future__ import annotations

from typing import Any

from botocore.model import OperationModel
from botocore.validate import ParamValidator

from s3batch.emulator.service.exceptions import BadRequestException, InvalidRequestException, JobsApiError
from s3batch_core.contract.create_job import chosen_operations, create_job_problems
from s3batch_core.contract.model_constraints import check_constraints

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
    """CreateJob rules beyond the shape (s3batch_core.contract.create_job, which the job tooling checks too), and
    the operations this engine runs; every message names the member at fault."""
    problems = create_job_problems(params)
    chosen = chosen_operations(params.get("Operation"))
    if len(chosen) == 1 and chosen[0] not in supported:
        raise BadRequestException(
            f"Operation {chosen[0]} is not supported by the local emulator; supported: {', '.join(sorted(supported))}"
        )
    if problems:
        raise BadRequestException(problems[0])

