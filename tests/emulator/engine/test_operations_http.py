"""The four storage operations end to end: CreateJob through stock boto3 over HTTP, run by the job service on the
real engine, and the report's result file byte for byte as AWS writes it (CRLF rows, no header). What each operation
does to S3 is tested on the engine (test_restore.py, test_checksum.py, test_encryption.py, test_replication.py)."""

from __future__ import annotations

from typing import Any

import pytest
from engine_support import ACCOUNT, Stack

pytestmark = pytest.mark.e2e

NO_SUCH_KEY = "404,NoSuchKey,The specified key does not exist."
KMS_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
# name -> (the operation, the failed row's HTTPStatusCode,ErrorCode,ResultMessage for a key that is not there)
OPERATIONS: dict[str, tuple[dict, str]] = {
    "restore": ({"S3InitiateRestoreObject": {"ExpirationInDays": 1, "GlacierJobTier": "STANDARD"}}, NO_SUCH_KEY),
    "checksum": ({"S3ComputeObjectChecksum": {"ChecksumAlgorithm": "CRC32", "ChecksumType": "FULL_OBJECT"}},
                 NO_SUCH_KEY),
    "encryption": ({"S3UpdateObjectEncryption": {"ObjectEncryption": {"SSEKMS": {"KMSKeyArn": KMS_KEY}}}}, NO_SUCH_KEY),
    "replication": ({"S3ReplicateObject": {}},
                    "404,ReplicationConfigurationNotFoundError,The replication configuration was not found"),
}


@pytest.mark.parametrize("name", OPERATIONS)
def test_a_storage_operation_job_completes_with_its_report_over_http(
    stack: Stack, s3control_client: Any, local_stack: Any, wait_for_status: Any, name: str
) -> None:
    operation, failed = OPERATIONS[name]
    client = s3control_client(local_stack)
    job_id = client.create_job(AccountId=ACCOUNT, ConfirmationRequired=False, Operation=operation, Priority=10,
                               Report=stack.report_all(), Manifest=stack.manifest(f"{stack.data_bucket},missing\n"),
                               RoleArn=stack.role())["JobId"]
    job = wait_for_status(client, job_id, {"Complete", "Failed"}, timeout=60)
    assert job["Status"] == "Complete", job.get("FailureReasons")
    assert job["ProgressSummary"]["NumberOfTasksFailed"] == 1
    listed = stack.s3.list_objects_v2(Bucket=stack.report_bucket, Prefix=f"reports/job-{job_id}/results/")["Contents"]
    body = b"".join(stack.s3.get_object(Bucket=stack.report_bucket, Key=o["Key"])["Body"].read() for o in listed)
    assert body == f"{stack.data_bucket},missing,,failed,{failed}\r\n".encode()
