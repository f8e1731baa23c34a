"""A stand-in HTTP endpoint on 127.0.0.1 for client tests: every GET is answered 200 with one fixed body."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def answering(body: bytes) -> Iterator[tuple[ThreadingHTTPServer, list[dict[str, str]]]]:
    """The running server and the requests it has seen (path, Host, x-amz-account-id); stopped on exit."""
    seen: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            seen.append({"path": self.path, "host": self.headers["Host"],
                         "account": self.headers.get("x-amz-account-id", "")})
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, seen
    finally:
        server.shutdown()  # returns at once when a test stopped the server itself
        server.server_close()
        thread.join()
