"""The whole path with the real data plane: deploy, upload, CreateJob through stock boto3, Complete, report."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from s3batch_core.aws import make_client
from s3batch.emulator.local.deploy import deploy
from s3batch.emulator.local.stack import StackInfo

pytestmark = pytest.mark.e2e


def test_sentiment_job_on_the_sample_files(local_stack: Any, tmp_path: Path, wait_for_status: Any,
                                           s3control_client: Any) -> None:
    outputs = deploy(StackInfo(local_stack.endpoint_url, local_stack.port, 0), tmp_path / "outputs.json")
    s3 = make_client("s3", endpoint_url=local_stack.endpoint_url)
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    samples = sorted((Path(__file__).resolve().parents[3] / "files").glob("*.txt"))
    for path in samples:
        key = outputs.data_prefix + path.name
        s3.put_object(Bucket=outputs.bucket_name, Key=key, Body=path.read_bytes())
        writer.writerow([outputs.bucket_name, quote(key, safe="/")])
    manifest_key = outputs.manifest_prefix + "e2e.csv"
    etag = s3.put_object(Bucket=outputs.manifest_bucket, Key=manifest_key, Body=rows.getvalue().encode())["ETag"]
    client = s3control_client(local_stack)
    job_id = client.create_job(
        AccountId=outputs.account_id,
        ConfirmationRequired=False,
        Operation={"LambdaInvoke": {"FunctionArn": outputs.function_arn,
                                    "InvocationSchemaVersion": outputs.invocation_schema_version}},
        Report={"Bucket": f"arn:aws:s3:::{outputs.report_bucket}", "Format": "Report_CSV_20180820", "Enabled": True,
                "Prefix": outputs.report_prefix.rstrip("/"), "ReportScope": "AllTasks"},
        Manifest={"Spec": {"Format": "S3BatchOperations_CSV_20180820", "Fields": ["Bucket", "Key"]},
                  "Location": {"ObjectArn": f"arn:aws:s3:::{outputs.manifest_bucket}/{manifest_key}", "ETag": etag}},
        Priority=10,
        RoleArn=outputs.batch_role_arn,
    )["JobId"]
    job = wait_for_status(client, job_id, {"Complete", "Failed"}, timeout=120)
    assert job["Status"] == "Complete", job.get("FailureReasons")
    assert job["ProgressSummary"]["TotalNumberOfTasks"] == len(samples) > 0
    assert job["ProgressSummary"]["NumberOfTasksSucceeded"] == len(samples)
    report_key = f"{outputs.report_prefix.rstrip('/')}/job-{job_id}/manifest.json"
    report = json.loads(s3.get_object(Bucket=outputs.report_bucket, Key=report_key)["Body"].read())
    assert report["Results"][0]["TaskExecutionStatus"] == "succeeded"
