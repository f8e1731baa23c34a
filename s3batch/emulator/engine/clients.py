"""boto3 clients for the stack, shared by every job (building one loads botocore's JSON models, ~0.2 s), and
moto's S3 backend behind them."""

from __future__ import annotations

import threading
from typing import Any

import boto3.session
from botocore.config import Config

from s3batch_core.aws import make_client

_CLIENTS: dict[tuple[str, str, str, int], Any] = {}
_CLIENTS_LOCK = threading.Lock()


def stack_client(service: str, endpoint_url: str, region: str, pool: int = 10) -> Any:
    """A boto3 client for the stack, cached: building one loads botocore's JSON models (~0.2 s each).

    boto3 clients are thread-safe; one per (service, endpoint, region, pool size) serves every job.
    """
    key = (service, endpoint_url, region, pool)
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(key)
        if client is None:
            session = _CLIENTS.get(("session", "", "", 0))
            if session is None:
                # the stack is moto: any credentials do, and the server may run without any configured
                session = _CLIENTS[("session", "", "", 0)] = boto3.session.Session(
                    aws_access_key_id="testing", aws_secret_access_key="testing", aws_session_token="testing")
            client = _CLIENTS[key] = make_client(service, endpoint_url=endpoint_url, region=region, session=session,
                                                 config=Config(max_pool_connections=pool, retries={"max_attempts": 2}))
        return client


def moto_s3() -> Any:
    """moto's S3 backend in this process (the engine runs inside the stack's server), for what its API cannot do."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.s3.models import s3_backends

    return s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
