"""S3 rules the local S3 (moto) does not enforce, checked before an S3 operation's call so reports read as on AWS.

moto answers some requests S3 refuses (a shorter COMPLIANCE retention, a public ACL on a bucket that disables
ACLs, duplicate tag keys), crashes on others (a missing key or version for delete-tagging, legal hold and
retention: a 500), and applies an object ACL to the current version whatever version is named. Each check
here raises `S3Refusal` with the row S3 would give (status, code, message as S3 words them); the engine
reports it and moves on. Every check reads through the same S3 API the job uses.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from s3batch_core.contract.report import TaskResult
from s3batch_core.contract.operation_rules import GLACIER_CLASSES, archive_kind, restore_days_problem

NO_SUCH_KEY = TaskResult(False, 404, "NoSuchKey", "The specified key does not exist.")
NO_SUCH_VERSION = TaskResult(False, 404, "NoSuchVersion", "The specified version does not exist.")
ACLS_DISABLED = TaskResult(False, 400, "AccessControlListNotSupported", "The bucket does not allow ACLs")
DUPLICATE_TAG = TaskResult(False, 400, "InvalidTag", "Cannot provide multiple Tags with the same key")
LOCKED = TaskResult(False, 403, "AccessDenied", "Access Denied because object protected by object lock.")
# moto keeps one ACL per key, so only the current version's can be set; AWS sets the named version's.
NOT_CURRENT = TaskResult(False, 501, "NotImplemented",
                         "The local emulator can set the ACL of an object's current version only")
OWNER_ONLY_CANNED = "bucket-owner-full-control"  # the one ACL a bucket with ACLs disabled accepts


class S3Refusal(Exception):
    """S3 would refuse this task: `result` is its report row."""

    def __init__(self, result: TaskResult) -> None:
        super().__init__(result.message)
        self.result = result


def require_object(s3: Any, bucket: str, key: str, version: dict[str, str]) -> dict[str, Any]:
    """HeadObject of the named key (and version); S3Refusal 404 NoSuchKey / NoSuchVersion when absent (a HEAD
    answers 404 without a code). Other errors pass on to the operation, which reports S3's status and code."""
    try:
        return s3.head_object(Bucket=bucket, Key=key, **version)
    except ClientError as error:
        if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
            raise S3Refusal(NO_SUCH_VERSION if version else NO_SUCH_KEY) from None
        raise


def is_current(s3: Any, bucket: str, key: str, head: dict[str, Any]) -> bool:
    """Is the version HeadObject answered `head` for the key's current one?"""
    return require_object(s3, bucket, key, {}).get("VersionId") == head.get("VersionId")


def require_current_version(s3: Any, bucket: str, key: str, version: dict[str, str]) -> None:
    """The named version exists and is the current one (see NOT_CURRENT)."""
    head = require_object(s3, bucket, key, version)
    if version and not is_current(s3, bucket, key, head):
        raise S3Refusal(NOT_CURRENT)


def _owner_enforced(s3: Any, bucket: str) -> bool:
    try:
        rules = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    except ClientError:
        return False  # no ownership controls: ACLs apply (buckets made before 2023, or set so)
    return any(rule.get("ObjectOwnership") == "BucketOwnerEnforced" for rule in rules)


class AclPolicy:
    """Whether a bucket accepts ACLs (Object Ownership BucketOwnerEnforced does not), remembered per bucket."""

    def __init__(self) -> None:
        self._owner_enforced = functools.cache(_owner_enforced)  # read once per bucket for this job

    def check(self, s3: Any, bucket: str, canned: str | None, grants: bool) -> None:
        """S3Refusal 400 AccessControlListNotSupported for an ACL the bucket's ownership setting refuses."""
        only_owner = canned in (None, OWNER_ONLY_CANNED) and not grants
        if not only_owner and self._owner_enforced(s3, bucket):
            raise S3Refusal(ACLS_DISABLED)


def check_tag_set(tags: list[dict[str, str]]) -> None:
    """Unique tag keys, as S3 requires of an object's tag set."""
    keys = [tag["Key"] for tag in tags]
    if len(set(keys)) != len(keys):
        raise S3Refusal(DUPLICATE_TAG)


def check_retention_change(s3: Any, bucket: str, key: str, version: dict[str, str], wanted: dict[str, Any],
                           bypass_governance: bool) -> None:
    """Object Lock: COMPLIANCE retention can only be extended; GOVERNANCE can be shortened, changed or removed
    only with BypassGovernanceRetention. Extending, or setting retention where none is, is always allowed."""
    # HeadObject carries the version's lock (moto 5.2's GetObjectRetention fails with a 500).
    current = active_retention(require_object(s3, bucket, key, version), datetime.now(UTC))
    if current is None:
        return
    mode, until = current
    if mode == "GOVERNANCE" and bypass_governance:
        return
    new_until = wanted.get("RetainUntilDate")
    extends = wanted.get("Mode") == mode and isinstance(new_until, datetime) and new_until >= until
    if not extends:
        raise S3Refusal(LOCKED)


def active_retention(head: dict[str, Any], now: datetime) -> tuple[str, datetime] | None:
    """(mode, retain-until date) of the retention protecting an object version (HeadObject), or None: no retention,
    or an expired one, protects nothing."""
    mode, until = head.get("ObjectLockMode"), head.get("ObjectLockRetainUntilDate")
    return (str(mode), until) if mode and isinstance(until, datetime) and until > now else None


# ---- archive restore (S3InitiateRestoreObject) -----------------------------------------------------------------

ARCHIVE_CLASSES = GLACIER_CLASSES  # moto has no Intelligent-Tiering archive tiers (no ArchiveStatus)
NOT_ARCHIVED = TaskResult(False, 403, "InvalidObjectState",
                          "Restore is not allowed for the object's current storage class")
RESTORE_IN_PROGRESS = TaskResult(False, 409, "RestoreAlreadyInProgress", "Object restore is already in progress")
# The code S3 answers for ExpirationInDays given or left out wrongly is UNCONFIRMED: 400 InvalidArgument.
START, SPEED_UP, EXTEND = "start", "speed-up", "extend"
TIER_SPEED = {"BULK": 0, "STANDARD": 1}  # higher is faster (Batch Operations offers no EXPEDITED)


def check_restore(head: dict[str, Any], ongoing: tuple[int, str] | None, restored: bool, days: int | None,
                  tier: str) -> str:
    """What a restore request does to this object, or S3Refusal as the task's row.

    `ongoing`: (days, tier) of a restore in progress; `restored`: a restored copy is available. User Guide,
    "Restore objects with Batch Operations", Overlapping restores: an in-progress restore may only be sped up
    with the same ExpirationInDays and a faster tier; a completed one has its expiry reset to the new days.
    """
    kind = archive_kind(head)
    if kind is None:
        raise S3Refusal(NOT_ARCHIVED)
    problem = restore_days_problem(kind, days)
    if problem:
        raise S3Refusal(TaskResult(False, 400, "InvalidArgument", problem))
    if ongoing is not None:
        ongoing_days, ongoing_tier = ongoing
        if days != ongoing_days or TIER_SPEED[tier] <= TIER_SPEED[ongoing_tier]:
            raise S3Refusal(RESTORE_IN_PROGRESS)
        return SPEED_UP
    return EXTEND if restored else START


# ---- UpdateObjectEncryption (S3UpdateObjectEncryption) ---------------------------------------------------------
# Messages as the S3 API reference for UpdateObjectEncryption words them (botocore's s3 model documentation).

UNENCRYPTED_SOURCE = TaskResult(False, 400, "InvalidRequest",
                                "The UpdateObjectEncryption operation doesn't supported unencrypted source objects. "
                                "Only source objects encrypted with SSE-S3 or SSE-KMS are supported.")
UNSUPPORTED_SOURCE = TaskResult(False, 400, "InvalidRequest",
                                "The UpdateObjectEncryption operation doesn't support source objects with the "
                                "encryption type DSSE-KMS or SSE-C. Only source objects encrypted with SSE-S3 or "
                                "SSE-KMS are supported.")
LOCKED_ENCRYPTION = TaskResult(False, 403, "AccessDenied",
                               "The encryption type for the specified object can\u2019t be updated because that object "
                               "is protected by S3 Object Lock. If the object has a governance-mode retention period "
                               "or a legal hold, you must first remove the Object Lock status on the object before "
                               "you issue your UpdateObjectEncryption request. You can't use the "
                               "UpdateObjectEncryption operation with objects that have an Object Lock compliance "
                               "mode retention period applied to them.")
FOREIGN_KEY = TaskResult(False, 403, "AccessDenied",
                         "The Amazon Web Services KMS key in the request must be owned by the same account as the "
                         "bucket. Modify the request to specify a KMS key from the same account, and then try again.")
# S3's answer for a key ARN that names no key is UNCONFIRMED: PutObject's KMS.NotFoundException is used.
UNKNOWN_KEY = TaskResult(False, 400, "KMS.NotFoundException", "Invalid keyId")


def check_encryption_update(head: dict[str, Any], now: datetime, unencrypted_is_sse_s3: bool) -> None:
    """S3Refusal unless UpdateObjectEncryption may re-encrypt this object version.

    Only SSE-S3 and SSE-KMS sources are updated; any Object Lock protection (a legal hold, or retention of
    either mode) refuses. Objects without an encryption header count as SSE-S3 when `unencrypted_is_sse_s3`
    (S3 encrypts every new object with SSE-S3 since January 2023; moto reports none).
    """
    encryption = head.get("ServerSideEncryption")
    if head.get("SSECustomerAlgorithm") or encryption == "aws:kms:dsse":
        raise S3Refusal(UNSUPPORTED_SOURCE)
    if encryption is None and not unencrypted_is_sse_s3:
        raise S3Refusal(UNENCRYPTED_SOURCE)
    if head.get("ObjectLockLegalHoldStatus") == "ON" or active_retention(head, now):
        raise S3Refusal(LOCKED_ENCRYPTION)
