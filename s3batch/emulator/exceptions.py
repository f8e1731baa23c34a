"""Errors of the S3 Control job API, named exactly like the error shapes in botocore's s3control model.

moto's RestXMLSerializer looks an exception's `code` up among the model's error shapes to build the
`<ErrorResponse>`; the model gives none of these shapes an `httpStatusCode` (they would all serialize
as 400), so the HTTP status comes from HTTP_STATUS below, which the tests hold against the model.
"""

from __future__ import annotations

# Error code -> HTTP status. The s3control model carries no status for these shapes; these follow the
# S3 Control API reference conventions (404 for a missing job, 409 for a state conflict, 429 throttling).
HTTP_STATUS: dict[str, int] = {
    "BadRequestException": 400,
    "InvalidRequestException": 400,
    "InvalidNextTokenException": 400,
    "TooManyTagsException": 400,
    "NotFoundException": 404,
    "JobStatusException": 409,
    "IdempotencyException": 409,
    "TooManyRequestsException": 429,
    "InternalServiceException": 500,
}


class JobsApiError(Exception):
    """An error answered to the client; `code` is the model's error shape name."""

    code = "InternalServiceException"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def http_status(self) -> int:
        return HTTP_STATUS[self.code]


class BadRequestException(JobsApiError):
    code = "BadRequestException"


class InvalidRequestException(JobsApiError):
    code = "InvalidRequestException"


class InvalidNextTokenException(JobsApiError):
    code = "InvalidNextTokenException"


class TooManyTagsException(JobsApiError):
    code = "TooManyTagsException"


class NotFoundException(JobsApiError):
    code = "NotFoundException"


class JobStatusException(JobsApiError):
    code = "JobStatusException"


class IdempotencyException(JobsApiError):
    code = "IdempotencyException"


class TooManyRequestsException(JobsApiError):
    code = "TooManyRequestsException"


class InternalServiceException(JobsApiError):
    code = "InternalServiceException"
