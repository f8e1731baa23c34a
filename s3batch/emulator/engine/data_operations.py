"""Operations that act on an object's storage rather than its metadata: restore, checksum, re-encrypt (Batch
Replication, which needs more state, is in replication.py). Each factory turns the job's operation member into `call(s3, bucket, key, version) -> result`
for `operations.S3Operation`; S3's refusals come from `s3_rules`, and a call may return its own TaskResult
when the report's ResultMessage carries the result (checksums).
"""

from __future__ import annotations

import base64
import itertools
import json
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from s3batch_core.contract import checksums
from s3batch.emulator.engine import restores, s3_rules
from s3batch.emulator.engine.clients import moto_s3, stack_client
from s3batch_core.contract.report import TaskResult

Call = Callable[[Any, str, str, dict[str, str]], Any]


# ---- S3InitiateRestoreObject -----------------------------------------------------------------------------------


def restore_call(config: dict[str, Any]) -> Call:
    """RestoreObject for each archived object; the restore's progress lives in `restores` (the test clock)."""
    days = config.get("ExpirationInDays")
    tier = config.get("GlacierJobTier") or "STANDARD"  # RestoreObject's default tier
    account = moto_s3().account_id  # the account moto files the engine's requests under (any credentials do)

    def call(s3: Any, bucket: str, key: str, version: dict[str, str]) -> Any:
        head = s3_rules.require_object(s3, bucket, key, version)
        version_id = version.get("VersionId")
        tracked = restores.current(account, bucket, key, version_id)
        now = restores.CLOCK.now()
        ongoing = (tracked.days, tracked.tier) if tracked is not None and tracked.ongoing(now) else None
        restored = tracked is not None and not tracked.ongoing(now)
        action = s3_rules.check_restore(head, ongoing, restored, days, tier)
        if action == s3_rules.EXTEND and tracked is not None:
            restores.extend(tracked, int(days))
            return None
        if not version or s3_rules.is_current(s3, bucket, key, head):
            # moto's own RestoreObject (its events and checks); it can address only the current version
            s3.restore_object(Bucket=bucket, Key=key, RestoreRequest={"Days": int(days),
                                                                      "GlacierJobParameters": {"Tier": tier.title()}})
        restores.start(account, bucket, key, version_id, head["StorageClass"], tier, int(days))
        return None

    return call


# ---- S3ComputeObjectChecksum -----------------------------------------------------------------------------------

_CHUNK = 1 << 20


def checksum_call(config: dict[str, Any]) -> Call:
    """Read each object (each part, for COMPOSITE of a multipart object) and report its checksum.

    The value goes to the report's ResultMessage, where AWS puts Compute checksum results ("the completion
    report contains checksum values for every object"); the JSON layout of that message is UNCONFIRMED.
    Archived objects are read from the stack's store directly: AWS computes checksums "without ... restoring".
    """
    algorithm = config.get("ChecksumAlgorithm") or checksums.DEFAULT_ALGORITHM
    checksum_type = config.get("ChecksumType") or checksums.DEFAULT_TYPE

    def call(s3: Any, bucket: str, key: str, version: dict[str, str]) -> TaskResult:
        head = s3_rules.require_object(s3, bucket, key, version)
        ranges = _part_ranges(s3, bucket, key, version) if checksum_type == checksums.COMPOSITE else []
        if len(ranges) > 1:
            raws = [checksums.digest(algorithm, _body(s3, bucket, key, version, head, byte_range))
                    for byte_range in ranges]
            value = checksums.composite(algorithm, raws)
        else:
            value = checksums.b64(checksums.digest(algorithm, _body(s3, bucket, key, version, head, None)))
        raw, _, count = value.partition("-")
        message = {"checksum_base64": value, "etag": str(head.get("ETag", "")).strip('"'),
                   "checksumAlgorithm": algorithm, "checksumType": checksum_type,
                   "checksum_hex": base64.b64decode(raw).hex() + (f"-{count}" if count else "")}
        return TaskResult(True, 200, "", json.dumps(message, separators=(",", ":")))

    return call


def _part_ranges(s3: Any, bucket: str, key: str, version: dict[str, str]) -> list[str]:
    """`bytes=a-b` of each part of a multipart object (HeadObject with PartNumber gives each part's size)."""
    first = s3.head_object(Bucket=bucket, Key=key, PartNumber=1, **version)
    count = int(first.get("PartsCount") or 1)
    sizes = [int(first["ContentLength"])] + [
        int(s3.head_object(Bucket=bucket, Key=key, PartNumber=n, **version)["ContentLength"]) for n in range(2, count + 1)]
    return [f"bytes={end - size}-{end - 1}" for size, end in zip(sizes, itertools.accumulate(sizes))]


def _body(s3: Any, bucket: str, key: str, version: dict[str, str], head: dict[str, Any],
          byte_range: str | None) -> Iterator[bytes]:
    """The object's (or a part's) bytes in chunks: GetObject, or the store for an unrestored archived object."""
    if head.get("StorageClass") in s3_rules.ARCHIVE_CLASSES and 'ongoing-request="false"' not in head.get("Restore", ""):
        yield _archived_bytes(bucket, key, version.get("VersionId"), byte_range)
        return
    body = s3.get_object(Bucket=bucket, Key=key, **({"Range": byte_range} if byte_range else {}), **version)["Body"]
    yield from iter(lambda: body.read(_CHUNK), b"")


def _archived_bytes(bucket: str, key: str, version_id: str | None, byte_range: str | None) -> bytes:
    value = bytes(_moto_object(bucket, key, version_id).value)
    if byte_range is None:
        return value
    start, _, end = byte_range.removeprefix("bytes=").partition("-")
    return value[int(start):int(end) + 1]


# ---- S3UpdateObjectEncryption ----------------------------------------------------------------------------------


def unencrypted_is_sse_s3() -> bool:
    """S3BATCH_LOCAL_UNENCRYPTED_IS_SSE_S3 (default 1): moto stores objects without encryption that S3 would
    have encrypted with SSE-S3; 0 makes them unencrypted sources, which UpdateObjectEncryption refuses."""
    return os.environ.get("S3BATCH_LOCAL_UNENCRYPTED_IS_SSE_S3", "1") != "0"


def encryption_call(config: dict[str, Any]) -> Call:
    """UpdateObjectEncryption to SSE-KMS with the job's key and Bucket Key setting, in place.

    moto has no UpdateObjectEncryption: the checks go over HTTP (HeadObject, KMS DescribeKey) and the update is
    written onto moto's object, keeping its data, ETag, last-modified time and storage class as S3 does. An
    object already encrypted with the same key is updated again (succeeds; AWS's answer is UNCONFIRMED).
    """
    sse = (config.get("ObjectEncryption") or {}).get("SSEKMS") or {}
    key_arn = str(sse.get("KMSKeyArn", ""))
    bucket_key = bool(sse.get("BucketKeyEnabled", False))
    as_sse_s3 = unencrypted_is_sse_s3()
    account = moto_s3().account_id

    def call(s3: Any, bucket: str, key: str, version: dict[str, str]) -> Any:
        head = s3_rules.require_object(s3, bucket, key, version)
        s3_rules.check_encryption_update(head, datetime.now(UTC), as_sse_s3)
        _check_key(stack_client("kms", s3.meta.endpoint_url, s3.meta.region_name), key_arn, account)
        fake = _moto_object(bucket, key, version.get("VersionId"))
        fake.encryption, fake.kms_key_id, fake.bucket_key_enabled = "aws:kms", key_arn, bucket_key
        return None

    return call


def _check_key(kms: Any, key_arn: str, account: str) -> None:
    if key_arn.split(":")[4:5] != [account]:
        raise s3_rules.S3Refusal(s3_rules.FOREIGN_KEY)
    try:
        kms.describe_key(KeyId=key_arn)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "NotFoundException":
            raise s3_rules.S3Refusal(s3_rules.UNKNOWN_KEY) from None
        raise


def _moto_object(bucket: str, key: str, version_id: str | None) -> Any:
    return moto_s3().get_object(bucket, key, version_id=version_id)
