"""The LambdaInvoke dispatcher on its own: one thread serving every worker of the pool (no stack, no HTTP).

The handler blocks on a FIFO the test opens (so a worker is "slow" exactly as long as the test says), hangs,
exits or asks for a redrive; the other worker must go on answering meanwhile, and every call ends exactly once.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_lambda_runtime import package, spec_for

from s3batch.emulator.engine import lambda_runtime
from s3batch.emulator.engine.lambda_invoke import LambdaDispatcher, LambdaInvoke
from s3batch.emulator.engine.manifest import Task
from s3batch_core.contract.report import TaskResult

HANDLER = '''
import os, threading

def handler(event, context):
    task = event["tasks"][0]
    kind = task["s3Key"].split("/")[0]
    if kind == "crash":
        os._exit(3)
    if kind == "hang":
        threading.Event().wait()
    if kind == "gate":
        with open(os.environ["GATE"]) as gate:  # blocks until the test opens the FIFO's other end
            gate.read()
    code = "TemporaryFailure" if kind == "temp" else "Succeeded"
    return {"invocationSchemaVersion": "2.0", "treatMissingKeysAs": "PermanentFailure",
            "invocationId": event["invocationId"],
            "results": [{"taskId": task["taskId"], "resultCode": code, "resultString": f"{kind} in {os.getpid()}"}]}
'''


FAIL_SAFE_S = 60.0  # a dispatcher that blocked on one worker fails the test after this instead of hanging it


@pytest.fixture()
def gate(tmp_path: Path) -> Iterator[Path]:
    """A FIFO the gated handler reads: it returns once the test (or, failing that, a fail-safe timer) opens it."""
    path = tmp_path / "gate"
    os.mkfifo(path)
    timer = threading.Timer(FAIL_SAFE_S, _open_if_read, [path])
    timer.start()
    yield path
    timer.cancel()


def _open_if_read(path: Path) -> None:
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass  # nobody reads it any more


def operation(gate: Path, stop: threading.Event, **changes: object) -> LambdaInvoke:
    """The job's LambdaInvoke on a pool of two workers."""
    spec = spec_for("batch.handler", code=package({"batch.py": HANDLER}), environment=(("GATE", str(gate)),),
                    reserved_concurrency=2, **changes)
    return LambdaInvoke("job-1", {"InvocationSchemaVersion": "2.0"}, spec, stop)


@pytest.fixture()
def stop() -> Iterator[threading.Event]:
    yield threading.Event()
    lambda_runtime.shutdown_pools()


def tasks(*keys: str) -> list[Task]:
    return [Task(row, "bucket", key, None) for row, key in enumerate(keys)]


@contextmanager
def dispatching(invoke: LambdaInvoke) -> Iterator[tuple[LambdaDispatcher, dict[str, TaskResult | Exception]]]:
    """A dispatcher of `invoke` and what its calls ended with, by key; closed on leaving the `with`."""
    dispatcher = invoke.dispatcher()
    try:
        yield dispatcher, {}
    finally:
        dispatcher.close()


def collect(dispatcher: LambdaDispatcher, until: int, ended: dict[str, TaskResult | Exception]) -> None:
    """Wait (bounded) until `until` calls ended in all; each call may end only once."""
    for _ in range(10_000):
        if len(ended) >= until:
            return
        for call, result in dispatcher.wait():
            assert call.task.key not in ended, f"{call.task.key} ended twice"
            ended[call.task.key] = result
    raise AssertionError(f"only {sorted(ended)} ended")


def start_all(dispatcher: LambdaDispatcher, rows: list[Task], ended: dict[str, TaskResult | Exception]) -> None:
    """Start every row, letting calls end whenever the dispatcher has no room (as the engine does)."""
    for task in rows:
        while not dispatcher.room():
            collect(dispatcher, len(ended) + 1, ended)
        dispatcher.start(task)


def message(result: TaskResult | Exception) -> str:
    assert isinstance(result, TaskResult)
    return result.message


def test_a_slow_worker_does_not_hold_up_the_other(gate: Path, stop: threading.Event) -> None:
    rows = tasks("gate/0", *(f"ok/{n}" for n in range(1, 9)))
    with dispatching(operation(gate, stop)) as (dispatcher, ended):
        start_all(dispatcher, rows, ended)
        # the gated call holds its worker; at most one call (PIPELINE_DEPTH) waits behind it, the rest ran on the other
        collect(dispatcher, len(rows) - lambda_runtime.PIPELINE_DEPTH, ended)
        assert "gate/0" not in ended
        with open(gate, "w"):
            pass
        collect(dispatcher, len(rows), ended)
    assert all(isinstance(r, TaskResult) and r.succeeded for r in ended.values())
    assert len({message(r).split()[-1] for r in ended.values()}) == 2  # both workers answered


def test_a_worker_that_dies_or_times_out_mid_task_fails_only_that_task(gate: Path, stop: threading.Event) -> None:
    rows = tasks("crash/0", "ok/1", "hang/2", "ok/3", "ok/4", "crash/5", "ok/6", "ok/7")
    with dispatching(operation(gate, stop, timeout_s=1.0)) as (dispatcher, ended):
        start_all(dispatcher, rows, ended)
        collect(dispatcher, len(rows), ended)
    assert not dispatcher.busy and not dispatcher.held
    for key in ("crash/0", "crash/5"):
        assert "Runtime exited with error: exit status 3" in message(ended[key])
    assert message(ended["hang/2"]).endswith(' Task timed out after 1.00 seconds"}')
    assert [ended[f"ok/{n}"].succeeded for n in (1, 3, 4, 6, 7)] == [True] * 5  # type: ignore[union-attr]


def test_a_redrive_waits_without_holding_up_the_other_calls(gate: Path, stop: threading.Event,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("S3BATCH_LOCAL_REDRIVES", "3")
    monkeypatch.setenv("S3BATCH_LOCAL_REDRIVE_BACKOFF_S", "3600")
    fail_safe = threading.Timer(FAIL_SAFE_S, stop.set)
    fail_safe.start()
    rows = tasks("temp/0", *(f"ok/{n}" for n in range(1, 7)))
    try:
        with dispatching(operation(gate, stop)) as (dispatcher, ended):
            start_all(dispatcher, rows, ended)
            collect(dispatcher, len(rows) - 1, ended)  # every other call ends during the first backoff
            assert "temp/0" not in ended and dispatcher.busy and not stop.is_set()
            stop.set()  # the job stops: the redrive is sent at once, and its answer is the task's result
            collect(dispatcher, len(rows), ended)
    finally:
        fail_safe.cancel()
    assert ended["temp/0"] == TaskResult(False, 200, "TemporaryFailure", message(ended["temp/0"]))


def test_release_gives_back_idle_workers_and_a_dead_pool_fails_calls(gate: Path, stop: threading.Event) -> None:
    invoke = operation(gate, stop)
    with dispatching(invoke) as (dispatcher, ended):
        start_all(dispatcher, tasks("ok/0", "ok/1", "ok/2"), ended)
        collect(dispatcher, 3, ended)
        assert dispatcher.held
        dispatcher.release()
        assert not dispatcher.held
        lent = invoke.pool.try_checkout()
        assert lent is not None and lent.alive  # back in the pool, still warm
        invoke.pool.checkin(lent)
        lambda_runtime.shutdown_pools()  # the stack shuts down: a call then ends at once, naming that
        dispatcher.start(Task(3, "bucket", "ok/3", None))
        collect(dispatcher, 4, ended)
    assert "the local stack is shutting down" in message(ended["ok/3"])


def test_workers_go_back_to_another_job_waiting_for_one(gate: Path, stop: threading.Event) -> None:
    invoke = operation(gate, stop)
    lent: list[lambda_runtime.Worker] = []
    with dispatching(invoke) as (dispatcher, ended):
        start_all(dispatcher, tasks("ok/0", "ok/1", "ok/2", "ok/3"), ended)
        assert len(dispatcher.held) == 2  # the whole pool
        other_job = threading.Thread(target=lambda: lent.append(invoke.pool.checkout()), daemon=True)
        other_job.start()
        for _ in range(10_000):  # bounded: until the other job is waiting in checkout
            if invoke.pool.waiting:
                break
            other_job.join(0.001)
        assert invoke.pool.waiting == 1
        try:
            assert not dispatcher.room() or not dispatcher.held  # nothing more is sent while the other job waits
            collect(dispatcher, 4, ended)
            other_job.join(FAIL_SAFE_S)
            assert len(lent) == 1 and len(dispatcher.held) < 2
        finally:
            for worker in lent:
                invoke.pool.checkin(worker)
