"""The four storage operations end to end: CreateJob through stock boto3 over HTTP, the effect seen through S3,
and the report's result files byte for byte as AWS writes them (CRLF rows, no header, quoted only when needed)."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import pytest
from engine_support import ACCOUNT, REGION, Stack

from s3batch_core.aws import make_client
from s3batch.emulator.engine import restores

pytestmark = pytest.mark.e2e


def run_job(stack: Stack, s3control_client: Any, local_stack: Any, wait_for_status: Any, operation: dict,
            lines: str) -> tuple[dict, bytes]:
    client = s3control_client(local_stack)
    manifest = stack.manifest(lines)
    job_id = client.create_job(AccountId=ACCOUNT, ConfirmationRequired=False, Operation=operation,
                               Report=stack.report_all(), Manifest=manifest, Priority=10, RoleArn=stack.role())["JobId"]
    job = wait_for_status(client, job_id, {"Complete", "Failed"}, timeout=60)
    assert job["Status"] == "Complete", job.get("FailureReasons")
    listed = stack.s3.list_objects_v2(Bucket=stack.report_bucket, Prefix=f"reports/job-{job_id}/results/")
    body = b"".join(stack.s3.get_object(Bucket=stack.report_bucket, Key=o["Key"])["Body"].read()
                    for o in sorted(listed["Contents"], key=lambda o: o["Key"]))
    return job, body


@pytest.fixture(autouse=True)
def _real_time() -> Any:
    yield
    restores.reset()


def test_restore_job(stack: Stack, s3control_client: Any, local_stack: Any, wait_for_status: Any) -> None:
    stack.s3.put_object(Bucket=stack.data_bucket, Key="cold", Body=b"c", StorageClass="GLACIER")
    stack.put("warm")
    job, body = run_job(stack, s3control_client, local_stack, wait_for_status,
                        {"S3InitiateRestoreObject": {"ExpirationInDays": 1, "GlacierJobTier": "STANDARD"}},
                        f"{stack.data_bucket},cold\n{stack.data_bucket},warm\n")
    assert job["ProgressSummary"]["NumberOfTasksFailed"] == 1
    assert sorted(body.split(b"\r\n")) == sorted([
        b"", b"data-bucket,cold,,succeeded,200,,Successful",
        b"data-bucket,warm,,failed,403,InvalidObjectState,Restore is not allowed for the object's current storage class"])
    assert stack.s3.head_object(Bucket=stack.data_bucket, Key="cold")["Restore"] == 'ongoing-request="true"'
    restores.CLOCK.advance(timedelta(hours=5))
    assert stack.s3.head_object(Bucket=stack.data_bucket, Key="cold")["Restore"].startswith('ongoing-request="false"')


def test_checksum_job(stack: Stack, s3control_client: Any, local_stack: Any, wait_for_status: Any) -> None:
    stored = stack.s3.put_object(Bucket=stack.data_bucket, Key="k", Body=b"data", ChecksumAlgorithm="CRC32")
    _, body = run_job(stack, s3control_client, local_stack, wait_for_status,
                      {"S3ComputeObjectChecksum": {"ChecksumAlgorithm": "CRC32", "ChecksumType": "FULL_OBJECT"}},
                      f"{stack.data_bucket},k\n")
    message = json.dumps({"checksum_base64": stored["ChecksumCRC32"], "etag": stored["ETag"].strip('"'),
                          "checksumAlgorithm": "CRC32", "checksumType": "FULL_OBJECT",
                          "checksum_hex": base64.b64decode(stored["ChecksumCRC32"]).hex()},
                         separators=(",", ":"))
    assert body == b'data-bucket,k,,succeeded,200,,"' + message.replace('"', '""').encode() + b'"\r\n'


def test_encryption_job(stack: Stack, s3control_client: Any, local_stack: Any, wait_for_status: Any) -> None:
    kms = make_client("kms", endpoint_url=stack.endpoint, region=REGION)
    key_arn = kms.create_key()["KeyMetadata"]["Arn"]
    stack.put("k")
    _, body = run_job(stack, s3control_client, local_stack, wait_for_status,
                      {"S3UpdateObjectEncryption": {"ObjectEncryption": {"SSEKMS": {"KMSKeyArn": key_arn}}}},
                      f"{stack.data_bucket},k\n")
    assert body == b"data-bucket,k,,succeeded,200,,Successful\r\n"
    assert stack.s3.head_object(Bucket=stack.data_bucket, Key="k")["SSEKMSKeyId"] == key_arn


def test_replication_job(stack: Stack, s3control_client: Any, local_stack: Any, wait_for_status: Any) -> None:
    stack.s3.create_bucket(Bucket="replica-bucket")
    for bucket in (stack.data_bucket, "replica-bucket"):
        stack.s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    stack.s3.put_bucket_replication(Bucket=stack.data_bucket, ReplicationConfiguration={
        "Role": f"arn:aws:iam::{ACCOUNT}:role/replication", "Rules": [{
            "ID": "all", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": ""},
            "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": "arn:aws:s3:::replica-bucket"}}]})
    version = stack.put("k")["VersionId"]
    _, body = run_job(stack, s3control_client, local_stack, wait_for_status, {"S3ReplicateObject": {}},
                      f"{stack.data_bucket},k,{version}\n")
    assert body == f"data-bucket,k,{version},succeeded,200,,Successful\r\n".encode()
    assert stack.s3.head_object(Bucket="replica-bucket", Key="k")["ReplicationStatus"] == "REPLICA"
