"""Classification of AWS errors into S3 Batch Operations result codes."""

from __future__ import annotations

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)

from batch_sentiment.failures import from_client_error, from_sdk_error


def client_error(code: str, status: int) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "details"},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, "GetObject")


# (Error.Code, HTTP status, result code, the hint the message gives)
@pytest.mark.parametrize(("code", "status", "expected", "words"), [
    ("NoSuchKey", 404, "PermanentFailure", "URL-encoded exactly once"),
    ("NoSuchVersion", 404, "PermanentFailure", "version not found"),
    ("NoSuchBucket", 404, "PermanentFailure", "bucket not found"),
    ("404", 404, "PermanentFailure", "check the manifest's bucket, key and version id"),
    ("AccessDenied", 403, "PermanentFailure", "execution role needs s3:GetObject"),
    ("AccessDeniedException", 400, "PermanentFailure", "execution role needs s3:GetObject"),
    ("403", 403, "PermanentFailure", "access denied"),
    ("InvalidObjectState", 403, "PermanentFailure", "restore it first"),
    ("UnsupportedLanguageException", 400, "PermanentFailure", "LanguageCode"),
    ("InvalidRequestException", 400, "PermanentFailure", "rejected the text: details"),
    ("TextSizeLimitExceededException", 400, "PermanentFailure", "5,000-byte limit"),
    ("SomethingNew", 400, "PermanentFailure", "(SomethingNew 400): details"),
    ("ThrottlingException", 400, "TemporaryFailure", "throttled"),
    ("TooManyRequestsException", 400, "TemporaryFailure", "throttled"),
    ("SlowDown", 503, "TemporaryFailure", "throttled"),
    ("RequestLimitExceeded", 400, "TemporaryFailure", "throttled"),
    ("Unknown", 429, "TemporaryFailure", "throttled"),
    ("InternalError", 500, "TemporaryFailure", "retryable"),
    ("InternalServerException", 500, "TemporaryFailure", "retryable"),
    ("ServiceUnavailable", 503, "TemporaryFailure", "retryable"),
    ("SomethingNew", 502, "TemporaryFailure", "retryable"),
    ("RequestTimeout", 400, "TemporaryFailure", "retryable"),
])
def test_client_errors(code: str, status: int, expected: str, words: str) -> None:
    failure = from_client_error(client_error(code, status), "GetObject s3://b/k", "s3:GetObject")
    assert failure.result_code == expected
    assert failure.message.startswith(f"GetObject s3://b/k failed ({code} {status}): ") and words in failure.message


@pytest.mark.parametrize(("error", "expected"), [
    (ReadTimeoutError(endpoint_url="https://s3"), "TemporaryFailure"),
    (ConnectTimeoutError(endpoint_url="https://s3"), "TemporaryFailure"),
    (EndpointConnectionError(endpoint_url="https://s3"), "TemporaryFailure"),
    (NoCredentialsError(), "PermanentFailure"),
])
def test_sdk_errors(error: Exception, expected: str) -> None:
    assert from_sdk_error(error, "GetObject s3://b/k").result_code == expected  # type: ignore[arg-type]
