"""Batch Replication (S3ReplicateObject) on the stack: rules from the source bucket's replication configuration,
replicas written to each destination, and the `x-amz-replication-status` S3 shows on both sides.

moto stores a replication configuration but never replicates and keeps no replication status, so the emulator
does what S3 would (User Guide, "Replicating existing objects with Batch Replication" and the S3 API reference
for ReplicationRule):
- the rules that apply to an object are the Enabled ones whose Filter (Prefix, Tag, And) or legacy Prefix
  matches it; with several for one destination bucket only the highest Priority applies;
- each replica is a copy of the named version under the same key, with the rule's Destination.StorageClass
  (else the source's), metadata and tags; the source version's status becomes COMPLETED (or FAILED when a
  copy fails) and the replica's REPLICA;
- a delete marker is replicated only by a rule with DeleteMarkerReplication Enabled (never by a tag rule);
- an SSE-KMS object only by a rule with SourceSelectionCriteria.SseKmsEncryptedObjects Enabled, its replica
  encrypted with the rule's Destination.EncryptionConfiguration.ReplicaKmsKeyID (User Guide, "Replicating encrypted
  objects"); SSE-C objects are never replicated;
- ExistingObjectReplication is ignored: S3 documents it as no longer supported, replaced by Batch Replication.
Not emulated (documented in docs/emulator.md): replica version ids equal to the source's (moto assigns new ones),
the replication role's own permissions, ReplicationTime/Metrics, AccessControlTranslation.

The status is kept on moto's object in this process and added to HeadObject/GetObject by `install()`.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from s3batch.emulator.engine import s3_rules
from s3batch.emulator.engine.clients import moto_s3
from s3batch_core.contract.arns import bucket_name
from s3batch_core.contract.report import TaskResult

COMPLETED, FAILED, REPLICA = "COMPLETED", "FAILED", "REPLICA"
_STATUS_ATTRIBUTE = "_s3batch_replication_status"
_INSTALLED = threading.Lock()
_installed = [False]

NO_CONFIGURATION = TaskResult(False, 404, "ReplicationConfigurationNotFoundError",
                              "The replication configuration was not found")
# What S3 answers for an object no enabled rule covers is UNCONFIRMED: the task fails and names the reason.
NOT_ELIGIBLE = TaskResult(False, 400, "InvalidRequest",
                          "The object is not eligible for replication: no enabled rule of the bucket's replication "
                          "configuration applies to it")
DESTINATION_NOT_VERSIONED = "Versioning must be 'Enabled' on the destination bucket {bucket} to replicate to it"


def install() -> None:
    """Make moto's HeadObject/GetObject show the replication status the emulator recorded (idempotent)."""
    from moto.s3.models import FakeKey

    with _INSTALLED:
        if _installed[0]:
            return
        original = FakeKey.response_dict

        def response_dict(self: Any) -> dict[str, Any]:
            headers = original.fget(self)
            status = getattr(self, _STATUS_ATTRIBUTE, None)
            if status:
                headers["x-amz-replication-status"] = status
            return headers

        FakeKey.response_dict = property(response_dict)  # type: ignore[assignment,method-assign]
        _installed[0] = True


def set_status(bucket: str, key: str, version_id: str | None, status: str) -> None:
    fake = moto_s3().get_object(bucket, key, version_id=version_id)
    if fake is not None:
        setattr(fake, _STATUS_ATTRIBUTE, status)


@dataclass(frozen=True)
class Rule:
    """One replication rule, reduced to what decides eligibility and the replica."""

    priority: int
    prefix: str
    tags: tuple[tuple[str, str], ...]
    destination: str
    storage_class: str | None
    delete_markers: bool
    kms_objects: bool = False
    replica_kms_key: str | None = None

    def matches(self, key: str, tags: dict[str, str] | None) -> bool:
        if not key.startswith(self.prefix):
            return False
        return not self.tags or (tags is not None and all(tags.get(k) == v for k, v in self.tags))


def _rule(rule: dict[str, Any]) -> Rule:
    """One rule as moto stored its XML: xmltodict gives a repeated element as a dict when there is one, and an
    empty Prefix as None."""
    found = rule.get("Filter") or {}
    both = found.get("And") or {}
    tags = _listed(found.get("Tag")) + _listed(both.get("Tag"))
    prefix = found.get("Prefix", both.get("Prefix", rule.get("Prefix"))) or ""
    destination = rule.get("Destination") or {}
    delete = (rule.get("DeleteMarkerReplication") or {}).get("Status") == "Enabled" and not tags
    criteria = (rule.get("SourceSelectionCriteria") or {}).get("SseKmsEncryptedObjects") or {}
    replica_key = (destination.get("EncryptionConfiguration") or {}).get("ReplicaKmsKeyID")
    return Rule(int(rule.get("Priority") or 0), prefix, tuple((t["Key"], t["Value"]) for t in tags),
                bucket_name(str(destination.get("Bucket", ""))), destination.get("StorageClass"), delete,
                criteria.get("Status") == "Enabled", replica_key)


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value else []


def applicable(rules: list[Rule], key: str, tags: dict[str, str] | None) -> list[Rule]:
    """The rules replicating this object: per destination bucket, the matching rule of highest priority."""
    best: dict[str, Rule] = {}
    for rule in rules:
        if rule.matches(key, tags) and (rule.destination not in best or rule.priority > best[rule.destination].priority):
            best[rule.destination] = rule
    return list(best.values())


class Replicator:
    """The S3ReplicateObject call: per job, the source buckets' rules and destinations' versioning are read once."""

    def __init__(self) -> None:
        self._rules = functools.cache(_bucket_rules)
        self._destination_versioned = functools.cache(
            lambda s3, bucket: s3.get_bucket_versioning(Bucket=bucket).get("Status") == "Enabled")
        install()

    def __call__(self, s3: Any, bucket: str, key: str, version: dict[str, str]) -> Any:
        rules = self._rules(s3, bucket)
        if rules is None:
            raise s3_rules.S3Refusal(NO_CONFIGURATION)
        marker = _is_delete_marker(s3, bucket, key, version)
        head = {} if marker else s3_rules.require_object(s3, bucket, key, version)
        if head.get("SSECustomerAlgorithm"):
            raise s3_rules.S3Refusal(NOT_ELIGIBLE)
        kms = str(head.get("ServerSideEncryption", "")).startswith("aws:kms")
        tags = None if marker or not any(r.tags for r in rules) else _tags(s3, bucket, key, version)
        chosen = [r for r in applicable(rules, key, tags)
                  if (not marker or r.delete_markers) and (not kms or r.kms_objects)]
        if not chosen:
            raise s3_rules.S3Refusal(NOT_ELIGIBLE)
        version_id = version.get("VersionId")
        try:
            for rule in chosen:
                self._replicate(s3, rule, bucket, key, version, marker)
        except (ClientError, s3_rules.S3Refusal):
            if not marker:
                set_status(bucket, key, version_id, FAILED)
            raise
        if not marker:
            set_status(bucket, key, version_id, COMPLETED)
        return None

    def _replicate(self, s3: Any, rule: Rule, bucket: str, key: str, version: dict[str, str], marker: bool) -> None:
        if not self._destination_versioned(s3, rule.destination):
            raise s3_rules.S3Refusal(TaskResult(False, 400, "InvalidRequest",
                                                DESTINATION_NOT_VERSIONED.format(bucket=rule.destination)))
        if marker:
            s3.delete_object(Bucket=rule.destination, Key=key)
            return
        extra: dict[str, Any] = {"StorageClass": rule.storage_class} if rule.storage_class else {}
        if rule.replica_kms_key:
            extra.update(ServerSideEncryption="aws:kms", SSEKMSKeyId=rule.replica_kms_key)
        copied = s3.copy_object(Bucket=rule.destination, Key=key, CopySource={"Bucket": bucket, "Key": key, **version},
                                MetadataDirective="COPY", TaggingDirective="COPY", **extra)
        set_status(rule.destination, key, copied.get("VersionId"), REPLICA)


def _bucket_rules(s3: Any, bucket: str) -> list[Rule] | None:
    """The bucket's enabled rules; None when it has no replication configuration."""
    try:
        s3.get_bucket_replication(Bucket=bucket)  # S3's answer when the bucket has no configuration
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ReplicationConfigurationNotFoundError":
            raise
        return None
    # moto's GetBucketReplication answer drops each rule's Filter (it renders an empty Prefix): read its store
    stored = getattr(moto_s3().get_bucket(bucket), "replication", None) or {}
    return [_rule(rule) for rule in _listed(stored.get("Rule")) if rule.get("Status") == "Enabled"]


def _is_delete_marker(s3: Any, bucket: str, key: str, version: dict[str, str]) -> bool:
    """A HEAD of a delete marker's version answers 405 with x-amz-delete-marker: true."""
    if not version:
        return False
    try:
        s3.head_object(Bucket=bucket, Key=key, **version)
    except ClientError as error:
        headers = error.response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
        return headers.get("x-amz-delete-marker") == "true"
    return False


def _tags(s3: Any, bucket: str, key: str, version: dict[str, str]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in s3.get_object_tagging(Bucket=bucket, Key=key, **version)["TagSet"]}


def eligibility(s3: Any, bucket: str) -> Any:
    """ManifestGenerator's EligibleForReplication: a predicate over listed versions (and delete markers) that
    some enabled rule replicates. Archived objects (GLACIER, DEEP_ARCHIVE) are not eligible (User Guide: manifest
    generation finds no keys for them). None when the bucket has no replication configuration."""
    rules = _bucket_rules(s3, bucket)
    if rules is None:
        return None
    with_tags = any(rule.tags for rule in rules)

    def keep(entry: dict[str, Any], marker: bool) -> bool:
        if entry.get("StorageClass") in s3_rules.ARCHIVE_CLASSES:
            return False
        version = {"VersionId": entry["VersionId"]} if entry.get("VersionId") not in (None, "null") else {}
        tags = _tags(s3, bucket, entry["Key"], version) if with_tags and not marker else None
        return any(not marker or rule.delete_markers for rule in applicable(rules, entry["Key"], tags))

    return keep
