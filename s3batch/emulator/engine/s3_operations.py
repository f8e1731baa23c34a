"""The S3 operations: one S3 call per task over the stack's HTTP endpoint with the decoded key.

S3 errors become report rows with their HTTP status and code (e.g. 404 NoSuchKey); what moto would accept but S3
refuses is checked first (s3_rules.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from s3batch.emulator.engine import data_operations, replication, s3_rules
from s3batch.emulator.engine.data_operations import Call
from s3batch.emulator.engine.clients import stack_client
from s3batch.emulator.engine.failures import UNSUPPORTED_OPERATION, JobFailure
from s3batch.emulator.engine.manifest import Task
from s3batch_core.contract.arns import bucket_name
from s3batch_core.contract.manifest_rules import decode_key
from s3batch_core.contract.report import TaskResult

SUCCESS_MESSAGE = "Successful"  # ResultMessage of a successful S3 operation (AWS wording UNCONFIRMED)
_S3_THREADS = 8
_GRANT_HEADERS = {"FULL_CONTROL": "GrantFullControl", "READ": "GrantRead", "WRITE": "GrantWrite",
                  "READ_ACP": "GrantReadACP", "WRITE_ACP": "GrantWriteACP"}
# S3PutObjectCopy members the engine cannot apply against moto: refused, never silently dropped
_COPY_UNSUPPORTED = ("AnnotationDirective", "ObjectLockEventHold", "ObjectLockEventHoldDuration")


@dataclass
class S3Operation:
    """An operation made of one S3 call per task; `call(s3, bucket, key, version_kwargs)`."""

    call: Call
    s3: Any
    threads: int = _S3_THREADS

    def run(self, task: Task) -> TaskResult:
        version = {"VersionId": task.version_id} if task.version_id is not None else {}
        try:
            outcome = self.call(self.s3, task.bucket, decode_key(task.key), version)
        except s3_rules.S3Refusal as refusal:
            return refusal.result
        except ClientError as error:
            response = error.response
            status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 500)
            info = response.get("Error", {})
            return TaskResult(False, status, str(info.get("Code", "")), str(info.get("Message", "")))
        except ParamValidationError as error:  # e.g. a manifest bucket field that is no bucket name: S3 says 400
            code = "InvalidBucketName" if "bucket name" in str(error).lower() else "InvalidRequest"
            return TaskResult(False, 400, code, str(error))
        except BotoCoreError as error:
            return TaskResult(False, 500, "InternalError", str(error))
        if isinstance(outcome, TaskResult):  # an operation whose result carries its own message (checksums)
            return outcome
        return TaskResult(True, 200, "", SUCCESS_MESSAGE)

    def close(self) -> None:
        """The S3 client is shared across jobs (stack_client)."""


def _acl_call(config: dict[str, Any]) -> Call:
    policy = config.get("AccessControlPolicy") or {}
    canned = policy.get("CannedAccessControlList")
    acl = policy.get("AccessControlList")
    if not canned and not acl:
        raise JobFailure(UNSUPPORTED_OPERATION, "S3PutObjectAcl needs AccessControlPolicy with "
                         "AccessControlList or CannedAccessControlList")
    # The same ACL as grant headers: moto applies those but ignores an AccessControlPolicy body.
    acl_args = {"ACL": canned} if canned else _grant_headers(acl.get("Grants") or [], "S3PutObjectAcl")
    ownership = s3_rules.AclPolicy()

    def call(s3: Any, bucket: str, key: str, version: dict[str, str]) -> Any:
        s3_rules.require_current_version(s3, bucket, key, version)
        ownership.check(s3, bucket, canned, grants=not canned)
        return s3.put_object_acl(Bucket=bucket, Key=key, **acl_args, **version)

    return call


def _grant_headers(grants: list[dict[str, Any]], operation: str, *, object_write: bool = True) -> dict[str, str]:
    """S3Grant list → the Grant* parameters of PutObjectAcl/CopyObject (`x-amz-grant-*` headers).

    CopyObject has no GrantWrite (WRITE means nothing on an object), so a copy asking for it is refused.
    """
    headers: dict[str, list[str]] = {}
    for grant in grants:
        grantee = grant.get("Grantee") or {}
        header = _GRANT_HEADERS[grant["Permission"]]
        if header == "GrantWrite" and not object_write:
            raise JobFailure(UNSUPPORTED_OPERATION, f"{operation}: permission WRITE cannot be granted on an object")
        headers.setdefault(header, []).append(f'{grantee.get("TypeIdentifier", "id")}="{grantee.get("Identifier", "")}"')
    return {header: ", ".join(values) for header, values in headers.items()}


def _copy_call(config: dict[str, Any]) -> Call:
    unsupported = [name for name in _COPY_UNSUPPORTED if config.get(name) is not None]
    if unsupported:
        raise JobFailure(UNSUPPORTED_OPERATION, f"S3PutObjectCopy: the local emulator does not support {unsupported}")
    target = bucket_name(str(config.get("TargetResource", "")))
    prefix = config.get("TargetKeyPrefix") or ""
    # "to copy objects into a folder named Folder1, set TargetKeyPrefix to Folder1" (model doc): join with "/"
    prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
    extra: dict[str, Any] = {"MetadataDirective": config.get("MetadataDirective") or "COPY"}
    metadata = config.get("NewObjectMetadata") or {}
    for source, dest in (("CacheControl", "CacheControl"), ("ContentDisposition", "ContentDisposition"),
                         ("ContentEncoding", "ContentEncoding"), ("ContentLanguage", "ContentLanguage"),
                         ("ContentType", "ContentType"), ("HttpExpiresDate", "Expires"),
                         ("UserMetadata", "Metadata")):
        if metadata.get(source) is not None:
            extra[dest] = metadata[source]
    if metadata.get("SSEAlgorithm"):
        extra["ServerSideEncryption"] = "aws:kms" if metadata["SSEAlgorithm"] == "KMS" else "AES256"
    if config.get("NewObjectTagging") is not None:
        extra["TaggingDirective"] = "REPLACE"
        extra["Tagging"] = urlencode([(tag["Key"], tag["Value"]) for tag in config["NewObjectTagging"]])
    for source, dest in (("StorageClass", "StorageClass"), ("CannedAccessControlList", "ACL"),
                         ("SSEAwsKmsKeyId", "SSEKMSKeyId"), ("BucketKeyEnabled", "BucketKeyEnabled"),
                         ("ChecksumAlgorithm", "ChecksumAlgorithm"), ("RedirectLocation", "WebsiteRedirectLocation"),
                         ("ModifiedSinceConstraint", "CopySourceIfModifiedSince"),
                         ("UnModifiedSinceConstraint", "CopySourceIfUnmodifiedSince"),
                         ("ObjectLockLegalHoldStatus", "ObjectLockLegalHoldStatus"),
                         ("ObjectLockMode", "ObjectLockMode"),
                         ("ObjectLockRetainUntilDate", "ObjectLockRetainUntilDate")):
        if config.get(source) is not None:
            extra[dest] = config[source]
    if config.get("SSEAwsKmsKeyId") and "ServerSideEncryption" not in extra:
        extra["ServerSideEncryption"] = "aws:kms"
    if config.get("AccessControlGrants"):
        extra.update(_grant_headers(config["AccessControlGrants"], "S3PutObjectCopy", object_write=False))
    if config.get("RequesterPays"):
        extra["RequestPayer"] = "requester"  # the job's role pays for the copy, as on AWS
    ownership = s3_rules.AclPolicy()
    canned, grants = config.get("CannedAccessControlList"), bool(config.get("AccessControlGrants"))

    def call(s3: Any, bucket: str, key: str, version: dict[str, str]) -> Any:
        ownership.check(s3, target, canned, grants)
        source = {"Bucket": bucket, "Key": key, **version}
        return s3.copy_object(Bucket=target, Key=prefix + key, CopySource=source, **extra)

    return call


def _tagging_call(config: dict[str, Any]) -> Call:
    tags = list(config.get("TagSet") or [])

    def call(s3: Any, bucket: str, key: str, version: dict[str, str]) -> Any:
        s3_rules.check_tag_set(tags)
        if not tags:  # an empty set replaces the tags with none (moto fails on an empty TagSet)
            s3_rules.require_object(s3, bucket, key, version)
            return s3.delete_object_tagging(Bucket=bucket, Key=key, **version)
        return s3.put_object_tagging(Bucket=bucket, Key=key, Tagging={"TagSet": tags}, **version)

    return call


def _existing_object_call(action: Call) -> Callable[..., Any]:
    """`action` on an object S3 would find; moto answers a missing key or version of these calls with a 500."""
    def call(s3: Any, bucket: str, key: str, version: dict[str, str]) -> Any:
        s3_rules.require_object(s3, bucket, key, version)
        return action(s3, bucket, key, version)

    return call


def _retention_call(config: dict[str, Any]) -> Call:
    wanted = {m: config["Retention"][m] for m in ("Mode", "RetainUntilDate") if config["Retention"].get(m) is not None}
    bypass = bool(config.get("BypassGovernanceRetention"))

    def call(s3: Any, bucket: str, key: str, version: dict[str, str]) -> Any:
        s3_rules.check_retention_change(s3, bucket, key, version, wanted, bypass)
        return s3.put_object_retention(Bucket=bucket, Key=key, Retention=wanted,
                                       **({"BypassGovernanceRetention": True} if bypass else {}), **version)

    return call


# each S3 operation's call, made from the job's operation member
_CALLS: dict[str, Callable[[dict[str, Any]], Call]] = {
    "S3PutObjectTagging": _tagging_call,
    "S3DeleteObjectTagging": lambda c: _existing_object_call(
        lambda s3, b, k, v: s3.delete_object_tagging(Bucket=b, Key=k, **v)),
    "S3PutObjectCopy": _copy_call,
    "S3PutObjectAcl": _acl_call,
    "S3PutObjectLegalHold": lambda c: _existing_object_call(lambda s3, b, k, v: s3.put_object_legal_hold(
        Bucket=b, Key=k, LegalHold={"Status": c["LegalHold"]["Status"]}, **v)),
    "S3PutObjectRetention": _retention_call,
    "S3InitiateRestoreObject": data_operations.restore_call,
    "S3ComputeObjectChecksum": data_operations.checksum_call,
    "S3UpdateObjectEncryption": data_operations.encryption_call,
    "S3ReplicateObject": lambda c: replication.Replicator(),  # no members: the source bucket's configuration rules
}
S3_OPERATIONS = frozenset(_CALLS)


def build_s3_operation(name: str, config: dict[str, Any], endpoint_url: str, region: str) -> S3Operation:
    """The S3 operation `name` with its job configuration; JobFailure when the engine cannot run it."""
    factory = _CALLS.get(name)
    if factory is None:
        raise JobFailure(UNSUPPORTED_OPERATION, f"The local emulator does not run {name} jobs")
    call = factory(config)
    s3 = stack_client("s3", endpoint_url, region, pool=_S3_THREADS * 2)
    return S3Operation(call, s3)
