"""The job APIs' target (s3batch.jobs.target): the polling politeness per endpoint, the account, the clients."""

from __future__ import annotations

import pytest
from moto import mock_aws

from s3batch.jobs.target import Clients, JobTarget


def test_poll_interval_is_the_only_difference_between_targets(monkeypatch: pytest.MonkeyPatch) -> None:
    assert JobTarget().default_poll_interval() == 5.0  # AWS: reference §4.1's politeness
    assert JobTarget(endpoint_url="http://127.0.0.1:4566").default_poll_interval() == 0.2
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")
    assert JobTarget().default_poll_interval() == 0.2


@mock_aws
def test_the_account_is_the_given_one_else_the_callers() -> None:
    assert Clients(JobTarget(region="us-east-1", account_id_hint="111122223333")).account_id == "111122223333"
    assert Clients(JobTarget(region="us-east-1")).account_id == "123456789012"  # STS GetCallerIdentity (moto's account)


def test_each_client_is_made_once_and_the_poller_is_its_own() -> None:
    clients = Clients(JobTarget(region="eu-west-1", endpoint_url="http://127.0.0.1:9"))
    assert clients.s3control is clients.s3control and clients.s3control_poller is clients.s3control_poller
    assert clients.s3control is not clients.s3control_poller
    assert clients.s3control_poller.meta.config.retries["total_max_attempts"] == 1  # the wait loop retries, not botocore
    assert clients.s3.meta.region_name == "eu-west-1" and clients.s3.meta.endpoint_url == "http://127.0.0.1:9"
