"""A local Lambda runtime for LambdaInvoke jobs: warm worker processes running the registered code.

Each worker is a separate Python process (so a handler that crashes, hangs or leaks cannot hurt the
stack) started with the function's environment, its unzipped code as working directory and first
import path, and a socketpair to the engine. The protocol is one JSON message per invocation.

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
import os
import queue
import shutil
import signal
import socket
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
_REPO_ROOT = str(Path(__file__).resolve().parents[2])
_WORKER_MAIN = "import sys; from s3batch.emulator.lambda_runtime import serve; serve(int(sys.argv[1]))"
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
    """The process environment Lambda would give this function, pointed at the local stack."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "PYTHONPATH": _REPO_ROOT,  # after the code dir (cwd), so the worker can import this module
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


PIPELINE_DEPTH = 2  # invocations queued per worker (see WorkerPool)


@dataclass(eq=False)
class _Invocation:
    """One invocation sent to a worker: its outcome once read, or `None` if the worker died before starting it."""

    request_id: str
    done: bool = False
    outcome: InvokeOutcome | None = None


class Worker:
    """One warm worker process and its connection.

    Up to PIPELINE_DEPTH engine threads may have an invocation on one worker: each is sent at once and waits in
    the worker's socket; the worker runs them one after another and answers in order. Whichever waiting thread
    reads the socket assigns each reply to the oldest invocation (the one the worker ran). The timeout of an
    invocation counts from when it started: when it was sent to an idle worker, else when its predecessor's reply
    arrived. After a timeout or a crash the invocations behind the failed one never started: they end with no
    outcome and the pool runs them on another worker.
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
        self.conn = Connection(parent.detach())
        self.ready = False
        self.dead = False            # timed out, crashed or killed: takes no invocation any more
        self.replacement: Worker | None = None  # set by the pool once it replaced this dead worker
        self._cond = threading.Condition()
        self._queue: collections.deque[_Invocation] = collections.deque()  # sent, not yet answered, oldest first
        self._head_started = 0.0     # monotonic time the oldest queued invocation started
        self._reading = False        # one thread at a time reads replies

    def invoke(self, event: dict[str, Any], request_id: str) -> InvokeOutcome | None:
        """Run one invocation, enforcing the timeout; None when it never started (run it on another worker)."""
        message = json.dumps({"requestId": request_id, "timeoutMs": int(self.spec.timeout_s * 1000),
                              "event": event}).encode()
        mine = _Invocation(request_id)
        with self._cond:
            if self.dead:
                return None
            if not self._queue:
                self._head_started = time.monotonic()
            self._queue.append(mine)
            try:
                self.conn.send_bytes(message)  # under the lock: the socket's order is the queue's order
            except OSError:
                pass  # a dead worker: the read below reports it
            while not mine.done and self._reading:
                self._cond.wait()
            if mine.done:
                return mine.outcome
            self._reading = True
        try:
            while not mine.done:
                self._read_reply()
        finally:
            with self._cond:
                self._reading = False
                self._cond.notify_all()
        return mine.outcome

    def _read_reply(self) -> None:
        """Read the reply of the oldest queued invocation (or learn that the worker died or timed out)."""
        if not self.ready:
            failure = self._await_ready()
            if failure is not None:
                self._fail_head(failure)
                return
            with self._cond:
                self._head_started = time.monotonic()  # the first invocation starts once the handler is loaded
        with self._cond:
            head = self._queue[0]
            left = self._head_started + self.spec.timeout_s - time.monotonic()
        try:
            if not self.conn.poll(max(0.0, left)):
                self.kill()
                timeout = self.spec.timeout_s
                self._fail_head({"errorMessage": f"{_timestamp()} {head.request_id} Task timed out after "
                                                 f"{timeout:.2f} seconds"})
                return
            reply = self.conn.recv_bytes()
        except (EOFError, OSError):
            self._fail_head(self._exit_error(head.request_id))
            return
        kind, body = reply[:1], reply[1:]
        outcome = InvokeOutcome(payload=body) if kind == _OK else InvokeOutcome(function_error=json.loads(body))
        with self._cond:
            self._queue.popleft()
            head.outcome, head.done = outcome, True
            self._head_started = time.monotonic()
            self._cond.notify_all()

    def _fail_head(self, error: dict[str, str]) -> None:
        """The worker is gone: the oldest invocation fails with `error`, the ones behind it never started."""
        self.kill()
        with self._cond:
            self.dead = True
            head = self._queue.popleft()
            head.outcome, head.done = InvokeOutcome(function_error=error), True
            while self._queue:
                self._queue.popleft().done = True  # outcome None: not started
            self._cond.notify_all()

    def _await_ready(self) -> dict[str, str] | None:
        try:
            if not self.conn.poll(INIT_TIMEOUT_S):
                self.kill()
                return {"errorType": "Runtime.InitError", "errorMessage": f"Init timed out after {INIT_TIMEOUT_S:.2f} seconds"}
            self.conn.recv_bytes()
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

    @property
    def idle(self) -> bool:
        with self._cond:
            return not self._queue

    def kill(self) -> None:
        """Stop the process now (timeouts, shutdown); safe to call twice."""
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - the kernel did not reap in time
            pass
        self.conn.close()
        self._log.close()


class WorkerPool:
    """`size` warm workers for one function version; `invoke` runs an invocation on one, replacing dead ones.

    Each worker takes up to PIPELINE_DEPTH invocations at once (`size` x PIPELINE_DEPTH slots), so the next
    event already waits in its socket when it answers: the worker does not sit idle while the engine records a
    result and takes the next row. It still runs one invocation at a time, so `size` caps the concurrency.
    """

    def __init__(self, spec: FunctionSpec, size: int) -> None:
        self.spec = spec
        self.size = size
        self.slots = size * PIPELINE_DEPTH
        self._dir = Path(tempfile.mkdtemp(prefix=f"s3batch-lambda-{spec.function_name}-"))
        self.code_dir = self._dir / "task"
        self.log_path = log_directory(self._dir) / f"{spec.function_name}.log"
        _extract(spec.code, self.code_dir)
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all: list[Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(size):
            worker = self._spawn()
            for _ in range(PIPELINE_DEPTH):
                self._idle.put(worker)

    def _spawn(self) -> Worker:
        worker = Worker(self.spec, str(self.code_dir), self.log_path)
        with self._lock:
            self._all.append(worker)
        return worker

    def invoke(self, event: dict[str, Any], request_id: str) -> InvokeOutcome:
        """One synchronous invocation; one that never started on a worker that died runs on its replacement."""
        while True:
            worker = self._current(self._idle.get())
            try:
                outcome = worker.invoke(event, request_id)
            finally:
                self._idle.put(self._current(worker))
            if outcome is not None:
                return outcome
            if self._closed:  # shut down meanwhile: no worker will run it
                return InvokeOutcome(function_error={"errorType": "Runtime.ExitError", "errorMessage":
                                                     f"RequestId: {request_id} Error: Runtime exited (shut down)"})

    def _current(self, worker: Worker) -> Worker:
        """`worker`, or its replacement once it died (spawned by the first slot to notice)."""
        with self._lock:
            while worker.replacement is not None:
                worker = worker.replacement
            if not worker.dead and (worker.alive or not worker.idle):
                return worker
            worker.dead = True  # exited between invocations, or killed
            if worker in self._all:
                self._all.remove(worker)
            if self._closed:
                return worker
            worker.replacement = replacement = Worker(self.spec, str(self.code_dir), self.log_path)
            self._all.append(replacement)
        worker.kill()
        return replacement

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
        stale = [s for s in _POOLS if s == spec or (s.function_name, s.version) == (spec.function_name, spec.version)]
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
