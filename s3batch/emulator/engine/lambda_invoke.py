"""LambdaInvoke: the schema 1.0/2.0 event of one task, sent to a warm worker, and its response read the way AWS does.

Reference §1.2–§1.6. Report rows follow AWS's examples: HTTP 200 with the Lambda resultCode as ErrorCode; a
TemporaryFailure is redriven (redrive_settings) before it is reported.
"""

from __future__ import annotations

import base64
import collections
import json
import os
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from s3batch.emulator.engine import lambda_runtime
from s3batch.emulator.engine.manifest import Task
from s3batch_core.contract import arns
from s3batch_core.contract.report import TaskResult

RESULT_CODES = ("Succeeded", "TemporaryFailure", "PermanentFailure")


def redrive_settings() -> tuple[int, float]:
    """(redrives, first backoff in seconds) for TemporaryFailure — AWS's numbers are UNCONFIRMED.

    S3BATCH_LOCAL_REDRIVES (default 3) more attempts after the first; the wait doubles from
    S3BATCH_LOCAL_REDRIVE_BACKOFF_S (default 0.5) between them.
    """
    return (int(os.environ.get("S3BATCH_LOCAL_REDRIVES", "3")),
            float(os.environ.get("S3BATCH_LOCAL_REDRIVE_BACKOFF_S", "0.5")))


def _random_id(size: int) -> str:
    return base64.urlsafe_b64encode(os.urandom(size)).decode().rstrip("=")


def build_event(job_id: str, schema: str, user_arguments: dict[str, str] | None, task: Task, task_id: str) -> dict:
    """The invocation event of schema 1.0 (s3BucketArn) or 2.0 (s3Bucket, job.userArguments).

    `s3Key` is the manifest's key field as written (URL-encoded), as AWS passes it. `job.userArguments`
    appears only when the job set UserArguments (AWS's behaviour without them is UNCONFIRMED).
    """
    job: dict[str, Any] = {"id": job_id}
    entry: dict[str, Any] = {"taskId": task_id, "s3Key": task.key, "s3VersionId": task.version_id}
    if schema == "2.0":
        if user_arguments:
            job["userArguments"] = dict(user_arguments)
        entry["s3Bucket"] = task.bucket
    else:
        entry["s3BucketArn"] = arns.s3(task.bucket)
    return {"invocationSchemaVersion": schema, "invocationId": _random_id(36), "job": job, "tasks": [entry]}


def function_error_message(error: dict[str, Any]) -> str:
    """`Lambda returned function error: {"errorMessage":…,"errorType":…}` as in AWS's report example."""
    shown = {k: error[k] for k in ("errorMessage", "errorType") if k in error}
    return "Lambda returned function error: " + json.dumps(shown, separators=(",", ":"), ensure_ascii=False)


def interpret_response(payload: bytes, task_id: str) -> tuple[str, str]:
    """(resultCode, message) for our task from a function's response; malformed → PermanentFailure.

    Missing `results`, or our task missing from them → `treatMissingKeysAs` (PermanentFailure when absent;
    AWS's default is undocumented). A result for an unknown taskId or an invalid resultCode fails the task.
    """
    try:
        document = json.loads(payload)
    except (ValueError, RecursionError):  # RecursionError: nested past the parser's depth
        return "PermanentFailure", "Invalid JSON returned in Lambda payload"
    if not isinstance(document, dict):
        return "PermanentFailure", "Invalid JSON returned in Lambda payload: the response is not a JSON object"
    missing_code = document.get("treatMissingKeysAs", "PermanentFailure")
    if missing_code not in RESULT_CODES:
        return "PermanentFailure", (f"Lambda response has invalid treatMissingKeysAs {missing_code!r} "
                                    f"(expected one of {', '.join(RESULT_CODES)})")
    results = document.get("results")
    if not isinstance(results, list):
        return missing_code, f"Task missing from the Lambda response (no results); treatMissingKeysAs={missing_code}"
    mine = None
    for result in results:
        result_task = result.get("taskId") if isinstance(result, dict) else None
        if result_task != task_id:
            return "PermanentFailure", f"Lambda response contains unknown taskId {result_task!r}"
        mine = result
    if mine is None:
        return missing_code, f"Task missing from the Lambda response; treatMissingKeysAs={missing_code}"
    code = mine.get("resultCode")
    if code not in RESULT_CODES:
        return "PermanentFailure", (f"Lambda returned invalid resultCode {code!r} "
                                    f"(expected one of {', '.join(RESULT_CODES)})")
    text = mine.get("resultString")
    if text is None:
        text = ""
    elif not isinstance(text, str):
        text = json.dumps(text, separators=(",", ":"))
    return code, text


class LambdaInvoke:
    """LambdaInvoke: one task per invocation on the function's warm pool, TemporaryFailure redriven.

    Each engine thread runs its tasks through a `lane` (one worker, PIPELINE_DEPTH invocations in flight).
    """

    name = "LambdaInvoke"

    def __init__(self, job_id: str, config: dict[str, Any], spec: lambda_runtime.FunctionSpec,
                 stop: threading.Event) -> None:
        self.job_id = job_id
        self.schema = str(config.get("InvocationSchemaVersion") or "1.0")
        self.user_arguments = config.get("UserArguments")
        self.pool = lambda_runtime.pool_for(spec)
        self.threads = self.pool.size
        self.redrives, self.backoff_s = redrive_settings()
        self._stop = stop

    def lane(self) -> _LambdaLane:
        return _LambdaLane(self)

    def run(self, task: Task) -> TaskResult:
        lane = self.lane()
        try:
            return lane.finish(lane.start(task))
        finally:
            lane.close()

    def close(self) -> None:
        """Workers stay warm for the next job; `execution.shutdown()` stops them."""


@dataclass(eq=False)
class _Call:
    """One task's invocation on a lane; `outcome` once answered, `lost` if its worker died before starting it."""

    task: Task
    task_id: str
    outcome: lambda_runtime.InvokeOutcome | None = None
    lost: bool = False


class _LambdaLane:
    """One engine thread's tasks on one worker: `start` sends the event, `finish` reads answers in order.

    The worker is held while calls are in flight and given back when none are (or when another thread waits for
    a worker), so a paused job holds none and two jobs on one function share its workers.
    """

    depth = lambda_runtime.PIPELINE_DEPTH

    def __init__(self, operation: LambdaInvoke) -> None:
        self.operation = operation
        self.pool = operation.pool
        self.worker: lambda_runtime.Worker | None = None
        self.sent: collections.deque[_Call] = collections.deque()

    def start(self, task: Task) -> _Call:
        call = _Call(task, _random_id(15))
        self._send(call)
        return call

    def finish(self, call: _Call) -> TaskResult:
        operation = self.operation
        attempt = 0
        while True:
            code, message = self._interpret(call)
            if code != "TemporaryFailure" or attempt >= operation.redrives or operation._stop.is_set():
                break
            self._give_back()  # nothing may be queued behind the redrive's wait
            # wait before the redrive; a cancel or threshold stop ends the wait early
            operation._stop.wait(operation.backoff_s * (2 ** attempt))
            attempt += 1
            self._send(call)
        if self.pool.waiting:  # another thread (another job) waits for a worker
            self._give_back()
        if code == "Succeeded":
            return TaskResult(True, 200, "", message)
        return TaskResult(False, 200, code, message)

    def close(self) -> None:
        if self.worker is not None:
            self.pool.checkin(self.worker)  # replaced if calls are still in flight (an engine error)
            self.worker = None
        self.sent.clear()

    def _send(self, call: _Call) -> None:
        if self.worker is not None and self.worker.dead:
            self._give_back()  # the ones still queued on it are lost: collect that before replacing it
        if self.worker is None:
            self.worker = self.pool.checkout()
        call.outcome, call.lost = None, False
        if self.worker.dead:  # the pool is closed (stack shutting down)
            call.outcome = lambda_runtime.InvokeOutcome(function_error={
                "errorType": "Runtime.ExitError", "errorMessage": "Runtime exited: the local stack is shutting down"})
            return
        operation = self.operation
        event = build_event(operation.job_id, operation.schema, operation.user_arguments, call.task, call.task_id)
        self.worker.send(event, str(uuid.uuid4()))  # Lambda's request ids are UUIDs
        self.sent.append(call)

    def _collect(self) -> None:
        """Read the answer to the oldest call in flight."""
        call = self.sent.popleft()
        assert self.worker is not None
        outcome = self.worker.receive()
        call.outcome, call.lost = outcome, outcome is None
        if not self.sent:
            self._give_back()

    def _give_back(self) -> None:
        """Collect every call in flight, then return the worker to the pool."""
        while self.sent:
            self._collect()
        if self.worker is not None:
            self.pool.checkin(self.worker)
            self.worker = None

    def _interpret(self, call: _Call) -> tuple[str, str]:
        while call.outcome is None:
            if call.lost:
                self._send(call)  # its worker died before running it: run it on the replacement
            else:
                self._collect()
        if call.outcome.function_error is not None:
            return "PermanentFailure", function_error_message(call.outcome.function_error)
        return interpret_response(call.outcome.payload or b"", call.task_id)
