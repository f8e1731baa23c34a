"""The job's operation, ready to run: `build_operation` turns CreateJob's `Operation` member into an object that
runs one manifest row at a time (`run(task) -> TaskResult`), or all of a job's rows from one thread (a
`dispatcher()`, LambdaInvoke's).

LambdaInvoke: lambda_invoke.py (the function from functions.py); the S3 operations: s3_operations.py.
"""

from __future__ import annotations

import threading
from typing import Any

from s3batch.emulator.engine.clients import stack_client
from s3batch.emulator.engine.failures import UNSUPPORTED_OPERATION, JobFailure
from s3batch.emulator.engine.functions import resolve_function
from s3batch.emulator.engine.lambda_invoke import LambdaInvoke
from s3batch.emulator.engine.s3_operations import S3_OPERATIONS, S3Operation, build_s3_operation
from s3batch_core.contract.report import TaskResult

MISSING_VERSION = TaskResult(False, 400, "InvalidRequest", "Task failed due to missing VersionId")
SUPPORTED = frozenset({"LambdaInvoke"}) | S3_OPERATIONS


def operation_name(operation: dict[str, Any]) -> str:
    """The single member name of a JobOperation; JobFailure for none or several."""
    names = [name for name, value in operation.items() if value is not None]
    if len(names) != 1:
        raise JobFailure(UNSUPPORTED_OPERATION, f"Operation must have exactly one member, got {names}")
    return names[0]


def build_operation(operation: dict[str, Any], job_id: str, account_id: str, region: str, endpoint_url: str,
                    stop: threading.Event) -> LambdaInvoke | S3Operation:
    """The runnable operation for a job; JobFailure when the engine cannot run it."""
    name = operation_name(operation)
    config = operation[name] or {}
    if name == "LambdaInvoke":
        lambda_client = stack_client("lambda", endpoint_url, region)
        spec = resolve_function(lambda_client, str(config.get("FunctionArn", "")), account_id, region, endpoint_url)
        return LambdaInvoke(job_id, config, spec, stop)
    return build_s3_operation(name, config, endpoint_url, region)
