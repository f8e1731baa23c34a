"""Engine test fixtures: moto's server on 127.0.0.1 over real HTTP (the engine's only way in), reset per test.

The engine reads a function's zip from moto's Lambda backend, which lives in this process as it does in
the stack's server process; everything else goes over HTTP.
"""

from __future__ import annotations

import logging
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3.session
import pytest
from moto.server import ThreadedMotoServer

sys.path.insert(0, str(Path(__file__).parent))  # engine_support, shared by the test modules

from engine_support import REGION, Stack  # noqa: E402

from s3batch.aws import make_client  # noqa: E402
from s3batch.emulator import execution  # noqa: E402


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    execution.shutdown()
    server.stop()


@pytest.fixture(scope="session")
def clients(moto_endpoint: str) -> dict[str, Any]:
    session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
    return {name: make_client(name, endpoint_url=moto_endpoint, region=REGION, session=session)
            for name in ("s3", "iam", "lambda")}


@pytest.fixture()
def stack(moto_endpoint: str, clients: dict[str, Any]) -> Iterator[Stack]:
    urllib.request.urlopen(urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")).read()
    created = Stack(moto_endpoint, clients["s3"], clients["iam"], clients["lambda"])
    for bucket in (created.data_bucket, created.manifest_bucket, created.report_bucket):
        created.s3.create_bucket(Bucket=bucket)
    yield created
