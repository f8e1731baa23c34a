"""The local Lambda runtime on its own: warm worker processes running a zip's handler, in order, with Lambda's
environment, context, function errors, timeouts, crashes and pool reuse (no stack, no HTTP)."""

from __future__ import annotations

import io
import json
import socket
import textwrap
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from multiprocessing.connection import Connection
from typing import Any

import pytest

from s3batch.emulator.engine import lambda_runtime
from s3batch.emulator.engine.lambda_runtime import FunctionSpec, InvokeOutcome, Worker, WorkerPool, _Channel

HANDLER = '''
import json, os, threading

def echo(event, context):
    return {"event": event, "request": context.aws_request_id, "arn": context.invoked_function_arn,
            "left_ms": context.get_remaining_time_in_millis(),
            "env": {k: os.environ.get(k) for k in ("AWS_LAMBDA_FUNCTION_NAME", "AWS_REGION", "MODE", "_HANDLER")}}

def fail(event, context):
    raise KeyError("no such thing")

def hang(event, context):
    threading.Event().wait()  # never answers

def crash(event, context):
    os._exit(3)
'''


def package(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, textwrap.dedent(text))
    return buffer.getvalue()


def spec_for(handler: str, **changes: Any) -> FunctionSpec:
    spec = FunctionSpec(function_name="fn", invoked_arn="arn:aws:lambda:us-east-1:123456789012:function:fn:live",
                        version="$LATEST", handler=handler, timeout_s=30.0, memory_mb=128,
                        environment=(("MODE", "test"), ("AWS_REGION", "eu-west-1")), code_sha256="x",
                        region="us-east-1", endpoint_url="http://127.0.0.1:9", code=package({"fn.py": HANDLER}))
    return replace(spec, **changes)


@pytest.fixture()
def pools() -> Iterator[list[WorkerPool]]:
    """Pools a test opens, closed after it (their worker processes stopped)."""
    opened: list[WorkerPool] = []
    yield opened
    for pool in opened:
        pool.close()


def invoke(pools: list[WorkerPool], handler: str, *events: dict[str, Any],
           **changes: Any) -> tuple[Worker, list[InvokeOutcome | None]]:
    """Send every event to one worker before reading any answer (the engine's pipelining), then read them all."""
    pool = WorkerPool(spec_for(handler, **changes), 1)
    pools.append(pool)
    worker = pool.checkout()
    for number, event in enumerate(events):
        worker.send(event, f"request-{number}")
    return worker, [worker.receive() for _ in events]


def test_answers_come_back_in_order_with_lambdas_context_and_environment(pools: list[WorkerPool]) -> None:
    _, (first, second) = invoke(pools, "fn.echo", {"n": 1}, {"n": 2})
    assert first is not None and second is not None and first.function_error is None
    answers = [json.loads(outcome.payload or b"") for outcome in (first, second)]
    assert [(a["event"], a["request"]) for a in answers] == [({"n": 1}, "request-0"), ({"n": 2}, "request-1")]
    assert answers[0]["arn"] == "arn:aws:lambda:us-east-1:123456789012:function:fn:live"
    assert 0 < answers[0]["left_ms"] <= 30_000
    # the function's own variables win over the runtime's (AWS_REGION here), as on Lambda
    assert answers[0]["env"] == {"AWS_LAMBDA_FUNCTION_NAME": "fn", "AWS_REGION": "eu-west-1", "MODE": "test",
                                 "_HANDLER": "fn.echo"}


def test_a_raised_exception_is_the_function_error_and_the_worker_stays_warm(pools: list[WorkerPool]) -> None:
    worker, (failed, answered) = invoke(pools, "fn.fail", {}, {})
    assert failed is not None and failed.function_error is not None
    assert (failed.function_error["errorType"], failed.function_error["errorMessage"]) == ("KeyError", "'no such thing'")
    assert answered is not None and answered.function_error is not None  # the same worker answered the next one
    assert worker.alive and not worker.dead


@pytest.mark.parametrize(("handler", "error_type", "message"), [
    ("fn", "Runtime.MalformedHandlerName", "Bad handler 'fn': not enough values to unpack (expected 2, got 1)"),
    ("missing.handler", "Runtime.ImportModuleError", "Unable to import module 'missing': No module named 'missing'"),
    ("fn.absent", "Runtime.HandlerNotFound", "Handler 'absent' missing on module 'fn'"),
])
def test_a_handler_that_cannot_be_loaded_fails_every_invocation(pools: list[WorkerPool], handler: str,
                                                                 error_type: str, message: str) -> None:
    _, outcomes = invoke(pools, handler, {}, {})
    assert [o.function_error if o else None for o in outcomes] == [{"errorType": error_type, "errorMessage": message}] * 2


def test_a_timeout_kills_the_worker_and_the_invocation_behind_it_never_started(pools: list[WorkerPool]) -> None:
    worker, (timed_out, behind) = invoke(pools, "fn.hang", {}, {}, timeout_s=0.2)
    assert timed_out is not None and timed_out.function_error is not None
    assert timed_out.function_error["errorMessage"].endswith("request-0 Task timed out after 0.20 seconds")
    assert behind is None  # to be sent again to the replacement
    assert worker.dead
    replacement = pools[0].current(worker)
    assert replacement is not worker and replacement.alive


def test_a_crash_is_runtime_exit_error_with_the_exit_status(pools: list[WorkerPool]) -> None:
    _, (crashed, behind) = invoke(pools, "fn.crash", {}, {})
    assert crashed == InvokeOutcome(function_error={
        "errorType": "Runtime.ExitError",
        "errorMessage": "RequestId: request-0 Error: Runtime exited with error: exit status 3"})
    assert behind is None


def test_a_package_member_outside_the_code_directory_is_refused() -> None:
    spec = spec_for("fn.echo", code=package({"../escape.py": "x = 1"}))
    with pytest.raises(ValueError, match="escapes the code directory"):
        WorkerPool(spec, 1)


def test_pools_are_kept_per_version_capped_by_reserved_concurrency_and_replaced_when_the_code_changes() -> None:
    spec = spec_for("fn.echo", reserved_concurrency=1)
    try:
        pool = lambda_runtime.pool_for(spec, size=4)
        assert pool.size == 1
        assert lambda_runtime.pool_for(spec, size=4) is pool
        worker = pool.checkout()
        updated = lambda_runtime.pool_for(replace(spec, code_sha256="y"), size=4)  # $LATEST got new code
        assert updated is not pool and worker.dead
    finally:
        lambda_runtime.shutdown_pools()
    assert updated.worker_pids() == []


def test_the_engines_end_reads_connection_frames_whole_and_keeps_what_came_with_them() -> None:
    engine_end, worker_end = socket.socketpair()
    channel, worker = _Channel(engine_end), Connection(worker_end.detach())
    try:
        worker.send_bytes(b"first")
        worker.send_bytes(b"second")  # both wait in the socket: the channel's one recv takes them both
        big = bytes(range(256)) * 1000  # more than one recv's worth
        assert channel.receive() == b"first"
        assert channel.message_waiting()  # kept from that recv: the socket itself is empty now
        assert channel.receive() == b"second"
        assert not channel.message_waiting()
        sending = threading.Thread(target=worker.send_bytes, args=(big,))  # bigger than the socket's buffer
        sending.start()
        assert channel.receive() == big
        sending.join(30)
        channel.send(b"to the worker")
        assert worker.recv_bytes() == b"to the worker"
        worker.close()
        with pytest.raises(EOFError):
            channel.receive()
    finally:
        channel.close()
