"""The permission catalogue: one declarative table per CreateJob operation, plus the parts every job shares.

Sources: AWS S3 User Guide "Granting permissions for Batch Operations" (batch-ops-iam-role-policies) and
"Batch Replication" policies, summarised with citations in /work/shared/reference/aws-s3-batch-operations.md §5.3.
Where no AWS text settles the action set, the entry carries a `why` saying what was chosen; docs/policies.md
lists every one of them (a test keeps the two in step).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any


class Target(str, Enum):
    """Which resource a grant applies to, resolved from the JobScope when a policy is built."""

    OBJECTS = "objects"  # objects in JobScope.bucket: arn:P:s3:::bucket/*
    BUCKET = "bucket"  # JobScope.bucket itself: arn:P:s3:::bucket
    DESTINATION_OBJECTS = "destination_objects"  # objects in JobScope.destination_bucket
    FUNCTION = "function"  # JobScope.function_arn


@dataclass(frozen=True)
class Grant:
    """One statement of an operation's own permissions."""

    sid: str
    target: Target
    actions: tuple[str, ...]
    purpose: str
    """Human words for what the grant is for ("tag each object"), used in Requirement.purpose."""
    why: str | None = None
    """Set when the action set is not settled by AWS documentation (UNCONFIRMED): what was chosen and why."""
    options: tuple[str, ...] = ()
    """Fields of the CreateJob operation (botocore's shape, e.g. ObjectLockMode) that make this grant needed
    when the job sets one of them; empty: every job of the operation needs it."""


@dataclass(frozen=True)
class OperationSpec:
    """Everything the catalogue knows about one CreateJob operation."""

    name: str
    grants: tuple[Grant, ...]
    generator_bucket_actions: tuple[str, ...] = ("s3:PutInventoryConfiguration",)
    """Source-bucket actions a ManifestGenerator job needs; the default is our inference (GENERATOR_WHY)."""
    kms_actions: tuple[str, ...] = ()
    """KMS actions beyond the common ones (KMS_ACTIONS) this operation needs on the given keys."""
    kms_why: str | None = None
    needs_kms_key: bool = False
    """The operation cannot run without a KMS key (the CLI requires --kms-key-arn)."""


# IAM authorises a call that names a version id as a separate, version-specific action.
VERSION_VARIANTS: dict[str, str] = {
    "s3:GetObject": "s3:GetObjectVersion",
    "s3:GetObjectAcl": "s3:GetObjectVersionAcl",
    "s3:GetObjectTagging": "s3:GetObjectVersionTagging",
    "s3:PutObjectAcl": "s3:PutObjectVersionAcl",
    "s3:PutObjectTagging": "s3:PutObjectVersionTagging",
    "s3:DeleteObjectTagging": "s3:DeleteObjectVersionTagging",
}

# ---- parts every job shares -------------------------------------------------------------------------------

MANIFEST_READ_ACTIONS: tuple[str, ...] = ("s3:GetObject",)
REPORT_WRITE_ACTIONS: tuple[str, ...] = ("s3:PutObject",)
GENERATED_MANIFEST_WRITE_ACTIONS: tuple[str, ...] = ("s3:PutObject",)
KMS_ACTIONS: tuple[str, ...] = ("kms:Decrypt", "kms:GenerateDataKey")
KMS_VIA_SERVICE_KEY = "kms:ViaService"

# Actions the catalogue does not grant but AWS's own Batch Operations examples do (shared:get-bucket-location):
# harmless read-only extras a batch role may carry without being reported as new access.
TOLERATED_ACTIONS: tuple[str, ...] = ("s3:GetBucketLocation",)

# Statement ids of the shared parts, in policy order.
SID_READ_MANIFEST = "ReadManifest"
SID_GENERATE_MANIFEST = "GenerateManifest"
SID_WRITE_GENERATED_MANIFEST = "WriteGeneratedManifest"
SID_WRITE_REPORT = "WriteReport"
SID_USE_KMS_KEYS = "UseKmsKeys"

OBJECT_LOCK_WHY = (
    "A copy that sets Object Lock (the operation's ObjectLockMode/ObjectLockRetainUntilDate or "
    "ObjectLockLegalHoldStatus) writes retention or a legal hold with the copy; S3 authorises those request "
    "headers as s3:PutObjectRetention and s3:PutObjectLegalHold (S3 API PutObject/CopyObject, Object Lock "
    "headers). Granted only for jobs that set them (JobScope.operation_options, `s3batch policy --operation-option`)."
)

GENERATOR_WHY = (
    "UNCONFIRMED: AWS documents manifest-generator permissions only for Batch Replication "
    "(s3:GetReplicationConfiguration + s3:PutInventoryConfiguration on the source bucket). For other operations "
    "we grant s3:PutInventoryConfiguration on the source bucket, the part of that documented set that generating "
    "an object list needs; replication keeps the full documented set."
)

SHARED_DECISIONS: dict[str, str] = {
    "manifest-version": (
        "s3:GetObjectVersion on the manifest is granted only with versioned=True (AWS: version-specific permissions "
        "are only required when you specify version ids); versioned covers both version ids in the manifest rows "
        "and a manifest object read by ObjectVersionId."
    ),
    "generator-output": (
        "UNCONFIRMED: with a ManifestGenerator the --manifest location is the ManifestOutputLocation and "
        "EnableManifestOutput is assumed true: s3:PutObject on that prefix, plus manifest read there (AWS's "
        "Batch Replication policy grants both on the manifest bucket). If EnableManifestOutput is false the write "
        "grant is unused."
    ),
    "kms": (
        "KMS actions (kms:Decrypt, kms:GenerateDataKey, plus the operation's extra ones) are granted on exactly the "
        "given key ARNs, constrained with kms:ViaService = s3.<region>.<dns suffix> so the role can use the keys "
        "only through S3. AWS documents kms:Decrypt + kms:GenerateDataKey for KMS-encrypted inventory manifests and "
        "says the role needs the keys of encrypted objects; the key policy must also allow the role."
    ),
    "get-bucket-location": (
        "s3:GetBucketLocation is not granted: AWS's per-operation Batch Operations policies do not include it (only "
        "one CLI walkthrough adds it on the manifest and report buckets); jobs run with the documented policies. "
        "Because AWS's own walkthrough grants it, the linter does not call it new access (TOLERATED_ACTIONS)."
    ),
    "cross-account": (
        "Cross-account buckets change nothing in the role's policy (S3 ARNs carry no account id; grants stay on "
        "the exact buckets and prefixes). The other account's bucket policy must grant the role the same actions "
        "on the same ARNs, its KMS key policy must allow the role, and ExpectedBucketOwner should guard the "
        "manifest and report buckets. If a generated manifest is written to another account's bucket with ACLs "
        "enabled, AWS also requires s3:PutObjectAcl there (not granted by default)."
    ),
    "report-prefix": (
        "Reports are written as <prefix>/job-<id>/...; the grant is s3:PutObject on report_bucket/report_prefix*, "
        "which also covers a prefix given with a trailing '/' (AWS then writes <prefix>//job-<id>/...)."
    ),
    "inventory": (
        "S3 Inventory manifests: s3:GetObject on manifest.json and on the data files under the same inventory "
        "configuration prefix (<destination-prefix>/<source-bucket>/<config-id>/data/*), as AWS requires read on "
        "manifest.json and every CSV data file."
    ),
}

# ---- one table per operation ------------------------------------------------------------------------------


def _on_each_object(name: str, sid: str, action: str, purpose: str, **spec: Any) -> OperationSpec:
    """An operation whose one grant is one action on each object of the manifest."""
    return OperationSpec(name=name, grants=(Grant(sid, Target.OBJECTS, (action,), purpose),), **spec)


_READ_OBJECT_LOCK_CONFIGURATION = Grant("ReadObjectLockConfiguration", Target.BUCKET,
                                        ("s3:GetBucketObjectLockConfiguration",),
                                        "read the bucket's Object Lock configuration")

_SPECS: tuple[OperationSpec, ...] = (
    OperationSpec(
        name="LambdaInvoke",
        grants=(
            Grant(
                "InvokeFunction",
                Target.FUNCTION,
                ("lambda:InvokeFunction",),
                "invoke the function for each object",
                why=(
                    "UNCONFIRMED qualifier matching: we grant exactly the given function ARN; for an unqualified ARN "
                    "also ARN:* (every version and alias), in case the service invokes a qualified ARN. Pass the "
                    "same ARN the job's FunctionArn uses (this kit uses a qualified one)."
                ),
            ),
        ),
    ),
    OperationSpec(
        name="S3PutObjectCopy",
        grants=(
            Grant(
                "ReadSourceObjects",
                Target.OBJECTS,
                ("s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectTagging"),
                "read each source object, its ACL and tags",
            ),
            Grant("ListSourceBucket", Target.BUCKET, ("s3:ListBucket",), "list the source bucket"),
            Grant(
                "WriteDestinationObjects",
                Target.DESTINATION_OBJECTS,
                ("s3:PutObject", "s3:PutObjectAcl", "s3:PutObjectTagging"),
                "write each copy, its ACL and tags",
            ),
            Grant(
                "SetCopyRetention",
                Target.DESTINATION_OBJECTS,
                ("s3:PutObjectRetention",),
                "set Object Lock retention on each copy",
                why=OBJECT_LOCK_WHY,
                options=("ObjectLockMode", "ObjectLockRetainUntilDate"),
            ),
            Grant(
                "SetCopyLegalHold",
                Target.DESTINATION_OBJECTS,
                ("s3:PutObjectLegalHold",),
                "set an Object Lock legal hold on each copy",
                why=OBJECT_LOCK_WHY,
                options=("ObjectLockLegalHoldStatus",),
            ),
        ),
    ),
    _on_each_object("S3PutObjectAcl", "SetObjectAcls", "s3:PutObjectAcl", "replace each object's ACL"),
    _on_each_object("S3PutObjectTagging", "TagObjects", "s3:PutObjectTagging", "tag each object"),
    _on_each_object("S3DeleteObjectTagging", "UntagObjects", "s3:DeleteObjectTagging", "delete each object's tags"),
    _on_each_object("S3InitiateRestoreObject", "RestoreObjects", "s3:RestoreObject", "start each object's restore"),
    OperationSpec(
        name="S3PutObjectLegalHold",
        grants=(
            _READ_OBJECT_LOCK_CONFIGURATION,
            Grant("SetLegalHold", Target.OBJECTS, ("s3:PutObjectLegalHold",), "set each object's legal hold"),
        ),
    ),
    OperationSpec(
        name="S3PutObjectRetention",
        grants=(
            _READ_OBJECT_LOCK_CONFIGURATION,
            Grant(
                "SetRetention",
                Target.OBJECTS,
                ("s3:BypassGovernanceRetention", "s3:PutObjectRetention"),
                "set each object's retention",
                why=(
                    "s3:BypassGovernanceRetention is in AWS's documented policy; it is used only when the job sets "
                    "BypassGovernanceRetention (to shorten or remove GOVERNANCE retention). Kept (documented set)."
                ),
            ),
        ),
    ),
    # Documented for Batch Replication with a generated manifest: the one settled set of generator actions.
    _on_each_object("S3ReplicateObject", "ReplicateObjects", "s3:InitiateReplication", "replicate each object",
                    generator_bucket_actions=("s3:GetReplicationConfiguration", "s3:PutInventoryConfiguration")),
    OperationSpec(
        name="S3ComputeObjectChecksum",
        grants=(
            Grant(
                "ComputeChecksums",
                Target.OBJECTS,
                ("s3:GetObject",),
                "read each object to compute its checksum",
                why=(
                    "UNCONFIRMED: AWS publishes no policy for Compute checksum and the IAM reference has no "
                    "dedicated action. Computing a checksum reads the object's data, which IAM authorises as "
                    "s3:GetObject (s3:GetObjectVersion for a version id); results go to the completion report."
                ),
            ),
        ),
    ),
    OperationSpec(
        name="S3UpdateObjectEncryption",
        grants=(
            Grant(
                "UpdateObjectEncryption",
                Target.OBJECTS,
                ("s3:PutObject", "s3:UpdateObjectEncryption"),
                "re-encrypt each object",
                why=(
                    "UNCONFIRMED: no Batch-specific policy is published; the S3 API reference for "
                    "UpdateObjectEncryption lists s3:PutObject and s3:UpdateObjectEncryption. Documented superset kept."
                ),
            ),
        ),
        kms_actions=("kms:Encrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo"),
        kms_why=(
            "UNCONFIRMED: the S3 API reference for UpdateObjectEncryption lists kms:Encrypt, kms:Decrypt, "
            "kms:GenerateDataKey and kms:ReEncrypt*; kms:ReEncrypt* is spelled out as kms:ReEncryptFrom and "
            "kms:ReEncryptTo so no wildcard is granted."
        ),
        needs_kms_key=True,
    ),
)

SPECS: dict[str, OperationSpec] = {spec.name: spec for spec in _SPECS}
OPERATIONS: tuple[str, ...] = tuple(spec.name for spec in _SPECS)


def spec_for(operation: str) -> OperationSpec:
    """The catalogue entry for a CreateJob operation name; ValueError for an unknown one."""
    try:
        return SPECS[operation]
    except KeyError:
        raise ValueError(f"unknown operation {operation!r}; expected one of {', '.join(OPERATIONS)}") from None


def with_version_variants(actions: tuple[str, ...], versioned: bool) -> tuple[str, ...]:
    """The actions, plus their version-specific variants when the job names version ids."""
    if not versioned:
        return actions
    return actions + tuple(VERSION_VARIANTS[a] for a in actions if a in VERSION_VARIANTS)


def operation_choices() -> dict[str, str]:
    """The permission policy's documented choices, keyed by a stable name (listed in docs/policies.md)."""
    choices = {f"shared:{name}": why for name, why in SHARED_DECISIONS.items()}
    choices[f"shared:{SID_GENERATE_MANIFEST}"] = GENERATOR_WHY
    for spec in _SPECS:
        for grant in spec.grants:
            if grant.why:
                choices[f"{spec.name}:{grant.sid}"] = grant.why
        if spec.kms_why:
            choices[f"{spec.name}:{SID_USE_KMS_KEYS}"] = spec.kms_why
    return choices


def operation_options(operation: str) -> tuple[str, ...]:
    """The CreateJob operation fields that change what the operation needs (e.g. ObjectLockMode for a copy)."""
    return tuple(dict.fromkeys(o for g in spec_for(operation).grants for o in g.options))


def active_grants(operation: str, options: tuple[str, ...] | frozenset[str]) -> tuple[Grant, ...]:
    """The operation's grants a job needs when it sets these operation fields."""
    return tuple(g for g in spec_for(operation).grants if not g.options or set(g.options) & set(options))
