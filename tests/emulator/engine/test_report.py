"""The completion report, byte for byte against AWS's documented examples (reference §3)."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from engine_support import ACCOUNT, Progress, Stack, lambda_op

from s3batch.emulator.engine import execution
from s3batch.emulator.engine.failures import JobFailure
from s3batch.emulator.engine.report import ReportConfig, ReportWriter, creation_date
from s3batch_core.contract.report import TaskResult, result_file_name

JOB = "f8fb9d89-a3aa-461d-bddc-ea6a1b131955"
TIMEOUT_MESSAGE = ('Lambda returned function error: {"errorMessage":"2019-04-05T17:48:39.725Z '
                   'c9a0a2ea-1f3a-4f0b-8e5a-33a2f1c1f0e1 Task timed out after 3.00 seconds"}')


def config(stack: Stack, prefix: str | None = "reports", scope: str = "AllTasks") -> ReportConfig:
    return ReportConfig.from_request({**stack.report_all(scope=scope), "Prefix": prefix})


def write_examples(stack: Stack, tmp_path: Path, cfg: ReportConfig) -> list[str]:
    writer = ReportWriter(cfg, JOB, tmp_path)
    writer.add("awsexamplebucket1", "image_17775", None, TaskResult(True, 200, "", '{"CopyObjectResult":{"ETag":"x"}}'))
    writer.add("awsexamplebucket1", "image_14975", None, TaskResult(False, 200, "PermanentFailure", TIMEOUT_MESSAGE))
    writer.add("BUCKET_NAME", "prefix/file_name", "", TaskResult(False, 400, "InvalidRequest",
                                                                "Task failed due to missing VersionId"))
    return writer.upload(stack.s3)


def test_result_rows_are_byte_exact(stack: Stack, tmp_path: Path) -> None:
    keys = write_examples(stack, tmp_path, config(stack))
    objects = stack.report_rows(keys)
    succeeded = objects[f"reports/job-{JOB}/results/{result_file_name(JOB, 'succeeded')}"]
    failed = objects[f"reports/job-{JOB}/results/{result_file_name(JOB, 'failed')}"]
    assert succeeded == b'awsexamplebucket1,image_17775,,succeeded,200,,"{""CopyObjectResult"":{""ETag"":""x""}}"\r\n'
    assert failed == (
        b'awsexamplebucket1,image_14975,,failed,200,PermanentFailure,"Lambda returned function error: '
        b'{""errorMessage"":""2019-04-05T17:48:39.725Z c9a0a2ea-1f3a-4f0b-8e5a-33a2f1c1f0e1 Task timed out after '
        b'3.00 seconds""}"\r\n'
        b"BUCKET_NAME,prefix/file_name,,failed,400,InvalidRequest,Task failed due to missing VersionId\r\n")


def test_manifest_json_matches_the_documented_shape(stack: Stack, tmp_path: Path) -> None:
    keys = write_examples(stack, tmp_path, config(stack))
    assert keys[0] == f"reports/job-{JOB}/manifest.json"
    objects = stack.report_rows(keys)
    document = json.loads(objects[keys[0]])
    assert list(document) == ["Format", "ReportCreationDate", "Results", "ReportSchema"]
    assert document["Format"] == "Report_CSV_20180820"
    assert document["ReportSchema"] == "Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", document["ReportCreationDate"])
    assert [list(r) for r in document["Results"]] == [["TaskExecutionStatus", "Bucket", "MD5Checksum", "Key"]] * 2
    for entry, status in zip(document["Results"], ("succeeded", "failed")):
        assert entry["TaskExecutionStatus"] == status and entry["Bucket"] == stack.report_bucket
        assert re.fullmatch(rf"reports/job-{JOB}/results/[0-9a-f]{{40}}\.csv", entry["Key"])
        assert entry["MD5Checksum"] == hashlib.md5(objects[entry["Key"]]).hexdigest()
    head = stack.s3.head_object(Bucket=stack.report_bucket, Key=keys[0])
    assert head["ServerSideEncryption"] == "AES256"  # completion reports are always SSE-S3


@pytest.mark.parametrize(("prefix", "folder"), [("reports/", "reports//job-"), (None, "job-"), ("a/b", "a/b/job-")])
def test_prefix_layout_like_aws(stack: Stack, tmp_path: Path, prefix: str | None, folder: str) -> None:
    keys = write_examples(stack, tmp_path, config(stack, prefix))
    assert all(key.startswith(f"{folder}{JOB}/") for key in keys)


def test_failed_tasks_only_scope(stack: Stack, tmp_path: Path) -> None:
    keys = write_examples(stack, tmp_path, config(stack, scope="FailedTasksOnly"))
    document = json.loads(stack.report_rows(keys)[keys[0]])
    assert [r["TaskExecutionStatus"] for r in document["Results"]] == ["failed"]


def test_creation_date_has_milliseconds_and_z() -> None:
    assert creation_date(datetime(2019, 4, 5, 17, 48, 39, 725999, tzinfo=UTC)) == "2019-04-05T17:48:39.725Z"


def test_every_manifest_row_appears_exactly_once(stack: Stack) -> None:
    keys = [f"{mode}/{i}" for i in range(40) for mode in ("ok", "perm", "raise")]
    lines = "".join(f"{stack.data_bucket},{key}\n" for key in keys)
    progress = Progress()
    result = stack.run(stack.request(lambda_op(stack.function()), stack.manifest(lines), stack.role()), progress)
    reported = [row[1] for row in stack.result_rows(result.report_keys)]
    assert sorted(reported) == sorted(keys)
    assert (result.succeeded, result.failed) == (40, 80)
    assert progress.total == 120 and len(progress.finished) == 120 and progress.finished.count(True) == 40


def test_cancel_stops_new_tasks_and_reports_what_ran(stack: Stack) -> None:
    for i in range(60):
        stack.put(f"k{i}")
    lines = "".join(f"{stack.data_bucket},k{i}\n" for i in range(60))
    request = stack.request({"S3DeleteObjectTagging": {}}, stack.manifest(lines), stack.role())
    result = stack.run(request, Progress(cancel_after=5))
    ran = result.succeeded + result.failed
    assert result.cancelled and 5 <= ran < 60
    rows = stack.result_rows(result.report_keys)
    assert len(rows) == ran


def test_threshold_fails_the_job_after_writing_the_report(stack: Stack) -> None:
    # every task is denied by the role (no HTTP per task), so 1,000+ tasks run fast
    deny_tagging = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Sid": "NoTagging", "Effect": "Deny", "Action": "s3:PutObjectTagging", "Resource": "*"}]}
    lines = "".join(f"{stack.data_bucket},k{i}\n" for i in range(1500))
    request = stack.request({"S3PutObjectTagging": {"TagSet": []}}, stack.manifest(lines),
                            stack.role("deny-tagging", policy=deny_tagging))
    prepared = execution.prepare(request)
    with pytest.raises(JobFailure) as caught:
        execution.execute(prepared, Progress())
    assert caught.value.failure_code == "TaskFailureThresholdExceeded"
    assert "more than 50% after at least 1000 tasks" in caught.value.reason
    listed = stack.s3.list_objects_v2(Bucket=stack.report_bucket)["Contents"]
    csv_keys = [o["Key"] for o in listed if o["Key"].endswith(".csv")]
    rows = sum(len(body.splitlines()) for body in stack.report_rows(csv_keys).values())
    assert 1000 <= rows < 1500


@pytest.mark.parametrize(("failed", "succeeded", "trips"), [(501, 499, True), (500, 500, False), (999, 0, False)])
def test_threshold_boundary(tmp_path: Path, failed: int, succeeded: int, trips: bool) -> None:
    prepared = SimpleNamespace(stop=threading.Event(), manifest=SimpleNamespace(files=()))
    run = execution._Run(prepared, Progress(), ReportWriter(ReportConfig(enabled=False), JOB, tmp_path))
    task = SimpleNamespace(bucket="b", key="k", version_id=None)
    for _ in range(succeeded):
        run.record(task, TaskResult(True, 200, "", ""))
    for _ in range(failed):
        run.record(task, TaskResult(False, 404, "NoSuchKey", ""))
    assert run.threshold_hit is trips and prepared.stop.is_set() is trips


def test_big_reports_are_split_into_several_result_files(stack: Stack, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("S3BATCH_LOCAL_REPORT_ROWS_PER_FILE", "2")
    writer = ReportWriter(config(stack), JOB, tmp_path)
    for i in range(5):
        writer.add("bkt", f"k{i}", None, TaskResult(i != 4, 200, "", str(i)))
    keys = writer.upload(stack.s3)
    document = json.loads(stack.report_rows(keys[:1])[keys[0]])
    assert [r["TaskExecutionStatus"] for r in document["Results"]] == ["succeeded", "succeeded", "failed"]
    bodies = stack.report_rows([r["Key"] for r in document["Results"]])
    assert [len(bodies[r["Key"]].splitlines()) for r in document["Results"]] == [2, 2, 1]
    assert len({r["Key"] for r in document["Results"]}) == 3


@pytest.mark.parametrize(("change", "written", "reason"), [
    ({"Enabled": False}, False, None),
    ({"ExpectedBucketOwner": "999999999999"}, False, "ExpectedBucketOwner 999999999999"),
    ({"ExpectedBucketOwner": ACCOUNT}, True, None),
], ids=["disabled", "another owner", "the expected owner"])
def test_the_report_is_written_if_enabled_to_a_bucket_of_the_expected_owner(stack: Stack, change: dict,
                                                                            written: bool, reason: str | None) -> None:
    stack.put("a")
    result = stack.run(stack.request({"S3DeleteObjectTagging": {}}, stack.manifest(f"{stack.data_bucket},a\n"),
                                     stack.role(), report={**stack.report_all(), **change}))
    assert result.succeeded == 1 and bool(result.report_keys) is written
    assert stack.s3.list_objects_v2(Bucket=stack.report_bucket).get("KeyCount") == len(result.report_keys)
    failure = result.report_failure
    assert failure is None if reason is None else (failure is not None and failure.failure_code == "ReportWriteFailed"
                                                   and reason in failure.full_reason)
