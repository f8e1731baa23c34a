"""The local stack as a process: serve in the foreground, or start one in the background and track it.

`build/local/stack.json` records a running stack: {"endpoint_url", "port", "pid", "account_id", "region"}.
It is written atomically once the stack answers its health check, and removed when the stack stops.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import MutableMapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from s3batch.emulator.local.defaults import ACCOUNT_ID, HEALTH_PATH, REGION
from s3batch_core.errors import InputError, S3BatchError
from s3batch_core.files import write_json_atomically

STATE_PATH = Path("build/local/stack.json")
LOG_PATH = Path("build/local/stack.log")
ANNOUNCE = "S3BATCH-STACK-LISTENING "
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0


@dataclass(frozen=True)
class StackInfo:
    endpoint_url: str
    port: int
    pid: int
    account_id: str = ACCOUNT_ID
    region: str = REGION


def write_state(info: StackInfo, path: Path = STATE_PATH) -> None:
    """Record a running stack in stack.json."""
    write_json_atomically(path, asdict(info))


def read_state(path: Path = STATE_PATH) -> StackInfo | None:
    """The recorded stack, or None when there is no stack.json."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return StackInfo(**{field.name: doc[field.name] for field in fields(StackInfo)})
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{path}: not a stack file written by `s3batch local up` ({exc})") from None


def health(endpoint_url: str, timeout: float = 2.0) -> dict[str, Any] | None:
    """The stack's health document, or None when nothing healthy answers."""
    try:
        with urllib.request.urlopen(endpoint_url + HEALTH_PATH, timeout=timeout) as response:
            doc = json.loads(response.read())
            return doc if doc.get("status") == "ok" else None
    except (urllib.error.URLError, OSError, ValueError):
        return None


LOCAL_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}


def use_local_credentials() -> None:
    """The stack process signs only requests to itself: give it fixed fake keys, never the user's profile.

    On a fresh machine there are no credentials at all, and the engine's boto3 clients would fail to sign.
    """
    os.environ.update(LOCAL_CREDENTIALS)
    os.environ.pop("AWS_PROFILE", None)


KEY_BUFFER_ENV = "MOTO_S3_DEFAULT_KEY_BUFFER_SIZE"
KEY_BUFFER_BYTES = 1024 * 1024  # moto keeps each object in memory up to this size, then spills it to a temp file
LAMBDA_LOG_ENV = "S3BATCH_LOCAL_LAMBDA_LOG_DIR"
LAMBDA_LOG_DIR = Path("build/local/logs")


def apply_stack_defaults(environ: MutableMapping[str, str], cwd: Path) -> None:
    """Settings of a user-run stack, unless the user set them: objects above 1 MiB (large manifests and
    reports) spill to disk instead of staying in the stack's memory, and handler output is kept under
    build/local/logs (an absolute path: worker processes run elsewhere)."""
    environ.setdefault(KEY_BUFFER_ENV, str(KEY_BUFFER_BYTES))
    environ.setdefault(LAMBDA_LOG_ENV, str(cwd / LAMBDA_LOG_DIR))


def serve(port: int, *, max_active_jobs: int, state_path: Path | None, announce: bool) -> int:
    """Serve until Ctrl-C or SIGTERM; then stop job runners and engine workers, and remove our stack.json."""
    use_local_credentials()
    apply_stack_defaults(os.environ, Path.cwd())
    from s3batch.emulator.local.server import create_server  # loads moto: only when serving

    server, service = create_server(port, max_active_jobs=max_active_jobs)
    info = StackInfo(service.endpoint_url, server.server_port, os.getpid())
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # raises KeyboardInterrupt, as Ctrl-C does
    if state_path is not None:
        write_state(info, state_path)
    if announce:
        print(ANNOUNCE + info.endpoint_url, flush=True)
    else:
        print(f"s3batch local stack on {info.endpoint_url} (account {info.account_id}, {info.region}); "
              "Ctrl-C to stop", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        service.shutdown()
        if state_path is not None:
            _remove_if_ours(state_path, info.pid)
    return 0


def _remove_if_ours(path: Path, pid: int) -> None:
    try:
        current = read_state(path)
    except InputError:
        return
    if current is not None and current.pid == pid:
        path.unlink(missing_ok=True)


def start_detached(port: int, *, max_active_jobs: int, state_path: Path = STATE_PATH) -> StackInfo:
    """Start `s3batch local up` in the background; return once it answers its health check."""
    running = read_state(state_path)
    if running is not None and health(running.endpoint_url):
        raise S3BatchError(f"a local stack is already running at {running.endpoint_url} (pid {running.pid})")
    LOG_PATH.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "s3batch", "local", "up", "--port", str(port),
               "--max-active-jobs", str(max_active_jobs), "--announce"]
    with LOG_PATH.open("ab") as log:
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL,
                                 start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT
    endpoint = _read_announcement(child, deadline)
    while health(endpoint) is None:
        if child.poll() is not None or time.monotonic() > deadline:
            _terminate(child.pid)
            raise S3BatchError(f"the local stack did not become healthy; see {LOG_PATH}")
        time.sleep(0.05)  # polling interval of a deadline-bounded wait, not synchronisation by sleep
    info = StackInfo(endpoint, int(endpoint.rsplit(":", 1)[1]), child.pid)
    write_state(info, state_path)
    return info


def _read_announcement(child: subprocess.Popen[bytes], deadline: float) -> str:
    assert child.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(child.stdout, selectors.EVENT_READ)
    try:
        while time.monotonic() < deadline:
            if selector.select(timeout=max(0.0, deadline - time.monotonic())):
                line = child.stdout.readline().decode(errors="replace")
                if line.startswith(ANNOUNCE):
                    return line[len(ANNOUNCE):].strip()
                if not line:  # the child exited before it could listen
                    break
    finally:
        selector.close()
        child.stdout.close()
    _terminate(child.pid)
    raise S3BatchError(f"the local stack failed to start; see {LOG_PATH}")


def stop(state_path: Path = STATE_PATH) -> StackInfo | None:
    """Stop the recorded stack (SIGTERM, then SIGKILL after a deadline) and remove stack.json."""
    info = read_state(state_path)
    if info is None:
        return None
    if _is_our_process(info.pid):
        _terminate(info.pid)
    state_path.unlink(missing_ok=True)
    return info


def _is_our_process(pid: int) -> bool:
    """Guard against a recycled pid: only signal a process that runs s3batch."""
    try:
        return b"s3batch" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True  # no /proc (macOS): the pid is alive and was recorded by us


def _terminate(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline:
        if not is_running(pid):
            return
        time.sleep(0.05)  # deadline-bounded wait for the process to exit
    os.kill(pid, signal.SIGKILL)


def is_running(pid: int) -> bool:
    """Is the process alive (reaping it first if it is our exited child)?"""
    try:
        reaped, _ = os.waitpid(pid, os.WNOHANG)  # our child: reap it so it does not linger as a zombie
        if reaped:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True

