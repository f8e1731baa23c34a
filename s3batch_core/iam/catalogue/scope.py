"""What a job touches (JobScope) and one concrete access it makes (Requirement), with input checks.

Every check raises ValueError naming the field, so the CLI can turn it into a one-line usage error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from s3batch_core.contract import arns
from s3batch_core.iam.catalogue.operations import OPERATIONS, operation_options

MANIFEST_FORMATS: tuple[str, ...] = ("csv", "inventory")


@dataclass(frozen=True)
class JobScope:
    """The concrete resources one batch job touches; the input of every policy builder."""

    operation: str
    manifest_bucket: str
    manifest_key: str
    """Exact key, or a prefix pattern ending in "*" (e.g. "manifests/*"). With a manifest generator:
    the ManifestOutputLocation prefix (a trailing "*" is implied)."""
    report_bucket: str
    report_prefix: str = ""
    bucket: str | None = None
    """Bucket whose objects the job acts on (for a copy: the source); the generator's SourceBucket."""
    destination_bucket: str | None = None
    function_arn: str | None = None
    kms_key_arns: tuple[str, ...] = ()
    versioned: bool = False
    """The manifest carries version ids: version-specific actions are granted too."""
    manifest_format: str = "csv"
    manifest_generator: bool = False
    partition: str = "aws"
    region: str = "us-east-1"
    operation_options: tuple[str, ...] = ()
    """Fields the job's operation sets that change what it needs (catalogue operation_options, e.g.
    ObjectLockMode for a copy that sets Object Lock)."""

    def __post_init__(self) -> None:
        if self.operation not in OPERATIONS:
            raise ValueError(f"operation: unknown operation {self.operation!r}; expected one of {', '.join(OPERATIONS)}")
        for name in ("manifest_bucket", "report_bucket", "bucket", "destination_bucket"):
            value = getattr(self, name)
            if value is not None and not arns.is_bucket(value):
                raise ValueError(f"{name}: {value!r} is not an S3 bucket name")
        if not self.manifest_key or self.manifest_key.startswith("/"):
            raise ValueError(f"manifest_key: {self.manifest_key!r} must be a non-empty key without a leading '/'")
        if self.manifest_format not in MANIFEST_FORMATS:
            raise ValueError(f"manifest_format: {self.manifest_format!r} is not one of {', '.join(MANIFEST_FORMATS)}")
        if not arns.is_partition(self.partition):
            raise ValueError(f"partition: {self.partition!r} is not an AWS partition name")
        if not arns.is_region(self.region):
            raise ValueError(f"region: {self.region!r} is not an AWS Region name")
        if self.function_arn is not None and not arns.is_function(self.function_arn):
            raise ValueError(f"function_arn: {self.function_arn!r} is not a Lambda function ARN")
        known = operation_options(self.operation)
        unknown = [o for o in self.operation_options if o not in known]
        if isinstance(self.operation_options, str) or unknown:
            allowed = ", ".join(known) or "none"
            raise ValueError(f"operation_options: {unknown or self.operation_options!r} not among {self.operation}'s ({allowed})")
        if isinstance(self.kms_key_arns, str):
            raise ValueError("kms_key_arns: must be a tuple of key ARNs, not a string")
        for arn in self.kms_key_arns:
            if not arns.is_kms_key(arn):
                # IAM matches key usage against key ARNs only; an alias ARN in Resource never matches.
                raise ValueError(f"kms_key_arns: {arn!r} is not a KMS key ARN (arn:...:kms:REGION:ACCOUNT:key/ID; aliases do not work in IAM)")


@dataclass(frozen=True)
class Requirement:
    """One concrete access the job will make: evaluate it against the role's policies."""

    action: str
    resource: str
    purpose: str
    context: tuple[tuple[str, str], ...] = ()
    """Request-context keys AWS sets for this access (e.g. kms:ViaService for S3's calls to KMS)."""


def scope_resources(name: str, config: dict[str, Any]) -> dict[str, Any]:
    """The JobScope fields an operation's members name: a copy's destination bucket, the
    function, the KMS key an encryption update uses, the fields that need more access (Object Lock on a copy).
    Shared by the preflight and the emulator's role check."""
    fields: dict[str, Any] = {}
    options = tuple(field for field in operation_options(name) if config.get(field) not in (None, ""))
    if options:
        fields["operation_options"] = options
    if name == "S3PutObjectCopy" and config.get("TargetResource"):
        fields["destination_bucket"] = arns.bucket_name(str(config["TargetResource"]))
    if name == "LambdaInvoke":
        fields["function_arn"] = config.get("FunctionArn")
    key_arn = ((config.get("ObjectEncryption") or {}).get("SSEKMS") or {}).get("KMSKeyArn")
    if name == "S3UpdateObjectEncryption" and key_arn:
        fields["kms_key_arns"] = (key_arn,)
    return fields
