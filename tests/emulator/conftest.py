"""Emulator test fixtures: one local stack per session (real engine), reset before each test that uses it, and one
whose engine is scripted (fake_engine.py) for the job API, service and local-stack tests.

`stack` here is the scripted stack, emptied before each test; tests/emulator/engine overrides it with its own.

Fixtures `wait_for_status`, `reset_stack` and `s3control_client` hand out the helpers below; waiting for a
job is always `wait_for_status(client, job_id, {"Complete"}, timeout=30)`: DescribeJob polled to a deadline.
"""

from __future__ import annotations

import sys
import time
import urllib.request
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).parent))  # fake_engine, shared by the test modules

from fake_engine import FakeEngine  # noqa: E402

from s3batch_core.aws import make_client  # noqa: E402
from s3batch.emulator.local.server import ACCOUNT_ID, RunningStack, start_stack  # noqa: E402

NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"})


def _reset(stack: RunningStack) -> None:
    """POST /moto-api/reset: stops and forgets every job, clears moto's S3/IAM/Lambda state."""
    request = urllib.request.Request(stack.endpoint_url + "/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (loopback)
        assert response.status == 200


def _wait_for_status(
    client: Any, job_id: str, statuses: Collection[str], timeout: float = 30.0, account_id: str = ACCOUNT_ID,
    done: int = 0,
) -> dict[str, Any]:
    """Poll DescribeJob until the job's Status is in `statuses` with at least `done` tasks finished; return the job.
    Fails after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        job = client.describe_job(AccountId=account_id, JobId=job_id)["Job"]
        finished = job["ProgressSummary"]["NumberOfTasksSucceeded"] + job["ProgressSummary"]["NumberOfTasksFailed"]
        if job["Status"] in statuses and finished >= done:
            return job
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} is {job['Status']} with {finished} task(s) done after {timeout} s, "
                                 f"expected one of {sorted(statuses)} with {done}")
        time.sleep(0.02)  # poll interval of a deadline-bounded wait


def _s3control_client(stack: RunningStack, **config: Any) -> Any:
    """A stock boto3 s3control client for the stack (the host-prefix fix comes from make_client)."""
    return make_client("s3control", endpoint_url=stack.endpoint_url, config=NO_RETRIES.merge(Config(**config)))


@pytest.fixture(scope="session")
def local_stack() -> Iterator[RunningStack]:
    """The stack with the real data plane, on 127.0.0.1, for the whole session."""
    stack = start_stack()
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture(autouse=True)
def _reset_local_stack(request: pytest.FixtureRequest) -> None:
    """Each test that uses `local_stack` starts from an empty stack."""
    if "local_stack" in request.fixturenames:
        _reset(request.getfixturevalue("local_stack"))


@pytest.fixture(scope="session")
def wait_for_status() -> Callable[..., dict[str, Any]]:
    """`wait_for_status(client, job_id, {"Complete"}, timeout=30)` -> the job once its Status is in the set."""
    return _wait_for_status


@pytest.fixture(scope="session")
def reset_stack() -> Callable[[RunningStack], None]:
    """`reset_stack(stack)`: POST /moto-api/reset on that stack."""
    return _reset


@pytest.fixture(scope="session")
def s3control_client() -> Callable[..., Any]:
    """`s3control_client(stack, **botocore_config)`: a boto3 s3control client without retries."""
    return _s3control_client


@pytest.fixture(scope="session")
def fake_engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture(scope="session")
def control_stack(fake_engine: FakeEngine) -> Iterator[RunningStack]:
    """The stack with the scripted engine, on 127.0.0.1, for the whole session."""
    stack = start_stack(engine=fake_engine, max_active_jobs=1)
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture()
def stack(control_stack: RunningStack, fake_engine: FakeEngine) -> RunningStack:
    """The scripted stack, emptied: no jobs, no moto state, a fresh fake engine log."""
    fake_engine.shutdown()  # release anything a previous test left blocked
    _reset(control_stack)
    fake_engine.clear()
    return control_stack


@pytest.fixture()
def s3control(stack: RunningStack) -> Any:
    return _s3control_client(stack)
