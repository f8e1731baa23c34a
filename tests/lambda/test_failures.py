"""Classification of AWS errors into S3 Batch Operations result codes."""

from __future__ import annotations

import pytest
from botocore.exceptions import (
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)
from botocore.exceptions import ClientError

from batch_sentiment.failures import from_client_error, from_sdk_error


def client_error(code: str, status: int) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "details"},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, "GetObject")


@pytest.mark.parametrize(("code", "status", "expected"), [
    ("NoSuchKey", 404, "PermanentFailure"),
    ("NoSuchVersion", 404, "PermanentFailure"),
    ("NoSuchBucket", 404, "PermanentFailure"),
    ("404", 404, "PermanentFailure"),
    ("AccessDenied", 403, "PermanentFailure"),
    ("403", 403, "PermanentFailure"),
    ("InvalidObjectState", 403, "PermanentFailure"),
    ("UnsupportedLanguageException", 400, "PermanentFailure"),
    ("InvalidRequestException", 400, "PermanentFailure"),
    ("TextSizeLimitExceededException", 400, "PermanentFailure"),
    ("SomethingNew", 400, "PermanentFailure"),
    ("ThrottlingException", 400, "TemporaryFailure"),
    ("TooManyRequestsException", 400, "TemporaryFailure"),
    ("SlowDown", 503, "TemporaryFailure"),
    ("RequestLimitExceeded", 400, "TemporaryFailure"),
    ("Unknown", 429, "TemporaryFailure"),
    ("InternalError", 500, "TemporaryFailure"),
    ("ServiceUnavailable", 503, "TemporaryFailure"),
    ("SomethingNew", 502, "TemporaryFailure"),
    ("RequestTimeout", 400, "TemporaryFailure"),
])
def test_client_errors(code: str, status: int, expected: str) -> None:
    failure = from_client_error(client_error(code, status), "GetObject s3://b/k", "s3:GetObject")
    assert failure.result_code == expected
    assert failure.message.startswith(f"GetObject s3://b/k failed ({code} {status}): ")


@pytest.mark.parametrize(("error", "expected"), [
    (ReadTimeoutError(endpoint_url="https://s3"), "TemporaryFailure"),
    (ConnectTimeoutError(endpoint_url="https://s3"), "TemporaryFailure"),
    (EndpointConnectionError(endpoint_url="https://s3"), "TemporaryFailure"),
    (NoCredentialsError(), "PermanentFailure"),
])
def test_sdk_errors(error: Exception, expected: str) -> None:
    assert from_sdk_error(error, "GetObject s3://b/k").result_code == expected  # type: ignore[arg-type]
