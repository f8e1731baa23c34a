"""Errors of the S3 Control job API, named exactly like the error shapes in botocore's s3control model.

moto's RestXMLSerializer looks an exception's `code` up among the model's error shapes to build the
`<ErrorResponse>`; the HTTP status comes from HTTP_STATUS below, which the tests hold against the model.
"""

from __future__ import annotations

# Error code -> HTTP status. None of these shapes carries an HTTP status in AWS's models (botocore's has no
# `httpStatusCode`; the Smithy model marks them `error: client` / `error: server` with no `httpError` trait), and
# Smithy's rule for that is 400 for client errors and 500 for server errors: so every client error is 400
# (a missing job, a state conflict and throttling included; SDKs tell them apart by <Code>, not by status).
# TooManyRequestsException is modelled but never raised locally, so it has a status and no class.
CLIENT_ERRORS = ("BadRequestException", "InvalidRequestException", "InvalidNextTokenException", "TooManyTagsException",
                 "NotFoundException", "JobStatusException", "IdempotencyException", "TooManyRequestsException")
HTTP_STATUS: dict[str, int] = {**dict.fromkeys(CLIENT_ERRORS, 400), "InternalServiceException": 500}


class JobsApiError(Exception):
    """An error answered to the client; `code` is the model's error shape name."""

    code = "InternalServiceException"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def http_status(self) -> int:
        return HTTP_STATUS[self.code]


def _error(code: str) -> type[JobsApiError]:
    """The error class of a model error shape, named like it."""
    return type(code, (JobsApiError,), {"code": code})


BadRequestException = _error("BadRequestException")
InvalidRequestException = _error("InvalidRequestException")
InvalidNextTokenException = _error("InvalidNextTokenException")
TooManyTagsException = _error("TooManyTagsException")
NotFoundException = _error("NotFoundException")
JobStatusException = _error("JobStatusException")
IdempotencyException = _error("IdempotencyException")
InternalServiceException = _error("InternalServiceException")
