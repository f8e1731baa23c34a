"""AWS clients, created once per Lambda container and reused by every warm invocation."""

from __future__ import annotations

import functools
from typing import Any

import boto3
from botocore.config import Config

# Standard retry mode retries throttles and 5xx with backoff. Timeouts stay well under a typical function
# timeout so a stuck call becomes a TemporaryFailure (redriven) instead of a timed-out invocation.
CLIENT_CONFIG = Config(retries={"mode": "standard"}, connect_timeout=3, read_timeout=10)


@functools.cache
def s3_client() -> Any:
    """The S3 client (endpoint from AWS_ENDPOINT_URL[_S3] when set, e.g. by the local emulator)."""
    return boto3.client("s3", config=CLIENT_CONFIG)


@functools.cache
def comprehend_client() -> Any:
    return boto3.client("comprehend", config=CLIENT_CONFIG)


def forget_clients() -> None:
    """Drop the cached clients (tests switch moto mocks between cases)."""
    s3_client.cache_clear()
    comprehend_client.cache_clear()
