"""One loopback endpoint: our S3 Batch Operations job API in front of moto's server (S3, IAM, STS, Lambda, Logs…).

`/v20180820/jobs*` goes to `JobsApplication`; `/_s3batch/health` answers the stack's own health check;
`POST /moto-api/reset` first stops and forgets our jobs, then lets moto reset its backends; everything
else is moto's `DomainDispatcherApplication`, which picks the service from the SigV4 scope.
"""

from __future__ import annotations

import json
import logging
import queue
import socket
import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer
from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import LimitedStream

from s3batch.emulator.engine import replication, restores
from s3batch.emulator.local.defaults import ACCOUNT_ID, CLOCK_PATH, HEALTH_PATH, HOST, REGION, RESET_PATH
from s3batch.emulator.engine.contract import Engine
from s3batch.emulator.service.backend import JobsService
from s3batch.emulator.api.responses import JobsApplication
from s3batch.emulator.api.routing import is_jobs_path


WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class CachedDomainDispatcher(DomainDispatcherApplication):
    """moto's service dispatcher with its host → backend answer remembered.

    moto 5.2's `get_backend_for_host` lists its package directory (a `stat` per service, ~200) and
    then tries every backend URL pattern, for every request, under the dispatcher's one lock: about a
    fifth of the stack's CPU per S3 GET. The answer depends only on the host string (service and
    Region from the SigV4 scope), a small set, so it is computed once per host.
    """

    def __init__(self) -> None:
        super().__init__(create_backend_app)
        self._backend_for_host: dict[str | None, Any] = {}

    def get_backend_for_host(self, host: str | None) -> Any:
        # Always called under self.lock (moto's get_application), so the dict needs no lock of its own.
        if host not in self._backend_for_host:
            self._backend_for_host[host] = super().get_backend_for_host(host)
        return self._backend_for_host[host]


class StackApplication:
    """The stack's WSGI app: routes job calls to us and the rest to moto."""

    def __init__(self, service: JobsService, moto_app: WSGIApp | None = None) -> None:
        self.service = service
        self.jobs = JobsApplication(service, default_region=REGION)
        self.moto: WSGIApp = moto_app or CachedDomainDispatcher()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if is_jobs_path(path):
            return self.jobs(environ, start_response)
        if path == HEALTH_PATH:
            health = {"status": "ok", "account_id": ACCOUNT_ID, "region": REGION, "jobs": len(self.service.all_jobs())}
            return _json(health)(environ, start_response)
        if path == CLOCK_PATH:
            return _clock(Request(environ))(environ, start_response)
        if path == RESET_PATH and environ.get("REQUEST_METHOD") == "POST":
            # Stop our runners before moto's reset takes its backend lock: a runner mid-task may be
            # waiting on an S3 call that needs that lock.
            self.service.reset()
            restores.reset()
        restores.refresh()  # archive restores due to complete or expire show before this request reads them
        return self.moto(environ, start_response)


def _clock(request: Request) -> Response:
    """The restore clock for a stack in another process: `POST /_s3batch/clock?advance=SECONDS` moves it on."""
    if request.method == "POST":
        seconds = request.args.get("advance", type=float)  # None when absent or not a number
        if seconds is None or not 0 <= seconds < 10 * 365 * 86400:
            return _json({"error": "advance: give the seconds to move the clock on, 0 or more (under 10 years)"},
                         "400 Bad Request")
        restores.CLOCK.advance(timedelta(seconds=seconds))
    return _json({"now": restores.CLOCK.now().isoformat()})


def _json(document: dict[str, Any], status: str = "200 OK") -> Response:
    return Response(json.dumps(document), status=status, content_type="application/json")


ONE_WRITE_MAX_BODY = 256 * 1024  # bodies up to this size go out with their headers in one write (one copy)


class QuietRequestHandler(MotoRequestHandler):
    """moto's handler (keeps underscore headers) without a log line per request, and with HTTP/1.1 keep-alive.

    werkzeug's `run_wsgi` closes every connection (and then waits for the client to close its end), so each
    request of a boto3 client, e.g. every S3 GET of a Lambda worker, paid for a new TCP connection: the accept
    loop's wake-up, a hand-over to a request thread, the wait for the close. A request whose body length is known
    is answered here instead and its connection kept: the same thread reads the client's next request. Chunked or
    `Expect: 100-continue` uploads, HTTP/1.0 and `Connection: close` go to werkzeug's `run_wsgi` as before.
    Headers and body leave in one write (one `sendto`) unless the body is large; the socket's writer stays
    unbuffered, so werkzeug's interim `100 Continue` is never held back.
    """

    disable_nagle_algorithm = True  # a large body follows its headers in a second write, which must not wait

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None

    def run_wsgi(self) -> None:
        if self.close_connection or "Transfer-Encoding" in self.headers or "Expect" in self.headers:
            super().run_wsgi()
            return
        self.environ = environ = self.make_environ()
        length = environ.get("CONTENT_LENGTH", "")
        request_body = LimitedStream(self.rfile, int(length) if length.isdigit() else 0)
        environ["wsgi.input"] = request_body  # the app cannot read past its body into the next request
        try:
            status, headers, body = self._call_app(environ)
            request_body.exhaust()  # the next request starts where this one's body ends
        except Exception:  # noqa: BLE001 - as werkzeug: the error logged, a 500, and the connection closed
            self.server.log("error", "Error on request:\n%s", traceback.format_exc())
            status, body = "500 Internal Server Error", b"Internal Server Error"
            headers = [("Content-Type", "text/plain"), ("Connection", "close")]
        self._send(environ["REQUEST_METHOD"], status, headers, body)

    def _call_app(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        """The app's status, headers and whole body (moto's bodies are in memory already)."""
        started: list[Any] = []
        written: list[bytes] = []  # WSGI's legacy write(): kept in order, before the returned chunks

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., None]:
            started[:] = [status, headers]
            return written.append

        answer = self.server.app(environ, start_response)
        try:
            body = b"".join([*written, *answer])
        finally:
            if hasattr(answer, "close"):
                answer.close()
        return started[0], started[1], body

    def _send(self, method: str, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        code_text, _, reason = status.partition(" ")
        code = int(code_text)
        self.send_response(code, reason)
        declared = None
        for name, value in headers:
            self.send_header(name, value)
            if name.lower() == "content-length":
                declared = value
        bodiless = method == "HEAD" or code < 200 or code in (204, 304)
        if not bodiless and declared is None:
            self.send_header("Content-Length", str(len(body)))
        elif not bodiless and declared != str(len(body)):
            self.send_header("Connection", "close")  # the client would look for the next response elsewhere
        self._headers_buffer.append(b"\r\n")  # end_headers' blank line; the body joins the same write
        if body and not bodiless:
            if len(body) > ONE_WRITE_MAX_BODY:
                self.flush_headers()
            self._headers_buffer.append(body)
        self.flush_headers()


class ReusedThreadsWSGIServer(BaseWSGIServer):
    """werkzeug's threaded server, except that a request thread, once done, waits for the next connection.

    werkzeug's `ThreadedWSGIServer` (socketserver.ThreadingMixIn) starts a thread per connection and waits until
    it runs: for a client whose connection is not kept (`QuietRequestHandler`), a thread per request, paid on the
    stack's accept loop and in its GIL. Here a new thread starts only when none is free (no limit, as before); at
    most IDLE_THREADS wait for work. `server_close` lets running requests finish and ends kept connections.
    """

    multithread = True
    IDLE_THREADS = 16

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._connections: queue.SimpleQueue[tuple[Any, Any] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle_changed = threading.Condition(self._lock)
        self._idle = 0  # threads waiting for a connection that no connection has been handed to yet
        self._threads: set[threading.Thread] = set()
        self._open: set[Any] = set()  # connections being served (kept ones included)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._lock:
            self._open.add(request)
            reuse = self._idle > 0
            if reuse:
                self._idle -= 1
            else:
                thread = threading.Thread(target=self._serve_connections, name="s3batch-request", daemon=True)
                self._threads.add(thread)
        self._connections.put((request, client_address))  # exactly one taker: the idle thread or the new one
        if not reuse:
            thread.start()

    def _serve_connections(self) -> None:
        while (item := self._connections.get()) is not None:
            request, client_address = item
            try:
                self.finish_request(request, client_address)
            except Exception:  # noqa: BLE001 - as socketserver: logged, the server goes on
                self.handle_error(request, client_address)
            finally:
                self.shutdown_request(request)
            with self._lock:
                self._open.discard(request)
                if self._idle >= self.IDLE_THREADS:
                    break
                self._idle += 1
                self._idle_changed.notify_all()
        with self._lock:
            self._threads.discard(threading.current_thread())

    def wait_for_an_idle_thread(self, timeout: float) -> bool:
        """True once a request thread waits for the next connection (for tests and diagnostics)."""
        with self._idle_changed:
            return self._idle_changed.wait_for(lambda: self._idle > 0, timeout)

    def server_close(self) -> None:
        super().server_close()
        with self._lock:
            threads = list(self._threads)
            kept = list(self._open)
        for connection in kept:  # a thread waiting for a kept connection's next request reads its end now
            try:
                connection.shutdown(socket.SHUT_RD)
            except OSError:
                pass
        for _ in threads:
            self._connections.put(None)
        for thread in threads:
            thread.join()


@dataclass
class RunningStack:
    """A stack serving on 127.0.0.1 in a background thread of this process."""

    endpoint_url: str
    port: int
    service: JobsService
    _server: BaseWSGIServer = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    def stop(self) -> None:
        """Stop serving, stop every job runner and the engine's workers."""
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()
        self.service.shutdown()


def default_engine() -> Engine:
    """The data plane, `s3batch.emulator.engine.execution` (imported late: it is a separate concern)."""
    from s3batch.emulator.engine import execution

    return execution  # type: ignore[return-value]


def create_server(
    port: int = 0,
    *,
    engine: Engine | None = None,
    max_active_jobs: int = 1,
    confirmation_default: bool = True,
) -> tuple[BaseWSGIServer, JobsService]:
    """Bind 127.0.0.1:`port` (0 = any free port); threaded werkzeug server (threads reused), no request log."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    replication.install()  # HeadObject/GetObject show the replication status Batch Replication records

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        return stack_app(environ, start_response)  # bound below, once the port (and so the URL) is known

    server = ReusedThreadsWSGIServer(HOST, port, app, handler=QuietRequestHandler)
    endpoint_url = f"http://{HOST}:{server.server_port}"
    service = JobsService(
        engine or default_engine(),
        endpoint_url,
        max_active_jobs=max_active_jobs,
        confirmation_default=confirmation_default,
    )
    stack_app = StackApplication(service)
    return server, service


def start_stack(port: int = 0, **options: Any) -> RunningStack:
    """Start a stack in a background thread; options as for `create_server`."""
    server, service = create_server(port, **options)
    thread = threading.Thread(target=server.serve_forever, name="s3batch-stack", daemon=True)
    thread.start()
    return RunningStack(service.endpoint_url, server.server_port, service, server, thread)
