"""Task failures and how AWS errors map onto S3 Batch Operations result codes.

A `TaskFailure` fails one task; the invocation answers it with the failure's result code and a one-line
message. PermanentFailure counts toward the job's failure threshold, TemporaryFailure is redriven by
S3 Batch Operations, so only conditions that can clear by themselves are temporary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as SdkConnectionError

ResultCode = Literal["Succeeded", "TemporaryFailure", "PermanentFailure"]
PERMANENT: ResultCode = "PermanentFailure"
TEMPORARY: ResultCode = "TemporaryFailure"
SUCCEEDED: ResultCode = "Succeeded"

# Error codes AWS uses for throttling across S3, Comprehend and the SDK (botocore's standard retry
# mode treats these as throttles too).
THROTTLING_CODES = frozenset(
    {"ThrottlingException", "Throttling", "TooManyRequestsException", "SlowDown", "RequestLimitExceeded",
     "ProvisionedThroughputExceededException", "RequestThrottled", "RequestThrottledException"}
)
TRANSIENT_CODES = frozenset(
    {"RequestTimeout", "RequestTimeoutException", "InternalError", "InternalServerException",
     "InternalFailure", "ServiceUnavailable", "ServiceUnavailableException"}
)
# Error codes with a known cause: the hint of their permanent failure ({detail}: the service's message).
# Looked up before the status checks: InvalidObjectState comes with HTTP 403, the NoSuch* codes with 404.
PERMANENT_HINTS = {
    "NoSuchKey": ("object not found: check that the manifest key is URL-encoded exactly once and the object "
                  "was not deleted"),
    "NoSuchVersion": "object version not found: it was deleted or the manifest's version id is wrong",
    "NoSuchBucket": "bucket not found: check the manifest's bucket name",
    "InvalidObjectState": "the object is archived (Glacier/Deep Archive): restore it first",
    "UnsupportedLanguageException": ("Comprehend does not support this language for sentiment: "
                                     "set the LanguageCode user argument or LANGUAGE_CODE to a supported code"),
    "InvalidRequestException": "Comprehend rejected the text: {detail}",
    "TextSizeLimitExceededException": ("text over Comprehend's 5,000-byte limit reached the API "
                                       "(a bug in this function, please report it): {detail}"),
}


class TaskFailure(Exception):
    """One task cannot be answered Succeeded; carries its result code and a person-readable reason."""

    def __init__(self, result_code: ResultCode, message: str) -> None:
        super().__init__(message)
        self.result_code = result_code
        self.message = message


def permanent(message: str) -> TaskFailure:
    """A failure retrying cannot fix (missing object, bad input, denied access)."""
    return TaskFailure(PERMANENT, message)


def temporary(message: str) -> TaskFailure:
    """A failure S3 Batch Operations should redrive (throttling, 5xx, timeouts)."""
    return TaskFailure(TEMPORARY, message)


def from_client_error(error: ClientError, doing: str, permission: str) -> TaskFailure:
    """Classify a service error by its `Error.Code` and HTTP status.

    `doing` says what failed ("GetObject s3://b/k"); `permission` names the IAM action(s) the
    execution role needs, for the access-denied hint.
    """
    code = str(error.response.get("Error", {}).get("Code", "") or "Unknown")
    detail = str(error.response.get("Error", {}).get("Message", "") or "")
    status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    prefix = f"{doing} failed ({code}{f' {status}' if status else ''})"
    if code in THROTTLING_CODES or status == 429:
        return temporary(f"{prefix}: throttled; S3 Batch Operations retries the task "
                         "(lower the function's reserved concurrency if this persists)")
    if code in TRANSIENT_CODES or status >= 500:
        return temporary(f"{prefix}: service error, retryable: {detail}")
    if code in PERMANENT_HINTS:
        return permanent(f"{prefix}: {PERMANENT_HINTS[code].format(detail=detail)}")
    if status == 404:
        return permanent(f"{prefix}: not found: check the manifest's bucket, key and version id")
    if code in {"AccessDenied", "AccessDeniedException", "Forbidden"} or status == 403:
        return permanent(f"{prefix}: access denied: the function's execution role needs {permission} "
                         "(and kms:Decrypt for SSE-KMS objects); check bucket policies too")
    return permanent(f"{prefix}: {detail}")


def from_sdk_error(error: BotoCoreError, doing: str) -> TaskFailure:
    """Classify an SDK-side error: connection problems and timeouts are temporary, the rest permanent."""
    if isinstance(error, (SdkConnectionError, HTTPClientError)):
        return temporary(f"{doing} failed: {type(error).__name__}: network error or timeout, retryable")
    return permanent(f"{doing} failed: {type(error).__name__}: {error}")


def call_aws(method: Callable[..., dict[str, Any]], doing: str, permission: str,
             **request: Any) -> dict[str, Any]:
    """Call one AWS API; any error becomes a classified TaskFailure."""
    try:
        return method(**request)
    except ClientError as error:
        raise from_client_error(error, doing, permission) from None
    except BotoCoreError as error:
        raise from_sdk_error(error, doing) from None
