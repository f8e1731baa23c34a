"""The s3control client reaches a loopback endpoint despite the `{AccountId}.` host prefix."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

from s3batch_core.aws import make_client, standard_mode_retries, strip_account_host_label
from tests.loopback import answering

LIST_JOBS_BODY = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<ListJobsResult xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><Jobs/></ListJobsResult>'
)


@pytest.fixture
def recording_server() -> Iterator[tuple[str, list[dict[str, str]]]]:
    with answering(LIST_JOBS_BODY) as (server, seen):
        yield f"http://127.0.0.1:{server.server_port}", seen


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
    request = SimpleNamespace(url="http://123456789012.127.0.0.1:5000/v20180820/jobs?x=1")
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


def _error(code: str, status: int) -> ClientError:
    return ClientError({"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "DescribeJob")


# name -> (the failure, whether botocore's standard retry mode retries it)
FAILURES: dict[str, tuple[BaseException, bool]] = {
    "throttled": (_error("TooManyRequestsException", 400), True),
    "SlowDown": (_error("SlowDown", 503), True),
    "an internal error": (_error("InternalServiceException", 500), True),
    "429 with an unknown code": (_error("Whatever", 429), True),
    "a refused connection": (EndpointConnectionError(endpoint_url="http://127.0.0.1:1"), True),
    "a read timeout": (ReadTimeoutError(endpoint_url="http://127.0.0.1:1"), True),
    "access denied": (_error("AccessDenied", 403), False),
    "an unknown job": (_error("NotFoundException", 404), False),
    "501 not implemented": (_error("NotImplemented", 501), False),
}


@pytest.mark.parametrize("case", FAILURES)
def test_standard_mode_retries_what_botocore_retries(case: str) -> None:
    error, retried = FAILURES[case]
    operation = make_client("s3control", region="us-east-1").meta.service_model.operation_model("DescribeJob")
    assert standard_mode_retries(error, operation) is retried
