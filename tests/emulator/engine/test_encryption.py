"""S3UpdateObjectEncryption over HTTP: SSE-S3 or SSE-KMS objects move to the job's KMS key (moto KMS) in place,
with the per-task refusals the S3 API reference lists and the role's S3 and KMS permissions evaluated."""

from __future__ import annotations

import re
from typing import Any

import botocore.session
import pytest
from engine_support import REGION, Stack

from s3batch.emulator.engine import s3_rules
from s3batch_core.aws import make_client


@pytest.fixture()
def kms(stack: Stack) -> Any:
    return make_client("kms", endpoint_url=stack.endpoint, region=REGION)


def key(kms: Any) -> str:
    return kms.create_key(Description="batch")["KeyMetadata"]["Arn"]


def operation(key_arn: str, bucket_key: bool = True) -> dict:
    return {"S3UpdateObjectEncryption": {"ObjectEncryption": {"SSEKMS": {"KMSKeyArn": key_arn,
                                                                         "BucketKeyEnabled": bucket_key}}}}



def test_objects_are_re_encrypted_in_place_with_the_job_key(stack: Stack, kms: Any) -> None:
    first, second = key(kms), key(kms)
    before = stack.put("s3", b"x", ServerSideEncryption="AES256")
    stack.put("kms", b"y", ServerSideEncryption="aws:kms", SSEKMSKeyId=first)
    report = stack.run_rows(operation(second), f"{stack.data_bucket},s3\n{stack.data_bucket},kms\n")
    assert report["s3"][3:] == ["succeeded", "200", "", "Successful"]
    assert report["kms"][3] == "succeeded"
    for name in ("s3", "kms"):
        head = stack.s3.head_object(Bucket=stack.data_bucket, Key=name)
        assert (head["ServerSideEncryption"], head["SSEKMSKeyId"], head["BucketKeyEnabled"]) == ("aws:kms", second, True)
    after = stack.s3.head_object(Bucket=stack.data_bucket, Key="s3")
    assert after["ETag"] == before["ETag"]
    assert stack.s3.get_object(Bucket=stack.data_bucket, Key="s3")["Body"].read() == b"x"
    again = stack.run_rows(operation(second, bucket_key=False), f"{stack.data_bucket},kms\n")  # same key: updated again
    assert again["kms"][3] == "succeeded"
    assert stack.s3.head_object(Bucket=stack.data_bucket, Key="kms").get("BucketKeyEnabled") is False


def test_refusals_of_the_s3_api_reference(stack: Stack, kms: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("S3BATCH_LOCAL_UNENCRYPTED_IS_SSE_S3", "0")
    stack.s3.delete_bucket(Bucket=stack.data_bucket)
    stack.s3.create_bucket(Bucket=stack.data_bucket, ObjectLockEnabledForBucket=True)
    stack.put("plain")
    stack.put("held", b"z", ServerSideEncryption="AES256", ObjectLockLegalHoldStatus="ON")
    report = stack.run_rows(operation(key(kms)), f"{stack.data_bucket},plain\n{stack.data_bucket},held\n"
                                              f"{stack.data_bucket},missing\n")
    assert report["plain"][3:6] == ["failed", "400", "InvalidRequest"]
    assert "unencrypted source objects" in report["plain"][6]
    assert report["held"][3:6] == ["failed", "403", "AccessDenied"]
    assert "protected by S3 Object Lock" in report["held"][6]
    assert report["missing"][3:6] == ["failed", "404", "NoSuchKey"]


def test_a_key_of_another_account_or_no_key_fails_the_task(stack: Stack) -> None:
    stack.put("k")
    foreign = "arn:aws:kms:us-east-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    assert stack.run_rows(operation(foreign), f"{stack.data_bucket},k\n")["k"][3:6] == ["failed", "403", "AccessDenied"]
    absent = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    assert stack.run_rows(operation(absent), f"{stack.data_bucket},k\n")["k"][3:6] == \
        ["failed", "400", "KMS.NotFoundException"]
    assert "ServerSideEncryption" not in stack.s3.head_object(Bucket=stack.data_bucket, Key="k")


@pytest.mark.parametrize("missing", ["s3:PutObject", "s3:UpdateObjectEncryption", "kms:Decrypt", "kms:GenerateDataKey",
                                     "kms:Encrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo"])
def test_a_role_missing_one_action_fails_naming_it(stack: Stack, kms: Any, missing: str) -> None:
    key_arn = key(kms)
    stack.put("k")
    s3_actions = [a for a in ("s3:PutObject", "s3:UpdateObjectEncryption") if a != missing]
    kms_actions = [a for a in ("kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt", "kms:ReEncryptFrom",
                               "kms:ReEncryptTo") if a != missing]
    role = stack.role_allowing(
        "partial", {"Effect": "Allow", "Action": s3_actions, "Resource": f"arn:aws:s3:::{stack.data_bucket}/*"},
        {"Effect": "Allow", "Action": kms_actions, "Resource": key_arn,
         "Condition": {"StringEquals": {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}}})
    row = stack.run_rows(operation(key_arn), f"{stack.data_bucket},k\n", role)["k"]
    assert row[3:6] == ["failed", "403", "AccessDenied"]
    assert missing in row[6] and (key_arn if missing.startswith("kms:") else f"{stack.data_bucket}/k") in row[6]
    assert "ServerSideEncryption" not in stack.s3.head_object(Bucket=stack.data_bucket, Key="k")


def test_a_named_version_is_updated_and_the_others_are_not(stack: Stack, kms: Any) -> None:
    key_arn = key(kms)
    stack.versioned()
    old = stack.put("v", b"1", ServerSideEncryption="AES256")["VersionId"]
    stack.put("v", b"2", ServerSideEncryption="AES256")
    assert stack.run_rows(operation(key_arn), f"{stack.data_bucket},v,{old}\n")["v"][2:4] == [old, "succeeded"]
    assert stack.s3.head_object(Bucket=stack.data_bucket, Key="v", VersionId=old)["SSEKMSKeyId"] == key_arn
    assert stack.s3.head_object(Bucket=stack.data_bucket, Key="v")["ServerSideEncryption"] == "AES256"


def test_refusal_messages_are_the_s3_api_references_words() -> None:
    documentation = botocore.session.get_session().get_service_model("s3").operation_model(
        "UpdateObjectEncryption").documentation
    text = re.sub(r"\s+", " ", re.sub("<[^>]+>", "", documentation))
    for refusal in (s3_rules.UNENCRYPTED_SOURCE, s3_rules.UNSUPPORTED_SOURCE, s3_rules.LOCKED_ENCRYPTION,
                    s3_rules.FOREIGN_KEY):
        assert refusal.message in text
