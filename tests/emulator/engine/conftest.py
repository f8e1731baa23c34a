"""Engine test fixtures: the local stack on 127.0.0.1 over real HTTP (the engine's only way in), reset per test.

The engine reads a function's zip from moto's Lambda backend, which lives in this process as it does in
the stack's server process; everything else goes over HTTP.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import boto3.session
import pytest

sys.path.insert(0, str(Path(__file__).parent))  # engine_support, shared by the test modules

from engine_support import REGION, Stack

from s3batch_core.aws import make_client
from s3batch.emulator.local.server import RunningStack


@pytest.fixture(scope="session")
def clients(local_stack: RunningStack) -> dict[str, Any]:
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
    return {name: make_client(name, endpoint_url=local_stack.endpoint_url, region=REGION, session=session)
            for name in ("s3", "iam", "lambda")}


@pytest.fixture()
def stack(local_stack: RunningStack, clients: dict[str, Any]) -> Stack:
    """A Stack on the session's local stack, which tests/emulator/conftest.py resets before each test using it."""
    created = Stack(local_stack.endpoint_url, clients["s3"], clients["iam"], clients["lambda"])
    for bucket in (created.data_bucket, created.manifest_bucket, created.report_bucket):
        created.s3.create_bucket(Bucket=bucket)
    return created
