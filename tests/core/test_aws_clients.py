"""The s3control client reaches a loopback endpoint despite the `{AccountId}.` host prefix."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from s3batch_core.aws import make_client, strip_account_host_label

LIST_JOBS_BODY = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<ListJobsResult xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><Jobs/></ListJobsResult>'
)


@pytest.fixture
def recording_server() -> Iterator[tuple[str, list[dict[str, str]]]]:
    seen: list[dict[str, str]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server naming
            seen.append({"path": self.path, "host": self.headers["Host"],
                         "account": self.headers.get("x-amz-account-id", "")})
            self.send_response(200)
            self.send_header("Content-Length", str(len(LIST_JOBS_BODY)))
            self.end_headers()
            self.wfile.write(LIST_JOBS_BODY)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_s3control_job_call_reaches_loopback(recording_server: tuple[str, list[dict[str, str]]]) -> None:
    endpoint, seen = recording_server
    client = make_client("s3control", endpoint_url=endpoint)
    assert client.list_jobs(AccountId="123456789012")["Jobs"] == []
    assert seen == [{"path": "/v20180820/jobs", "host": endpoint.removeprefix("http://"),
                     "account": "123456789012"}]


def test_endpoint_from_environment(recording_server: tuple[str, list[dict[str, str]]],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    endpoint, seen = recording_server
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    make_client("s3control").list_jobs(AccountId="123456789012")
    assert seen and seen[0]["host"] == endpoint.removeprefix("http://")


def test_only_a_leading_account_label_is_stripped() -> None:
    class Request:
        url = "http://123456789012.127.0.0.1:5000/v20180820/jobs?x=1"

    request = Request()
    strip_account_host_label(request)
    assert request.url == "http://127.0.0.1:5000/v20180820/jobs?x=1"
    request.url = "https://s3-control.us-east-1.amazonaws.com/v20180820/jobs"
    strip_account_host_label(request)
    assert request.url == "https://s3-control.us-east-1.amazonaws.com/v20180820/jobs"


def test_service_endpoint_variables_use_the_service_id_as_boto3_does(monkeypatch: pytest.MonkeyPatch) -> None:
    from s3batch_core.aws import endpoint_url_from_env

    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3_CONTROL", "http://127.0.0.1:9")  # "S3 Control" -> S3_CONTROL
    assert endpoint_url_from_env("s3control") == "http://127.0.0.1:9"
    assert endpoint_url_from_env("s3") is None
