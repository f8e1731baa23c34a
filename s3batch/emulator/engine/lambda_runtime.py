"""A local Lambda runtime for LambdaInvoke jobs: warm worker processes running the registered code.

Each worker is a separate Python process (so a handler that crashes, hangs or leaks cannot hurt the
stack) started with the function's environment, its unzipped code as working directory and first
import path, and a socketpair to the engine. The protocol is one message each way per invocation: the
event as JSON, and a reply of one byte (`_OK`, `_ERROR`) followed by the response or the error document.

What AWS does and we copy (reference §1.6):
- an unhandled exception is a *function error*, reported as `Lambda returned function error: {json}`;
- the function Timeout is enforced: the worker is killed and replaced, the error reads
  `<timestamp> <request id> Task timed out after N.NN seconds`;
- a worker that dies (os._exit, signal) gives `Runtime.ExitError` and is replaced;
- an import failure gives `Runtime.ImportModuleError` on every invocation, as Lambda does.

The worker side (`serve`) imports only the standard library before loading the handler.
"""

from __future__ import annotations

import collections
import json
import math
import os
import queue
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

INIT_TIMEOUT_S = 30.0  # Lambda allows 10 s of init; we are generous for slow machines
_WORKER_MAIN = "import sys; from s3batch.emulator.engine.lambda_runtime import serve; serve(int(sys.argv[1]))"
# A reply is one byte saying what follows, then the handler's JSON response as is, or the function error document.
_OK, _ERROR = b"o", b"e"


@dataclass(frozen=True)
class FunctionSpec:
    """A registered function version as the runtime needs it."""

    function_name: str
    invoked_arn: str  # the FunctionArn of the job (qualified or not)
    version: str
    handler: str
    timeout_s: float
    memory_mb: int
    environment: tuple[tuple[str, str], ...]
    code_sha256: str
    region: str
    endpoint_url: str
    reserved_concurrency: int | None = None  # caps the pool, as reserved concurrency caps Lambda
    runtime: str = "python3.12"  # the declared runtime (AWS_EXECUTION_ENV); workers use this interpreter
    code: bytes = field(default=b"", compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class InvokeOutcome:
    """What one invocation returned: the payload (bytes) or a function error document."""

    payload: bytes | None = None
    function_error: dict[str, str] | None = None


def worker_environment(spec: FunctionSpec, code_dir: str) -> dict[str, str]:
    """The process environment Lambda would give this function, pointed at the local stack.

    No PYTHONPATH: the worker is this interpreter, where the kit is installed, so it imports `serve` from there;
    the function's code directory is its first import path (`serve`), as the zip root is on Lambda.
    """
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "LAMBDA_TASK_ROOT": code_dir,
        "_HANDLER": spec.handler,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{spec.runtime}",
        "AWS_LAMBDA_FUNCTION_NAME": spec.function_name,
        "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_mb),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.function_name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": f"local/[{spec.version}]{os.urandom(8).hex()}",
        "AWS_LAMBDA_INVOKED_ARN": spec.invoked_arn,
        "AWS_REGION": spec.region,
        "AWS_DEFAULT_REGION": spec.region,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_ENDPOINT_URL": spec.endpoint_url,
    }
    env.update(dict(spec.environment))  # the function's own variables win, as on Lambda
    return env


PIPELINE_DEPTH = 2  # invocations the engine keeps sent to each worker it holds (see Worker)


class _Pending:
    """The type of PENDING."""

    def __repr__(self) -> str:
        return "PENDING"


PENDING = _Pending()  # `Worker.receive(wait=False)`: the answer is not there yet and its time is not up


class Worker:
    """One warm worker process and its connection; used by one engine thread at a time.

    That thread may `send` the next invocation before the previous one is answered: it waits in the worker's
    socket, so the worker goes on at once instead of sitting idle while the engine records a result and takes
    the next row. The worker runs them one after another; `receive` returns the answers in the same order. The
    timeout of an invocation counts from when it started: when it was sent to an idle worker, else when its
    predecessor's answer arrived. After a timeout or a crash the invocations behind the failed one never
    started: `receive` returns None for them, and they are sent again to the worker's replacement.

    A thread serving several workers waits on all their sockets at once (`fileno`) until the earliest `deadline`,
    and reads with `receive(wait=False)`, which never blocks for an answer still to come.
    """

    def __init__(self, spec: FunctionSpec, code_dir: str, log_path: Path) -> None:
        self.spec = spec
        parent, child = socket.socketpair()
        self._log = open(log_path, "ab")  # noqa: SIM115 - lives as long as the worker; closed in kill()
        self.process = subprocess.Popen(
            [sys.executable, "-c", _WORKER_MAIN, str(child.fileno())],
            pass_fds=(child.fileno(),), env=worker_environment(spec, code_dir), cwd=code_dir,
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
        )
        child.close()
        self.conn = _Channel(parent)
        self._poller = select.poll()
        self._poller.register(self.conn.fileno(), select.POLLIN)
        self.ready = False
        self.dead = False  # killed (timeout, crash, shutdown): answers nothing any more
        self._init_deadline = time.monotonic() + INIT_TIMEOUT_S  # the handler must be loaded by then
        self._sent: collections.deque[str] = collections.deque()  # request ids sent, not yet answered
        self._head_started = 0.0  # monotonic time the oldest sent invocation started

    def fileno(self) -> int:
        """The engine's end of the worker's socket: readable when an answer (or the worker's exit) is there."""
        return self.conn.fileno()

    def deadline(self) -> float | None:
        """Monotonic time at which the oldest invocation sent times out (or the handler's load does); None if idle."""
        if self.dead or not self._sent:
            return None
        return self._head_started + self.spec.timeout_s if self.ready else self._init_deadline

    def send(self, event: dict[str, Any], request_id: str) -> None:
        """Queue one invocation; its answer comes from `receive` after those of the ones sent before."""
        if not self._sent:
            self._head_started = time.monotonic()
        self._sent.append(request_id)
        message = {"requestId": request_id, "timeoutMs": int(self.spec.timeout_s * 1000), "event": event}
        try:
            self.conn.send(json.dumps(message).encode())
        except OSError:
            pass  # a dead worker: `receive` reports it

    def receive(self, wait: bool = True, readable: bool = False) -> InvokeOutcome | None | _Pending:
        """The answer to the oldest invocation sent, enforcing its timeout; None if it never started.

        Without `wait`: PENDING while that answer is not there and its time is not up (call again once `fileno` is
        readable or at `deadline`). `readable`: the caller's own poll just saw `fileno` readable.
        """
        if self.dead:
            self._sent.popleft()
            return None
        if not self.ready:
            failure = self._await_ready(wait, readable)
            if failure is PENDING:
                return PENDING
            if failure is not None:
                self._sent.popleft()
                self.kill()
                return InvokeOutcome(function_error=failure)  # type: ignore[arg-type]
            self._head_started = time.monotonic()  # the first invocation starts once the handler is loaded
            readable = False  # what was there was the ready message
        request_id = self._sent[0]
        timeout = self.spec.timeout_s
        try:
            left = self._head_started + timeout - time.monotonic()
            if not readable and not self._answer_within(left if wait else 0):
                if not wait and left > 0:
                    return PENDING
                self._sent.popleft()
                self.kill()
                return InvokeOutcome(function_error={
                    "errorMessage": f"{_timestamp()} {request_id} Task timed out after {timeout:.2f} seconds"})
            reply = self.conn.receive()
        except (EOFError, OSError):
            self._sent.popleft()
            error = self._exit_error(request_id)
            self.kill()
            return InvokeOutcome(function_error=error)
        self._sent.popleft()
        self._head_started = time.monotonic()
        kind, body = reply[:1], reply[1:]
        return InvokeOutcome(payload=body) if kind == _OK else InvokeOutcome(function_error=json.loads(body))

    def _answer_within(self, seconds: float) -> bool:
        """True once the worker answered (or closed its end), False after `seconds`."""
        if self.conn.closed:
            raise OSError("the worker's connection is closed")
        return self.conn.message_waiting() or bool(self._poller.poll(max(0, math.ceil(seconds * 1000))))

    def answer_waiting(self) -> bool:
        """True when an answer already read from the socket waits here (the socket itself may then not be readable)."""
        return not self.conn.closed and self.conn.message_waiting()

    @property
    def busy(self) -> bool:
        return bool(self._sent)

    def _await_ready(self, wait: bool, readable: bool) -> dict[str, str] | _Pending | None:
        try:
            left = self._init_deadline - time.monotonic()
            if not readable and not self._answer_within(left if wait else 0):
                if not wait and left > 0:
                    return PENDING
                return {"errorType": "Runtime.InitError", "errorMessage": f"Init timed out after {INIT_TIMEOUT_S:.2f} seconds"}
            self.conn.receive()
        except (EOFError, OSError):
            return self._exit_error("init")
        self.ready = True
        return None

    def _exit_error(self, request_id: str) -> dict[str, str]:
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self.process.returncode
        status = f"signal: {signal.Signals(-code).name.removeprefix('SIG').lower()}" if code and code < 0 \
            else f"exit status {code}"
        return {"errorType": "Runtime.ExitError",
                "errorMessage": f"RequestId: {request_id} Error: Runtime exited with error: {status}"}

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """Stop the process now (timeouts, shutdown); safe to call twice."""
        self.dead = True
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - the kernel did not reap in time
            pass
        self.conn.close()
        self._log.close()


class _Channel:
    """The engine's end of a worker's socket, framing messages as multiprocessing's Connection does on the worker's end.

    Connection reads a message with two system calls (its length, then its body), each a point where the stack's
    engine thread gives up the GIL; here one `recv` usually brings a whole answer, and whatever else came with it
    (the next answer) waits in `_inbox` for the next `receive`.
    """

    RECV_SIZE = 64 * 1024

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._inbox = bytearray()
        self.closed = False

    def fileno(self) -> int:
        return self._sock.fileno()

    def send(self, payload: bytes) -> None:
        size = len(payload)
        header = struct.pack("!i", size) if size <= 0x7FFFFFFF else struct.pack("!iQ", -1, size)
        self._sock.sendall(header + payload)

    def message_waiting(self) -> bool:
        return self._span() is not None

    def receive(self) -> bytes:
        """The next message (waits until it is complete); EOFError once the worker closed its end."""
        while (span := self._span()) is None:
            chunk = self._sock.recv(self.RECV_SIZE)
            if not chunk:
                raise EOFError
            self._inbox += chunk
        start, end = span
        message = bytes(self._inbox[start:end])
        del self._inbox[:end]
        return message

    def _span(self) -> tuple[int, int] | None:
        """Where the first complete message in `_inbox` starts and ends, if one is complete."""
        inbox = self._inbox
        if len(inbox) < 4:
            return None
        (size,), start = struct.unpack_from("!i", inbox), 4
        if size == -1:  # Connection's header for a message over 2 GiB: the length follows in 8 bytes
            if len(inbox) < 12:
                return None
            (size,), start = struct.unpack_from("!Q", inbox, 4), 12
        return (start, start + size) if len(inbox) >= start + size else None

    def close(self) -> None:
        self.closed = True
        self._sock.close()


class WorkerPool:
    """`size` warm workers for one function version; `checkout` lends one, replacing it if it died."""

    def __init__(self, spec: FunctionSpec, size: int) -> None:
        self.spec = spec
        self.size = size
        self._dir = Path(tempfile.mkdtemp(prefix=f"s3batch-lambda-{spec.function_name}-"))
        self.code_dir = self._dir / "task"
        self.log_path = log_directory(self._dir) / f"{spec.function_name}.log"
        _extract(spec.code, self.code_dir)
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all: list[Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        self.waiting = 0  # threads blocked in checkout: holders should give their worker back soon
        for _ in range(size):
            self._idle.put(self._spawn())

    def _spawn(self) -> Worker:
        worker = Worker(self.spec, str(self.code_dir), self.log_path)
        with self._lock:
            self._all.append(worker)
        return worker

    def checkout(self) -> Worker:
        """A free worker (blocks until one is); give it back with `checkin`."""
        with self._lock:
            self.waiting += 1
        try:
            return self.current(self._idle.get())
        finally:
            with self._lock:
                self.waiting -= 1

    def try_checkout(self) -> Worker | None:
        """A free worker if one is free now, else None (for a thread already holding others: it must not block)."""
        try:
            return self.current(self._idle.get_nowait())
        except queue.Empty:
            return None

    def checkin(self, worker: Worker) -> None:
        """Give a worker back; one with invocations still unanswered cannot be reused and is replaced."""
        if worker.busy:
            worker.kill()
        self._idle.put(self.current(worker))

    def current(self, worker: Worker) -> Worker:
        """`worker`, or a fresh one in its place if it died (or the worker itself once the pool is closed)."""
        if self._closed or (not worker.dead and worker.alive):
            return worker
        worker.kill()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        return self._spawn()

    def worker_pids(self) -> list[int]:
        with self._lock:
            return [w.process.pid for w in self._all]

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()
        shutil.rmtree(self._dir, ignore_errors=True)


def log_directory(default: Path) -> Path:
    """Where handlers' stdout/stderr go: S3BATCH_LOCAL_LAMBDA_LOG_DIR (kept), else the pool's temp dir."""
    configured = os.environ.get("S3BATCH_LOCAL_LAMBDA_LOG_DIR")
    if not configured:
        return default
    path = Path(configured)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _extract(code: bytes, dest: Path) -> None:
    import io

    dest.mkdir(parents=True)
    with zipfile.ZipFile(io.BytesIO(code)) as archive:
        for member in archive.infolist():
            target = (dest / member.filename).resolve()
            if not str(target).startswith(str(dest.resolve())):  # zip-slip: refuse paths outside the root
                raise ValueError(f"function package member {member.filename!r} escapes the code directory")
        archive.extractall(dest)


def _timestamp() -> str:
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


_POOLS: dict[FunctionSpec, WorkerPool] = {}
_POOLS_LOCK = threading.Lock()


def concurrency() -> int:
    """Workers per function: S3BATCH_LOCAL_CONCURRENCY, default the core count."""
    value = os.environ.get("S3BATCH_LOCAL_CONCURRENCY", "")
    return max(1, int(value)) if value.strip() else (os.cpu_count() or 1)


def pool_for(spec: FunctionSpec, size: int | None = None) -> WorkerPool:
    """The warm pool of this function version (kept across jobs).

    Size: S3BATCH_LOCAL_CONCURRENCY (default the core count), capped by the function's reserved
    concurrency. A pool of the same version with other code or settings ($LATEST updated) is closed.
    """
    size = size or concurrency()
    if spec.reserved_concurrency is not None:
        size = max(1, min(size, spec.reserved_concurrency))
    with _POOLS_LOCK:
        pool = _POOLS.get(spec)
        if pool is not None and pool.size == size:
            return pool
        stale = [s for s in _POOLS if (s.function_name, s.version) == (spec.function_name, spec.version)]
        for other in stale:
            _POOLS.pop(other).close()
        pool = _POOLS[spec] = WorkerPool(spec, size)
        return pool


def shutdown_pools() -> None:
    """Stop every worker process."""
    with _POOLS_LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.close()


# ---------------------------------------------------------------------------------------------------
# Worker side: runs in the function's process.


class LambdaContext:
    """The context object Lambda's Python runtime passes to handlers."""

    def __init__(self, request_id: str, deadline_ms: int) -> None:
        self.aws_request_id = request_id
        self._deadline_ms = deadline_ms
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = os.environ.get("AWS_LAMBDA_INVOKED_ARN", "")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self._deadline_ms - int(time.time() * 1000))


def _load_handler() -> tuple[Any, dict[str, str] | None]:
    spec = os.environ["_HANDLER"]
    module_name, _, function_name = spec.rpartition(".")
    if not module_name:
        return None, {"errorType": "Runtime.MalformedHandlerName",
                      "errorMessage": f"Bad handler '{spec}': not enough values to unpack (expected 2, got 1)"}
    try:
        import importlib

        module = importlib.import_module(module_name)
    except Exception as error:  # noqa: BLE001 - any import failure is the function's error
        return None, {"errorType": "Runtime.ImportModuleError",
                      "errorMessage": f"Unable to import module '{module_name}': {error}"}
    handler = getattr(module, function_name, None)
    if handler is None:
        return None, {"errorType": "Runtime.HandlerNotFound",
                      "errorMessage": f"Handler '{function_name}' missing on module '{module_name}'"}
    return handler, None


def serve(fd: int) -> None:
    """Worker main loop: load the handler, then answer invocations until the engine closes the pipe."""
    conn = Connection(fd)
    sys.path.insert(0, os.getcwd())
    handler, init_error = _load_handler()
    conn.send_bytes(b'{"ready":true}')
    while True:
        try:
            request = json.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        if init_error is not None:
            conn.send_bytes(_ERROR + json.dumps(init_error).encode())
            continue
        # the deadline counts from now: an invocation may have waited in the socket behind the previous one
        context = LambdaContext(request["requestId"], int(time.time() * 1000) + request["timeoutMs"])
        try:
            result = handler(request["event"], context)
        except Exception as error:  # noqa: BLE001 - reported as the function error
            conn.send_bytes(_ERROR + json.dumps({"errorMessage": str(error), "errorType": type(error).__name__,
                                                 "stackTrace": traceback.format_tb(error.__traceback__)}).encode())
            continue
        try:
            conn.send_bytes(_OK + json.dumps(result).encode())
        except (TypeError, ValueError) as error:
            conn.send_bytes(_ERROR + json.dumps({"errorMessage": f"Unable to marshal response: {error}",
                                                 "errorType": "Runtime.MarshalError"}).encode())
