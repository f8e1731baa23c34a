"""LambdaInvoke: the schema 1.0/2.0 event of one task, sent to a warm worker, and its response read the way AWS does.

Reference §1.2–§1.6. Report rows follow AWS's examples: HTTP 200 with the Lambda resultCode as ErrorCode; a
TemporaryFailure is redriven (redrive_settings) before it is reported.
"""

from __future__ import annotations

import base64
import collections
import heapq
import itertools
import json
import math
import os
import random
import select
import threading
import time
from dataclasses import dataclass, field
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


# Invocation, task and request ids only need to be unique: drawn from a generator seeded once from the OS, not from
# os.urandom per id (three system calls per task, each a point where the stack's engine thread gives up the GIL).
_IDS = random.Random(os.urandom(32))


def _random_id(size: int) -> str:
    return base64.urlsafe_b64encode(_IDS.randbytes(size)).decode().rstrip("=")


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

    One engine thread runs all of a job's invocations through a `dispatcher` (every worker of the pool,
    PIPELINE_DEPTH invocations in flight on each).
    """

    threads = 1  # the dispatcher serves every worker from one thread

    def __init__(self, job_id: str, config: dict[str, Any], spec: lambda_runtime.FunctionSpec,
                 stop: threading.Event) -> None:
        self.job_id = job_id
        self.schema = str(config.get("InvocationSchemaVersion") or "1.0")
        self.user_arguments = config.get("UserArguments")
        self.pool = lambda_runtime.pool_for(spec)
        self.redrives, self.backoff_s = redrive_settings()
        self._stop = stop

    def dispatcher(self) -> LambdaDispatcher:
        return LambdaDispatcher(self)

    def close(self) -> None:
        """Workers stay warm for the next job; `execution.shutdown()` stops them."""


@dataclass(eq=False)
class _Call:
    """One task's invocation; `attempt` counts its redrives."""

    task: Task
    task_id: str
    attempt: int = 0


@dataclass(eq=False)
class _Held:
    """A worker the dispatcher holds, its socket, and the calls sent to it (oldest first)."""

    worker: lambda_runtime.Worker
    fd: int
    sent: collections.deque[_Call] = field(default_factory=collections.deque)


class LambdaDispatcher:
    """A job's invocations from one engine thread, on up to `pool.size` workers with PIPELINE_DEPTH calls each.

    The thread `start`s a call while `room()` says a worker can take one, and `wait`s on the sockets of all the
    workers it holds at once (one poll) instead of a thread per worker: fewer threads in the stack's process to
    wake and hand its GIL to. `wait` returns the calls that ended with their TaskResult (or the exception their
    processing raised). A TemporaryFailure waits for its redrive without holding the other calls up; calls lost
    with a worker that died before starting them, and redrives that are due, are sent before any new call.

    Workers are held while calls are in flight on them. `release` gives back the idle ones (a paused job holds
    none); while another thread waits for a worker (another job), no call is added and each worker is given back
    once its calls are answered. Holding no worker, `start` waits for one.
    """

    depth = lambda_runtime.PIPELINE_DEPTH

    def __init__(self, operation: LambdaInvoke) -> None:
        self.operation = operation
        self.pool = operation.pool
        self.held: dict[int, _Held] = {}
        self._poller = select.poll()  # the sockets of held workers with calls in flight
        self.unsent: collections.deque[_Call] = collections.deque()
        self._redrives: list[tuple[float, int, _Call]] = []  # (when due, order, call): a heap
        self._order = itertools.count()
        self._ended: list[tuple[_Call, TaskResult | Exception]] = []
        self.calls = 0  # started and not yet returned by `wait`

    @property
    def busy(self) -> bool:
        return self.calls > 0

    def room(self) -> bool:
        """True when `start` sends a call at once (or, holding no worker, waits for one in the pool)."""
        if self.unsent:
            return False
        if self.pool.waiting:
            self.release()  # another job waits for a worker: what is idle goes back now
        if not self.held:
            return True
        best = self._with_room()
        if best is not None and not best.sent:
            return True
        # every held worker is busy: another worker before a second call on one (none while other jobs wait)
        if not self.pool.waiting and len(self.held) < self.pool.size and self._hold(self.pool.try_checkout()):
            return True
        return best is not None

    def start(self, task: Task) -> _Call:
        call = _Call(task, _random_id(15))
        self.calls += 1
        self._send(call)
        return call

    def wait(self) -> list[tuple[_Call, TaskResult | Exception]]:
        """Wait for an answer, a timeout or a redrive's time; the calls that ended (maybe none)."""
        if self.pool.waiting:
            self.release()
        self._send_due()
        if self.unsent and not any(held.sent for held in self.held.values()):
            # another job started waiting for a worker since the release: none held may take a call, and no answer
            # will come to wake the poll. Give them back and wait for one in the pool, as that job does.
            self.release()
            self._send_due()
        if not self._ended and self.calls:
            for fd, _ in self._poller.poll(self._timeout_ms()):
                held = self.held.get(fd)
                if held is not None and held.sent:
                    self._collect(held, readable=True)
            now = time.monotonic()
            for held in [h for h in self.held.values() if h.sent]:
                deadline = held.worker.deadline()
                if deadline is not None and deadline <= now:
                    self._collect(held, readable=False)  # timed out (or its handler never loaded)
            if self.pool.waiting:
                self.release()
            self._send_due()
        ended, self._ended = self._ended, []
        self.calls -= len(ended)
        return ended

    def release(self) -> None:
        """Give back every held worker with no call in flight."""
        for held in [h for h in self.held.values() if not h.sent]:
            self._drop(held)

    def close(self) -> None:
        for held in list(self.held.values()):
            self._drop(held)  # the pool replaces a worker with calls still in flight (an engine error)
        self.unsent.clear()
        self._redrives.clear()

    def _with_room(self) -> _Held | None:
        """The held worker with the fewest calls in flight, if it can take one more (none while others wait)."""
        if self.pool.waiting:
            return None
        best = None
        for held in self.held.values():
            if len(held.sent) < self.depth and not held.worker.dead and (best is None or len(held.sent) < len(best.sent)):
                best = held
        return best

    def _hold(self, worker: lambda_runtime.Worker | None) -> _Held | None:
        if worker is None:
            return None
        if worker.dead:  # a closed pool lends its dead workers: the stack is shutting down
            self.pool.checkin(worker)
            return None
        held = self.held[worker.fileno()] = _Held(worker, worker.fileno())
        return held

    def _drop(self, held: _Held) -> None:
        if held.sent:
            self._poller.unregister(held.fd)
        del self.held[held.fd]
        self.pool.checkin(held.worker)

    def _send(self, call: _Call) -> None:
        held = self._with_room() or (None if self.held else self._hold(self.pool.checkout()))
        if held is None:
            if self.held:
                self.unsent.append(call)  # every held worker is full: sent once one answers
            else:
                self._settle(call, lambda_runtime.InvokeOutcome(function_error={
                    "errorType": "Runtime.ExitError", "errorMessage": "Runtime exited: the local stack is shutting down"}))
            return
        operation = self.operation
        event = build_event(operation.job_id, operation.schema, operation.user_arguments, call.task, call.task_id)
        if not held.sent:
            self._poller.register(held.fd, select.POLLIN)
        held.sent.append(call)
        held.worker.send(event, _request_id())

    def _send_due(self) -> None:
        """Send the calls lost with a dead worker and the redrives that are due (all of them once the job stops)."""
        now, stopping = time.monotonic(), self.operation._stop.is_set()
        while self._redrives and (stopping or self._redrives[0][0] <= now):
            self.unsent.append(heapq.heappop(self._redrives)[2])
        waiting, self.unsent = self.unsent, collections.deque()
        for call in waiting:
            self._send(call)

    def _timeout_ms(self) -> int:
        """Until the earliest timeout of a call in flight or redrive due; -1 (none) waits for an answer."""
        deadlines = [d for held in self.held.values() if (d := held.worker.deadline()) is not None]
        if self._redrives:
            deadlines.append(self._redrives[0][0])
        if not deadlines:
            return -1
        return max(0, math.ceil((min(deadlines) - time.monotonic()) * 1000))

    def _collect(self, held: _Held, readable: bool) -> None:
        """Read the answers to the oldest calls on `held` that are there (at least one if `readable`, or the oldest
        call's timeout); a dead worker's unstarted calls go back to be sent."""
        worker = held.worker
        while True:
            outcome = worker.receive(wait=False, readable=readable)
            if outcome is lambda_runtime.PENDING:
                return
            call = held.sent.popleft()
            if outcome is None:
                self.unsent.append(call)  # its worker died before starting it
            else:
                self._settle(call, outcome)  # type: ignore[arg-type]
            if worker.dead or not held.sent or not worker.answer_waiting():
                break
            readable = True  # the next answer came with this one's read
        if worker.dead:  # timed out or exited: the calls behind it never started
            while held.sent:
                worker.receive()
                self.unsent.append(held.sent.popleft())
            del self.held[held.fd]
            self._poller.unregister(held.fd)
            self.pool.checkin(worker)  # replaced by a fresh worker
        elif not held.sent:
            self._poller.unregister(held.fd)

    def _settle(self, call: _Call, outcome: lambda_runtime.InvokeOutcome) -> None:
        """Record how `call` ended, or queue its redrive (TemporaryFailure with redrives left and the job going on)."""
        operation = self.operation
        try:
            code, message = _interpret(call, outcome)
            if code == "TemporaryFailure" and call.attempt < operation.redrives and not operation._stop.is_set():
                due = time.monotonic() + operation.backoff_s * (2 ** call.attempt)
                call.attempt += 1
                heapq.heappush(self._redrives, (due, next(self._order), call))
                return
            result: TaskResult | Exception = (TaskResult(True, 200, "", message) if code == "Succeeded"
                                              else TaskResult(False, 200, code, message))
        except Exception as error:  # noqa: BLE001 - the engine reports the task failed (InternalError)
            result = error
        self._ended.append((call, result))


def _interpret(call: _Call, outcome: lambda_runtime.InvokeOutcome) -> tuple[str, str]:
    if outcome.function_error is not None:
        return "PermanentFailure", function_error_message(outcome.function_error)
    return interpret_response(outcome.payload or b"", call.task_id)


def _request_id() -> str:
    raw = _IDS.randbytes(16).hex()
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"
