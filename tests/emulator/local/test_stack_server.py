"""The single endpoint: loopback only, job calls to us and the rest to moto, health, reset, client shapes."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from typing import Any

import boto3
from botocore.config import Config
from fake_engine import ACCOUNT_ID, FakeEngine, job_params

from s3batch.emulator.engine import restores
from s3batch.emulator.local import server as server_module
from s3batch.emulator.local.server import QuietRequestHandler, ReusedThreadsWSGIServer
from s3batch_core.aws import make_client


def test_binds_loopback_only(stack: Any) -> None:
    assert stack.endpoint_url.startswith("http://127.0.0.1:")
    assert stack._server.server_address[0] == "127.0.0.1"


def test_health_reports_account_region_and_jobs(stack: Any, s3control: Any) -> None:
    s3control.create_job(**job_params())
    with urllib.request.urlopen(stack.endpoint_url + "/_s3batch/health", timeout=10) as response:  # noqa: S310
        assert json.loads(response.read()) == {"status": "ok", "account_id": ACCOUNT_ID, "region": "us-east-1", "jobs": 1}


def test_everything_else_is_moto(stack: Any) -> None:
    s3 = make_client("s3", endpoint_url=stack.endpoint_url)
    s3.create_bucket(Bucket="plain-bucket")
    s3.put_object(Bucket="plain-bucket", Key="a b+c.txt", Body=b"hello")
    assert s3.get_object(Bucket="plain-bucket", Key="a b+c.txt")["Body"].read() == b"hello"
    iam = make_client("iam", endpoint_url=stack.endpoint_url)
    assert iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"].endswith(":role/r")
    sts = make_client("sts", endpoint_url=stack.endpoint_url)
    assert sts.get_caller_identity()["Account"] == ACCOUNT_ID


def test_reset_stops_running_jobs_and_clears_jobs_and_moto_state(
    stack: Any, s3control: Any, wait_for_status: Any, reset_stack: Any, fake_engine: FakeEngine
) -> None:
    s3 = make_client("s3", endpoint_url=stack.endpoint_url)
    s3.create_bucket(Bucket="gone-after-reset")
    job_id = s3control.create_job(**job_params("block"))["JobId"]
    wait_for_status(s3control, job_id, {"Active"})
    reset_stack(stack)  # returns only once the runner has stopped
    assert not [t for t in stack.service.scheduler._threads if t.is_alive()]
    assert s3control.list_jobs(AccountId=ACCOUNT_ID)["Jobs"] == []
    assert s3.list_buckets()["Buckets"] == []
    follow_up = s3control.create_job(**job_params())["JobId"]  # the scheduler's slot was given back
    wait_for_status(s3control, follow_up, {"Complete"})


def test_account_id_host_label_is_accepted(stack: Any, s3control: Any) -> None:
    job_id = s3control.create_job(**job_params())["JobId"]
    port = stack.port
    request = urllib.request.Request(
        f"{stack.endpoint_url}/v20180820/jobs/{job_id}",
        headers={"Host": f"{ACCOUNT_ID}.localhost:{port}", "x-amz-account-id": ACCOUNT_ID},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
        assert f"<JobId>{job_id}</JobId>" in response.read().decode()


def test_stock_client_without_our_fix_works_through_the_proxy_setting(stack: Any) -> None:
    """What docs/emulator.md tells AWS CLI users: HTTP_PROXY=<endpoint>; botocore then never resolves
    `123456789012.127.0.0.1` itself, it sends the absolute URL to the stack, which serves it."""
    session = boto3.Session(region_name="us-east-1")
    client = session.client(
        "s3control", endpoint_url=stack.endpoint_url,
        config=Config(proxies={"http": stack.endpoint_url}, retries={"max_attempts": 1}),
    )
    job_id = client.create_job(**job_params())["JobId"]
    assert client.describe_job(AccountId=ACCOUNT_ID, JobId=job_id)["Job"]["JobId"] == job_id
    s3 = session.client("s3", endpoint_url=stack.endpoint_url, config=Config(proxies={"http": stack.endpoint_url}))
    s3.create_bucket(Bucket="through-the-proxy")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["through-the-proxy"]


def test_the_restore_clock_moves_on_over_http_and_refuses_bad_input(stack: Any) -> None:
    def call(query: str, method: str = "POST") -> tuple[int, dict[str, Any]]:
        request = urllib.request.Request(stack.endpoint_url + "/_s3batch/clock" + query, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    try:
        _, before = call("", "GET")
        status, after = call("?advance=7200")
        assert status == 200
        moved = datetime.fromisoformat(after["now"]) - datetime.fromisoformat(before["now"])
        assert 7200 <= moved.total_seconds() < 7200 + 60
        for bad in ("?advance=-1", "?advance=soon", ""):
            status, body = call(bad)
            assert status == 400 and "advance" in body["error"]
    finally:
        restores.reset()


@contextmanager
def serving(app: Any, handler: type[QuietRequestHandler] = QuietRequestHandler) -> Iterator[ReusedThreadsWSGIServer]:
    """The stack's server alone, serving `app` on a free loopback port; shut down and joined afterwards."""
    server = ReusedThreadsWSGIServer("127.0.0.1", 0, app, handler=handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(30)


def test_request_threads_are_reused_and_a_blocked_request_blocks_no_other() -> None:
    release, blocking = threading.Event(), threading.Event()

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        if environ["PATH_INFO"] == "/block":
            blocking.set()
            release.wait(60)
        body = str(threading.get_ident()).encode()
        start_response("200 OK", [("Content-Length", str(len(body)))])
        return [body]

    blocked: list[bytes] = []
    with serving(app) as server:
        url = f"http://127.0.0.1:{server.server_port}"
        blocker = threading.Thread(
            target=lambda: blocked.append(urllib.request.urlopen(url + "/block", timeout=60).read()))
        try:
            blocker.start()
            assert blocking.wait(30)  # the blocked request holds its thread before the others arrive
            served_by = []
            for _ in range(5):
                if served_by:  # the previous request's thread must be waiting for the next connection
                    assert server.wait_for_an_idle_thread(30)
                served_by.append(urllib.request.urlopen(url + "/", timeout=10).read())  # noqa: S310
            assert len(set(served_by)) == 1  # that one waiting thread served each next request
            assert not blocked  # … while the blocked request still waits on another thread
        finally:
            release.set()
            blocker.join(60)
    assert blocked and blocked[0] not in served_by


def _echo_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """/echo answers the request body, /ignore reads none of it, /fail raises; HEAD declares a length, sends none."""
    path = environ["PATH_INFO"]
    if path == "/fail":
        raise RuntimeError("the app failed")
    body = environ["wsgi.input"].read() if path == "/echo" else str(threading.get_ident()).encode()
    start_response("200 OK", [("Content-Length", str(len(body))), ("X-Path", path)])
    return [body]


def connected(server: ReusedThreadsWSGIServer) -> closing[http.client.HTTPConnection]:
    """A client connection to `server`, closed on leaving the `with`."""
    return closing(http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30))


def test_a_kept_connection_carries_request_after_request_whatever_the_app_read() -> None:
    with serving(_echo_app) as server, connected(server) as connection:
        def call(method: str, path: str, body: bytes | None = None) -> tuple[int, bytes, http.client.HTTPResponse]:
            connection.request(method, path, body=body)
            response = connection.getresponse()
            return response.status, response.read(), response

        assert call("POST", "/echo", b"first body")[:2] == (200, b"first body")
        socket_used = connection.sock
        status, served_by, _ = call("POST", "/ignore", b"x" * 5000)  # a body the app never read
        assert status == 200
        _, head_body, head = call("HEAD", "/ignore")
        assert head_body == b"" and head.getheader("Content-Length") == str(len(served_by))
        assert call("POST", "/echo", b"second")[:2] == (200, b"second")  # parsed where the last body ended
        assert call("GET", "/ignore")[1] == served_by  # the same thread read every request …
        assert connection.sock is socket_used  # … from the one connection
        status, _, failed = call("GET", "/fail")
        assert status == 500 and failed.getheader("Connection") == "close" and connection.sock is None


def test_server_close_ends_a_kept_connection_waiting_for_its_next_request() -> None:
    with serving(_echo_app) as server, connected(server) as connection:
        connection.request("GET", "/ignore")
        assert connection.getresponse().read()
        server.shutdown()
        closing_thread = threading.Thread(target=server.server_close)  # joins every request thread
        closing_thread.start()
        closing_thread.join(60)
        assert not closing_thread.is_alive()
        assert connection.sock is not None and connection.sock.recv(1) == b""  # the server closed its end


def test_s3_user_metadata_with_underscores_survives_a_kept_connection(stack: Any) -> None:
    s3 = make_client("s3", endpoint_url=stack.endpoint_url)
    s3.create_bucket(Bucket="metadata-bucket")
    for number in range(3):  # one client, one kept connection: each request parsed from where the last ended
        s3.put_object(Bucket="metadata-bucket", Key=f"k{number}", Body=b"b" * (number * 700),
                      Metadata={"my_key": f"v{number}", "other-key": "w"})
        head = s3.head_object(Bucket="metadata-bucket", Key=f"k{number}")
        assert head["Metadata"] == {"my_key": f"v{number}", "other-key": "w"}
        assert head["ContentLength"] == number * 700


def test_headers_and_body_leave_in_one_write_unless_the_body_is_large() -> None:
    writes: list[bytes] = []

    class Recording(QuietRequestHandler):
        def setup(self) -> None:
            super().setup()
            real = self.wfile

            class Writer:
                def write(self, data: bytes) -> int:
                    writes.append(bytes(data))
                    return real.write(data)

                def __getattr__(self, name: str) -> Any:
                    return getattr(real, name)

            self.wfile = Writer()

    with serving(_echo_app, handler=Recording) as server, connected(server) as connection:
        for size in (10, server_module.ONE_WRITE_MAX_BODY, server_module.ONE_WRITE_MAX_BODY + 1):
            writes.clear()
            connection.request("POST", "/echo", body=b"z" * size)
            response = connection.getresponse()
            assert (response.status, response.read()) == (200, b"z" * size)
            expected = 1 if size <= server_module.ONE_WRITE_MAX_BODY else 2
            assert len(writes) == expected and writes[-1].endswith(b"z" * size)


def test_an_expect_100_continue_upload_gets_the_interim_response_before_sending_its_body() -> None:
    def echo_declared_length(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))  # werkzeug's own path: the raw socket
        start_response("200 OK", [("Content-Length", str(len(body)))])
        return [body]

    with serving(echo_declared_length) as server, \
            socket.create_connection(("127.0.0.1", server.server_port), timeout=30) as client:
        client.sendall(b"PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        continue_line = b"HTTP/1.1 100 Continue\r\n\r\n"  # http.server and werkzeug each send one; HTTP allows several
        first = client.recv(1024)  # a server holding `100 Continue` back would leave this waiting
        assert first.startswith(continue_line)
        client.sendall(b"body")
        answer = first
        while not answer.endswith(b"body"):
            chunk = client.recv(4096)
            assert chunk, answer
            answer += chunk
        while answer.startswith(continue_line):
            answer = answer[len(continue_line):]
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
