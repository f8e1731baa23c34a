"""The control plane driving the real engine over HTTP: a job that never runs leaves no spooled files.

A report that cannot be written is tested on each side of the engine contract: the engine's report_failure
(test_role.py, test_report.py) and the job it completes with FailureReasons (service/test_runner.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from engine_support import ACCOUNT, Stack


def spooled(workdir: Path) -> list[Path]:
    return sorted(workdir.glob("s3batch-job-*"))


def test_a_job_cancelled_while_suspended_leaves_no_spooled_files(
    stack: Stack, local_stack: Any, s3control_client: Any, wait_for_status: Any, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("S3BATCH_LOCAL_WORKDIR", str(tmp_path))  # the stack runs in this process
    stack.put("a")
    client = s3control_client(local_stack)
    job_id = client.create_job(  # CreateJob through stock boto3 over HTTP
        AccountId=ACCOUNT, ConfirmationRequired=True, Operation={"S3PutObjectTagging": {"TagSet": []}}, Priority=10,
        RoleArn=stack.role(), Report=stack.report_all(), Manifest=stack.manifest(f"{stack.data_bucket},a\n"))["JobId"]
    wait_for_status(client, job_id, {"Suspended"})
    assert len(spooled(tmp_path)) == 1  # the manifest spooled while Preparing
    client.update_job_status(AccountId=ACCOUNT, JobId=job_id, RequestedJobStatus="Cancelled")
    wait_for_status(client, job_id, {"Cancelled"})
    local_stack.service.scheduler.join_all(30)  # the runner's cleanup follows the status change
    assert spooled(tmp_path) == []

