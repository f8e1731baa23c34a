"""The S3 rules moto does not enforce, on their own: each refusal is the row S3 would report (moto's S3 in-process
for the rules that read the object, plain HeadObject answers for the others)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from s3batch.emulator.engine import s3_rules
from s3batch.emulator.engine.s3_rules import S3Refusal
from s3batch_core.contract.report import TaskResult

NOW = datetime(2026, 6, 1, tzinfo=UTC)
LATER, EARLIER = NOW + timedelta(days=30), NOW - timedelta(days=30)


def refusal(check: Any, *args: Any) -> TaskResult | None:
    """The row `check(*args)` refuses the task with; None when it lets the task through."""
    try:
        check(*args)
    except S3Refusal as refused:
        return refused.result
    return None


@pytest.fixture()
def s3() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1", aws_access_key_id="testing",
                              aws_secret_access_key="testing")
        client.create_bucket(Bucket="plain")
        client.create_bucket(Bucket="locked", ObjectLockEnabledForBucket=True)
        yield client


def test_a_bucket_owner_enforced_bucket_takes_only_the_owner_acl(s3: Any) -> None:
    s3.put_bucket_ownership_controls(Bucket="plain", OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    policy = s3_rules.AclPolicy()
    assert refusal(policy.check, s3, "plain", "bucket-owner-full-control", False) is None
    assert refusal(policy.check, s3, "plain", "public-read", False) == s3_rules.ACLS_DISABLED
    assert refusal(policy.check, s3, "plain", None, True) == s3_rules.ACLS_DISABLED
    assert refusal(policy.check, s3, "locked", "public-read", False) is None  # no ownership controls: ACLs apply


def test_the_ownership_setting_is_read_once_per_bucket(s3: Any) -> None:
    policy = s3_rules.AclPolicy()
    assert refusal(policy.check, s3, "plain", "public-read", False) is None
    s3.put_bucket_ownership_controls(Bucket="plain", OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    assert refusal(policy.check, s3, "plain", "public-read", False) is None  # one job sees one setting


@pytest.mark.parametrize(("mode", "wanted", "bypass", "refused"), [
    ("COMPLIANCE", {"Mode": "COMPLIANCE", "RetainUntilDate": "later"}, False, False),   # extended
    ("COMPLIANCE", {"Mode": "COMPLIANCE", "RetainUntilDate": "sooner"}, False, True),   # shortened
    ("COMPLIANCE", {"Mode": "COMPLIANCE", "RetainUntilDate": "sooner"}, True, True),    # … bypass or not
    ("COMPLIANCE", {}, True, True),                                                     # removed
    ("COMPLIANCE", {"Mode": "GOVERNANCE", "RetainUntilDate": "later"}, True, True),     # mode changed
    ("GOVERNANCE", {"Mode": "GOVERNANCE", "RetainUntilDate": "sooner"}, False, True),
    ("GOVERNANCE", {"Mode": "GOVERNANCE", "RetainUntilDate": "sooner"}, True, False),   # bypass allows it
    ("GOVERNANCE", {}, True, False),                                                    # removed with bypass
    (None, {"Mode": "COMPLIANCE", "RetainUntilDate": "later"}, False, False),           # set where none protects
])
def test_object_lock_retention_changes(s3: Any, mode: str | None, wanted: dict[str, Any], bypass: bool,
                                       refused: bool) -> None:
    until = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
    lock = {"ObjectLockMode": mode, "ObjectLockRetainUntilDate": until} if mode else {}
    s3.put_object(Bucket="locked", Key="k", Body=b"x", **lock)
    dates = {"later": until + timedelta(days=1), "sooner": until - timedelta(days=1)}
    wanted = {name: dates.get(value, value) for name, value in wanted.items()}
    result = refusal(s3_rules.check_retention_change, s3, "locked", "k", {}, wanted, bypass)
    assert result == (s3_rules.LOCKED if refused else None)


GLACIER = {"StorageClass": "GLACIER"}


@pytest.mark.parametrize(("head", "ongoing", "restored", "days", "tier", "outcome"), [
    (GLACIER, None, False, 1, "BULK", s3_rules.START),
    (GLACIER, None, True, 5, "BULK", s3_rules.EXTEND),                       # a restored copy: expiry reset
    (GLACIER, (1, "BULK"), False, 1, "STANDARD", s3_rules.SPEED_UP),         # same days, faster tier
    (GLACIER, (1, "BULK"), False, 2, "STANDARD", s3_rules.RESTORE_IN_PROGRESS),
    (GLACIER, (1, "STANDARD"), False, 1, "BULK", s3_rules.RESTORE_IN_PROGRESS),
    (GLACIER, (1, "STANDARD"), False, 1, "STANDARD", s3_rules.RESTORE_IN_PROGRESS),
    ({"StorageClass": "STANDARD"}, None, False, 1, "BULK", s3_rules.NOT_ARCHIVED),
    ({"StorageClass": "INTELLIGENT_TIERING"}, None, False, None, "BULK", s3_rules.NOT_ARCHIVED),  # not archived
    ({"StorageClass": "INTELLIGENT_TIERING", "ArchiveStatus": "ARCHIVE_ACCESS"}, None, False, None, "BULK",
     s3_rules.START),
])
def test_what_a_restore_request_does(head: dict[str, Any], ongoing: tuple[int, str] | None, restored: bool,
                                     days: int | None, tier: str, outcome: str | TaskResult) -> None:
    try:
        done: str | TaskResult = s3_rules.check_restore(head, ongoing, restored, days, tier)
    except S3Refusal as refused:
        done = refused.result
    assert done == outcome


@pytest.mark.parametrize(("head", "days"), [(GLACIER, None),
                                            ({"StorageClass": "INTELLIGENT_TIERING", "ArchiveStatus": "x"}, 3)])
def test_expiration_days_given_or_left_out_wrongly_is_invalid_argument(head: dict[str, Any], days: int | None) -> None:
    result = refusal(s3_rules.check_restore, head, None, False, days, "BULK")
    assert result is not None and (result.succeeded, result.http_status, result.error_code) == (False, 400, "InvalidArgument")


@pytest.mark.parametrize(("head", "unencrypted_is_sse_s3", "outcome"), [
    ({"ServerSideEncryption": "AES256"}, False, None),
    ({"ServerSideEncryption": "aws:kms"}, False, None),
    ({}, True, None),                                                        # S3 encrypts new objects by default
    ({}, False, s3_rules.UNENCRYPTED_SOURCE),
    ({"ServerSideEncryption": "aws:kms:dsse"}, True, s3_rules.UNSUPPORTED_SOURCE),
    ({"SSECustomerAlgorithm": "AES256"}, True, s3_rules.UNSUPPORTED_SOURCE),
    ({"ServerSideEncryption": "AES256", "ObjectLockLegalHoldStatus": "ON"}, True, s3_rules.LOCKED_ENCRYPTION),
    ({"ServerSideEncryption": "AES256", "ObjectLockLegalHoldStatus": "OFF"}, True, None),
    ({"ServerSideEncryption": "AES256", "ObjectLockMode": "GOVERNANCE", "ObjectLockRetainUntilDate": LATER}, True,
     s3_rules.LOCKED_ENCRYPTION),
    ({"ServerSideEncryption": "AES256", "ObjectLockMode": "COMPLIANCE", "ObjectLockRetainUntilDate": EARLIER}, True,
     None),                                                                  # an expired retention protects nothing
])
def test_which_objects_update_object_encryption_may_re_encrypt(head: dict[str, Any], unencrypted_is_sse_s3: bool,
                                                                outcome: TaskResult | None) -> None:
    assert refusal(s3_rules.check_encryption_update, head, NOW, unencrypted_is_sse_s3) == outcome
