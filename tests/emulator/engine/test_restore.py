"""S3InitiateRestoreObject over HTTP: restores start, show through HeadObject on the emulator's clock, and the
per-task failures AWS documents (not archived, restore already in progress, missing key)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from engine_support import Stack

from s3batch.emulator.engine import restores

GLACIER_BULK = {"S3InitiateRestoreObject": {"ExpirationInDays": 3, "GlacierJobTier": "BULK"}}


@pytest.fixture(autouse=True)
def _real_time() -> Iterator[None]:
    yield
    restores.reset()



def archived(stack: Stack, key: str, storage_class: str = "GLACIER") -> None:
    stack.put(key, b"cold", StorageClass=storage_class)


def restore_header(stack: Stack, key: str) -> str | None:
    return stack.s3.head_object(Bucket=stack.data_bucket, Key=key).get("Restore")


def test_restore_is_ongoing_then_available_until_it_expires(stack: Stack) -> None:
    archived(stack, "g")
    archived(stack, "d", "DEEP_ARCHIVE")
    report = stack.run_rows(GLACIER_BULK, f"{stack.data_bucket},g\n{stack.data_bucket},d\n")
    assert report["g"][3:] == ["succeeded", "200", "", "Successful"]
    assert report["d"][3:] == ["succeeded", "200", "", "Successful"]
    assert restore_header(stack, "g") == 'ongoing-request="true"'
    with pytest.raises(stack.s3.exceptions.InvalidObjectState):
        stack.s3.get_object(Bucket=stack.data_bucket, Key="g")
    restores.CLOCK.advance(timedelta(hours=12))  # GLACIER BULK is done, DEEP_ARCHIVE BULK (48 h) is not
    done = restore_header(stack, "g")
    assert done is not None and done.startswith('ongoing-request="false", expiry-date=') and done.endswith("00:00:00 GMT\"")
    assert stack.s3.get_object(Bucket=stack.data_bucket, Key="g")["Body"].read() == b"cold"
    assert restore_header(stack, "d") == 'ongoing-request="true"'
    restores.CLOCK.advance(timedelta(days=4, hours=1))
    assert restore_header(stack, "g") is None  # the restored copy expired


def test_objects_not_in_an_archive_class_and_missing_keys_fail(stack: Stack) -> None:
    stack.put("standard")
    archived(stack, "tiering", "INTELLIGENT_TIERING")
    report = stack.run_rows(GLACIER_BULK, f"{stack.data_bucket},standard\n{stack.data_bucket},tiering\n"
                                       f"{stack.data_bucket},missing\n")
    not_archived = ["failed", "403", "InvalidObjectState", "Restore is not allowed for the object's current storage class"]
    assert report["standard"][3:] == not_archived
    assert report["tiering"][3:] == not_archived
    assert report["missing"][3:6] == ["failed", "404", "NoSuchKey"]


def test_expiration_days_are_required_for_glacier_objects(stack: Stack) -> None:
    archived(stack, "g")
    report = stack.run_rows({"S3InitiateRestoreObject": {"GlacierJobTier": "BULK"}}, f"{stack.data_bucket},g\n")
    assert report["g"][3:6] == ["failed", "400", "InvalidArgument"]
    assert restore_header(stack, "g") is None


def test_overlapping_restores_follow_the_user_guide(stack: Stack) -> None:
    archived(stack, "g")
    line = f"{stack.data_bucket},g\n"
    stack.run_rows(GLACIER_BULK, line)
    in_progress = ["failed", "409", "RestoreAlreadyInProgress", "Object restore is already in progress"]
    assert stack.run_rows(GLACIER_BULK, line)["g"][3:] == in_progress  # same tier
    other_days = {"S3InitiateRestoreObject": {"ExpirationInDays": 5, "GlacierJobTier": "STANDARD"}}
    assert stack.run_rows(other_days, line)["g"][3:] == in_progress  # faster, but another duration
    faster = {"S3InitiateRestoreObject": {"ExpirationInDays": 3, "GlacierJobTier": "STANDARD"}}
    assert stack.run_rows(faster, line)["g"][3] == "succeeded"
    restores.CLOCK.advance(timedelta(hours=5))  # STANDARD's time, not BULK's 12 h
    first = restore_header(stack, "g")
    assert first is not None and first.startswith('ongoing-request="false"')
    longer = {"S3InitiateRestoreObject": {"ExpirationInDays": 10, "GlacierJobTier": "BULK"}}
    assert stack.run_rows(longer, line)["g"][3] == "succeeded"  # a restored copy: its expiry moves
    assert restore_header(stack, "g") != first


def test_a_named_version_is_restored_not_the_current_one(stack: Stack) -> None:
    stack.versioned()
    old = stack.put("v", b"1", StorageClass="GLACIER")["VersionId"]
    stack.put("v", b"2", StorageClass="GLACIER")
    report = stack.run_rows(GLACIER_BULK, f"{stack.data_bucket},v,{old}\n")
    assert report["v"][2:4] == [old, "succeeded"]
    assert stack.s3.head_object(Bucket=stack.data_bucket, Key="v", VersionId=old)["Restore"] == 'ongoing-request="true"'
    assert restore_header(stack, "v") is None


def test_restore_hours_can_be_set_for_every_tier(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("S3BATCH_LOCAL_RESTORE_HOURS", "0")
    archived(stack, "g", "DEEP_ARCHIVE")
    assert stack.run_rows(GLACIER_BULK, f"{stack.data_bucket},g\n")["g"][3] == "succeeded"
    header = restore_header(stack, "g")
    assert header is not None and header.startswith('ongoing-request="false", expiry-date=')
