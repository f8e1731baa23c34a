"""Answer one S3 Batch Operations invocation: one result per task, never raising for a single bad task."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import S3BatchOperationResponseRecord
from aws_lambda_powertools.utilities.data_classes.s3_batch_operation_event import S3BatchOperationTask
from botocore.exceptions import BotoCoreError

from batch_sentiment.analysis import Analysis, analyze_task
from batch_sentiment.backends import Backend, get_backend
from batch_sentiment.clients import s3_client
from batch_sentiment.failures import PERMANENT, SUCCEEDED, ResultCode, TaskFailure, permanent
from batch_sentiment.results import failure_result, success_result
from batch_sentiment.settings import ConfigurationError, Settings, load_settings, with_user_arguments
from batch_sentiment.telemetry import logger, metrics

# Tasks absent from `results` (only a task without a taskId, which cannot be answered) fail.
TREAT_MISSING_KEYS_AS = PERMANENT
# What every task of one invocation shares, or the configuration failure every task answers.
Setup = tuple[Settings, Backend, Any] | TaskFailure


def handle_event(raw: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Build the response for an invocation event of schema 1.0 or 2.0.

    An event without a `tasks` list is malformed as a whole and raises (a function error, as AWS
    reports it); anything wrong with one task or the configuration fails tasks, not the invocation.
    """
    tasks = raw["tasks"]
    if not isinstance(tasks, list):
        raise TypeError("malformed S3 Batch Operations event: 'tasks' is not a list")
    job: Mapping[str, Any] = raw["job"] if isinstance(raw.get("job"), Mapping) else {}
    logger.append_keys(job_id=job.get("id"), invocation_id=raw.get("invocationId"),
                       request_id=getattr(context, "aws_request_id", None))
    setup = _set_up(job.get("userArguments"))
    records = [record for item in tasks if (record := _answer(item, setup)) is not None]
    # Built here rather than with S3BatchOperationResponse.asdict(), which refuses more than one result.
    return {
        "invocationSchemaVersion": raw.get("invocationSchemaVersion"),
        "treatMissingKeysAs": TREAT_MISSING_KEYS_AS,
        "invocationId": raw.get("invocationId"),
        "results": [record.asdict() for record in records],
    }


def _set_up(user_arguments: object) -> Setup:
    """Settings, backend and S3 client for this invocation, or the failure every task answers."""
    try:
        settings = with_user_arguments(load_settings(), user_arguments)
        return settings, get_backend(settings.backend), s3_client()
    except ConfigurationError as error:
        return permanent(f"configuration error: {error}")
    except BotoCoreError as error:  # e.g. no region configured for the clients
        return permanent(f"configuration error: {type(error).__name__}: {error}")


def _answer(item: object, setup: Setup) -> S3BatchOperationResponseRecord | None:
    task_id = item.get("taskId") if isinstance(item, dict) else None
    if not isinstance(item, dict) or not isinstance(task_id, str) or not task_id:
        logger.error("task without a taskId cannot be answered; treatMissingKeysAs applies",
                     extra={"task": str(item)[:300]})
        return None
    task = S3BatchOperationTask(item)
    logger.append_keys(task_id=task_id)
    code, text, analysis = _outcome(task, setup)
    _record(code, text, analysis)
    logger.remove_keys(["task_id"])
    return task.build_task_batch_response(code, text)


def _outcome(task: S3BatchOperationTask, setup: Setup) -> tuple[ResultCode, str, Analysis | None]:
    if isinstance(setup, TaskFailure):
        return setup.result_code, failure_result(setup.message), None
    try:
        analysis = analyze_task(task, *setup)
    except TaskFailure as failure:
        return failure.result_code, failure_result(failure.message), None
    except Exception as error:  # a bug in one task must not lose the other tasks' answers
        logger.exception("unexpected error analysing the task")
        return PERMANENT, failure_result(f"internal error: {type(error).__name__}: {error}"), None
    return SUCCEEDED, success_result(analysis), analysis


def _record(code: str, text: str, analysis: Analysis | None) -> None:
    metrics.add_metric(name=f"Tasks{code}", unit=MetricUnit.Count, value=1)
    if analysis is None:
        logger.warning("task failed", extra={"result_code": code, "reason": text})
        return
    metrics.add_metric(name="BytesAnalyzed", unit=MetricUnit.Bytes, value=analysis.bytes_analyzed)
    metrics.add_metric(name=f"Label{analysis.sentiment.label.capitalize()}", unit=MetricUnit.Count, value=1)
    logger.info("task succeeded", extra={"result_code": code, "label": analysis.sentiment.label,
                                         "bytes_analyzed": analysis.bytes_analyzed,
                                         "truncated": analysis.truncated})
