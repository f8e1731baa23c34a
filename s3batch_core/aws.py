"""boto3 client factory shared by the job tooling and the emulator's tests.

The same calls go to AWS or to the local stack: the only difference is the endpoint, taken from
`AWS_ENDPOINT_URL` (honoured by boto3 itself) or an explicit `endpoint_url`.

S3 Control job operations carry the endpoint host prefix `{AccountId}.`; against a custom endpoint
botocore still builds `http://123456789012.127.0.0.1:PORT/...`, which does not resolve. For custom
endpoints we strip that leading 12-digit label just before signing (signing comes after, so the
signature stays valid). See ../shared/reference/toolchain-notes.md, "S3 Control with a custom endpoint".
"""

from __future__ import annotations

import os
import re
from typing import Any, NamedTuple
from urllib.parse import urlsplit, urlunsplit

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.retries.standard import RetryContext, StandardRetryConditions
from botocore.utils import CLIENT_NAME_TO_HYPHENIZED_SERVICE_ID_OVERRIDES

_ACCOUNT_LABEL = re.compile(r"^\d{12}\.")


def endpoint_url_from_env(service: str | None = None) -> str | None:
    """The custom endpoint boto3 would use, from AWS_ENDPOINT_URL_<SERVICE ID> or AWS_ENDPOINT_URL.

    boto3 names the variable after the service id ("S3 Control" -> AWS_ENDPOINT_URL_S3_CONTROL, by botocore's table
    of the client names that differ from it), not the client name; the client name's form is accepted too.
    """
    names = (CLIENT_NAME_TO_HYPHENIZED_SERVICE_ID_OVERRIDES.get(service, service), service) if service else ()
    variables = ["AWS_ENDPOINT_URL_" + name.upper().replace("-", "_") for name in names] + ["AWS_ENDPOINT_URL"]
    return next((os.environ[name] for name in variables if os.environ.get(name)), None)


def strip_account_host_label(request: Any, **_: Any) -> None:
    """botocore `before-sign` handler: drop a leading `<12 digits>.` label from the request host."""
    parts = urlsplit(request.url)
    if parts.hostname and _ACCOUNT_LABEL.match(parts.netloc):
        request.url = urlunsplit(parts._replace(netloc=_ACCOUNT_LABEL.sub("", parts.netloc, count=1)))


def make_client(
    service: str,
    *,
    region: str | None = None,
    endpoint_url: str | None = None,
    session: boto3.Session | None = None,
    config: Config | None = None,
) -> Any:
    """A boto3 client; for s3control with a custom endpoint, with the host-prefix fix installed."""
    session = session or boto3.Session()
    endpoint = endpoint_url or endpoint_url_from_env(service)
    base = Config(retries={"mode": "standard", "max_attempts": 5})
    client = session.client(service, region_name=region or session.region_name or "us-east-1", endpoint_url=endpoint,
                            config=base.merge(config) if config else base)
    if service == "s3control" and endpoint:
        client.meta.events.register("before-sign.s3-control.*", strip_account_host_label)
    return client


class _Status(NamedTuple):
    status_code: int  # what botocore's retry checkers read of an HTTP response


def standard_mode_retries(error: BaseException, operation_model: Any = None) -> bool:
    """Whether botocore's standard retry mode (the mode every client here is made with) retries this failure:
    throttling, transient codes and 5xx statuses, dropped, refused or timed-out connections, and errors the
    operation's model marks retryable. For a caller that must do the retrying itself (the job waiter keeps
    `--timeout` between attempts): botocore decides what is worth retrying, not a list of our own."""
    if isinstance(error, ClientError):
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        context = RetryContext(1, operation_model=operation_model, parsed_response=error.response,
                               http_response=_Status(int(status)) if status else None)
    else:
        context = RetryContext(1, operation_model=operation_model, caught_exception=error)
    return bool(StandardRetryConditions(max_attempts=2).is_retryable(context))
