"""Server-side input validation for the job API, driven by botocore's s3control model.

The model's rules are `s3batch_core.contract.model_constraints.model_problems` (botocore's ParamValidator, then the
`max`, `pattern` and `enum` it skips), the job tooling's check too, every problem in one line. CreateJob's rules
that the model cannot express come last (s3batch_core.contract.create_job), then the operations the engine runs.
"""

from __future__ import annotations

from typing import Any

from botocore.model import OperationModel

from s3batch.emulator.service.exceptions import BadRequestException, InvalidRequestException, JobsApiError
from s3batch_core.contract.create_job import chosen_operations, create_job_problems
from s3batch_core.contract.model_constraints import model_problems

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
    problems = model_problems(params, operation.input_shape, "input")
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

