"""The job's operation: from flags or a JSON/YAML spec file, checked against botocore's s3control model.

Operation names, member names and enum values all come from botocore's `JobOperation` shape, so a new operation
or enum value in botocore is accepted here without a code change (flags exist for the common parameters; a spec
file reaches every member).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import botocore.session
import yaml
from botocore.model import Shape, StructureShape

from s3batch_core.contract import arns
from s3batch_core.contract.create_job import create_job_problems, operation_problems
from s3batch_core.errors import InputError, UsageError
from s3batch_core.contract.limits import MAX_SETTINGS_BYTES, check_depth, check_size, load_json
from s3batch_core.contract.model_constraints import model_problems

LAMBDA_INVOKE = "LambdaInvoke"


@cache
def s3control_model() -> Any:
    """botocore's S3 Control service model (the authority for every name and enum here)."""
    return botocore.session.get_session().get_service_model("s3control")


def shape(name: str) -> Shape:
    return s3control_model().shape_for(name)


def operation_names() -> tuple[str, ...]:
    """The CreateJob operation names: members of `JobOperation`."""
    job_operation = shape("JobOperation")
    assert isinstance(job_operation, StructureShape)
    return tuple(job_operation.members)


def enum_values(shape_name: str) -> tuple[str, ...]:
    """Allowed values of an enum shape, e.g. `S3StorageClass`."""
    return tuple(shape(shape_name).enum)


def check_create_job_request(request: dict[str, Any]) -> None:
    """Validate a whole CreateJob request as boto3 would before sending it, and by CreateJob's own rules."""
    input_shape = s3control_model().operation_model("CreateJob").input_shape
    _raise_problems(model_problems(request, input_shape, "CreateJob") or create_job_problems(request), "CreateJob request")


def _raise_problems(problems: list[str], what: str) -> None:
    if problems:
        raise InputError(f"{what}: " + "; ".join(problems[:3]))


@dataclass(frozen=True)
class OperationFlags:
    """Operation parameters given as command-line flags (None = not given)."""

    function_arn: str | None = None
    schema_version: str | None = None
    user_arguments: tuple[tuple[str, str], ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    target_bucket: str | None = None
    target_prefix: str | None = None
    storage_class: str | None = None
    metadata_directive: str | None = None
    canned_acl: str | None = None
    kms_key_arn: str | None = None
    bucket_key_enabled: bool | None = None
    checksum_algorithm: str | None = None
    checksum_type: str | None = None
    expiration_days: int | None = None
    glacier_tier: str | None = None
    legal_hold: str | None = None
    retention_mode: str | None = None
    retain_until: datetime | None = None
    bypass_governance: bool | None = None


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _tag_set(pairs: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in pairs]


def _lambda(f: OperationFlags) -> dict[str, Any]:
    if not f.function_arn:
        raise UsageError("LambdaInvoke needs --function-arn (or a function_arn stack output)")
    body = {"FunctionArn": f.function_arn, "InvocationSchemaVersion": f.schema_version or "1.0"}
    if f.user_arguments:
        body["UserArguments"] = dict(f.user_arguments)
    return body


def _copy(f: OperationFlags) -> dict[str, Any]:
    if not f.target_bucket:
        raise UsageError("S3PutObjectCopy needs --target-bucket")
    # A bucket name becomes an ARN; submit moves it to the role's partition once the role is known.
    target = f.target_bucket if f.target_bucket.startswith("arn:") else arns.s3(f.target_bucket)
    return _drop_none({
        "TargetResource": target, "TargetKeyPrefix": f.target_prefix,
        "StorageClass": f.storage_class, "MetadataDirective": f.metadata_directive,
        "CannedAccessControlList": f.canned_acl, "SSEAwsKmsKeyId": f.kms_key_arn,
        "BucketKeyEnabled": f.bucket_key_enabled, "ChecksumAlgorithm": f.checksum_algorithm,
        "NewObjectTagging": _tag_set(f.tags) if f.tags else None,
    })


def _acl(f: OperationFlags) -> dict[str, Any]:
    if not f.canned_acl:
        raise UsageError("S3PutObjectAcl needs --canned-acl (or a spec file with AccessControlPolicy grants)")
    return {"AccessControlPolicy": {"CannedAccessControlList": f.canned_acl}}


def _restore(f: OperationFlags) -> dict[str, Any]:
    return _drop_none({"ExpirationInDays": f.expiration_days, "GlacierJobTier": f.glacier_tier})


def _legal_hold(f: OperationFlags) -> dict[str, Any]:
    if not f.legal_hold:
        raise UsageError("S3PutObjectLegalHold needs --legal-hold ON|OFF")
    return {"LegalHold": {"Status": f.legal_hold}}


def _retention(f: OperationFlags) -> dict[str, Any]:
    retention = _drop_none({"Mode": f.retention_mode, "RetainUntilDate": f.retain_until})
    return _drop_none({"Retention": retention, "BypassGovernanceRetention": f.bypass_governance})


def _checksum(f: OperationFlags) -> dict[str, Any]:
    return _drop_none({"ChecksumAlgorithm": f.checksum_algorithm, "ChecksumType": f.checksum_type})


def _encryption(f: OperationFlags) -> dict[str, Any]:
    if not f.kms_key_arn:
        raise UsageError("S3UpdateObjectEncryption needs --kms-key-arn")
    return {"ObjectEncryption": {"SSEKMS": _drop_none({"KMSKeyArn": f.kms_key_arn, "BucketKeyEnabled": f.bucket_key_enabled})}}


_BUILDERS = {
    "LambdaInvoke": _lambda,
    "S3PutObjectCopy": _copy,
    "S3PutObjectAcl": _acl,
    "S3PutObjectTagging": lambda f: {"TagSet": _tag_set(f.tags)},
    "S3DeleteObjectTagging": lambda f: {},
    "S3InitiateRestoreObject": _restore,
    "S3PutObjectLegalHold": _legal_hold,
    "S3PutObjectRetention": _retention,
    "S3ReplicateObject": lambda f: {},
    "S3ComputeObjectChecksum": _checksum,
    "S3UpdateObjectEncryption": _encryption,
}


def operation_from_flags(name: str, flags: OperationFlags) -> dict[str, Any]:
    """The CreateJob `Operation` member for `name`, built from flags and checked against the model."""
    if name not in operation_names():
        raise UsageError(f"unknown operation {name!r}; choose one of {', '.join(operation_names())}")
    builder = _BUILDERS.get(name)
    if builder is None:
        raise UsageError(f"operation {name!r} has no flags here; describe it in a --spec file")
    operation = {name: builder(flags)}
    check_operation(operation, f"operation {name}")
    return operation


def check_operation(operation: Any, source: str) -> None:
    """A JobOperation with exactly one member, valid per the model, and schema 2.0 when UserArguments are set."""
    if not isinstance(operation, dict) or len(operation) != 1:
        members = ", ".join(operation_names())
        raise InputError(f"{source}: expected exactly one operation, one of: {members}")
    _raise_problems(model_problems(operation, shape("JobOperation"), "Operation") or operation_problems(operation)[:1], source)


def load_spec(path: Path) -> dict[str, Any]:
    """Read a job spec file (JSON, or YAML for .yaml/.yml) holding a `JobOperation`, e.g. {"S3PutObjectTagging": {...}}."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the job spec ({exc.strerror})") from None
    if path.suffix.lower() not in (".yaml", ".yml"):
        document = load_json(text, str(path), max_bytes=MAX_SETTINGS_BYTES)
    else:
        check_size(len(text), str(path), MAX_SETTINGS_BYTES)
        try:
            document = yaml.safe_load(text)
        except RecursionError:
            raise InputError(f"{path}: nested more than the parser can read") from None
        except yaml.YAMLError as exc:
            raise InputError(f"{path}: not valid YAML ({exc})".splitlines()[0]) from None
        check_depth(document, str(path))
    if isinstance(document, dict) and set(document) == {"Operation"}:
        document = document["Operation"]
    check_operation(document, str(path))
    return document


def operation_name(operation: dict[str, Any]) -> str:
    """The single member name of a JobOperation."""
    return next(iter(operation))
