"""The control plane driving the real engine over HTTP: spooled files removed, report failures shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from engine_support import ACCOUNT, Stack

TAGGING = {"S3PutObjectTagging": {"TagSet": [{"Key": "k", "Value": "v"}]}}


def create_job(client: Any, stack: Stack, role_arn: str, *, confirm: bool = False, priority: int = 10,
               operation: dict = TAGGING, report: dict | None = None, manifest: dict | None = None) -> str:
    """CreateJob through stock boto3 over HTTP."""
    return client.create_job(
        AccountId=ACCOUNT, ConfirmationRequired=confirm, Operation=operation, Priority=priority, RoleArn=role_arn,
        Report=report or stack.report_all(), Manifest=manifest or stack.manifest(f"{stack.data_bucket},a\n"),
    )["JobId"]


def spooled(workdir: Path) -> list[Path]:
    return sorted(workdir.glob("s3batch-job-*"))


def test_a_job_cancelled_while_suspended_leaves_no_spooled_files(
    stack: Stack, local_stack: Any, s3control_client: Any, wait_for_status: Any, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("S3BATCH_LOCAL_WORKDIR", str(tmp_path))  # the stack runs in this process
    stack.put("a")
    client = s3control_client(local_stack)
    job_id = create_job(client, stack, stack.role(), confirm=True)
    wait_for_status(client, job_id, {"Suspended"})
    assert len(spooled(tmp_path)) == 1  # the manifest spooled while Preparing
    client.update_job_status(AccountId=ACCOUNT, JobId=job_id, RequestedJobStatus="Cancelled")
    wait_for_status(client, job_id, {"Cancelled"})
    local_stack.service.scheduler.join_all(30)  # the runner's cleanup follows the status change
    assert spooled(tmp_path) == []


def test_report_write_denied_completes_with_a_failure_reason(
    stack: Stack, local_stack: Any, s3control_client: Any, wait_for_status: Any
) -> None:
    stack.put("a")
    allow_all_but_report = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Sid": "NoReports", "Effect": "Deny", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::report-bucket/*"},
    ]}
    client = s3control_client(local_stack)
    job_id = create_job(client, stack, stack.role("no-report", policy=allow_all_but_report))
    job = wait_for_status(client, job_id, {"Complete", "Failed", "Cancelled"})
    assert job["Status"] == "Complete"
    assert job["ProgressSummary"]["NumberOfTasksSucceeded"] == 1
    [reason] = job["FailureReasons"]
    assert reason["FailureCode"] == "ReportWriteFailed"
    assert reason["FailureReason"].startswith("The job report could not be written to your report bucket.")
    assert "lacks s3:PutObject" in reason["FailureReason"] and len(reason["FailureReason"]) <= 256
    assert stack.s3.list_objects_v2(Bucket=stack.report_bucket).get("KeyCount") == 0


def test_a_report_expected_in_another_accounts_bucket_is_not_written(
    stack: Stack, local_stack: Any, s3control_client: Any, wait_for_status: Any
) -> None:
    stack.put("a")
    client = s3control_client(local_stack)
    report = {**stack.report_all(), "ExpectedBucketOwner": "999999999999"}
    job = wait_for_status(client, create_job(client, stack, stack.role(), report=report), {"Complete", "Failed"})
    assert job["Status"] == "Complete" and job["ProgressSummary"]["NumberOfTasksSucceeded"] == 1
    [reason] = job["FailureReasons"]
    assert reason["FailureCode"] == "ReportWriteFailed" and "ExpectedBucketOwner 999999999999" in reason["FailureReason"]
    assert stack.s3.list_objects_v2(Bucket=stack.report_bucket).get("KeyCount") == 0
    own = {**stack.report_all(), "ExpectedBucketOwner": ACCOUNT}
    job = wait_for_status(client, create_job(client, stack, stack.role(), report=own), {"Complete", "Failed"})
    assert not job.get("FailureReasons")
