"""CreateJob: the request, its idempotency token, and the call.

The ClientRequestToken is a hash of what makes a job *the same job*: the operation (with its function), the
manifest (with its pinned ETag) or generator, the role and the report settings. Running `make job` twice with
unchanged inputs sends the same token, and S3 answers with the existing job instead of starting a second one.
`--new` mixes a random nonce in. Priority, description and tags are not part of the identity; changing only
them and re-running makes S3 answer IdempotencyException, which we explain in one line.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from s3batch_core.contract import arns
from s3batch_core.errors import InputError, S3BatchError
from s3batch_core.contract.formats import GENERATED_FORMAT, REPORT_FORMAT
from s3batch.jobs.manifest import ManifestLocation
from s3batch.jobs.spec import check_create_job_request

TOKEN_MAX = 64  # NonEmptyMaxLength64String
DEFAULT_PRIORITY = 10
IDENTITY_MEMBERS = ("AccountId", "Operation", "Manifest", "ManifestGenerator", "RoleArn", "Report")


@dataclass(frozen=True)
class ReportSettings:
    """Where and what the completion report is."""

    bucket: str
    prefix: str = ""
    scope: str = "AllTasks"
    enabled: bool = True
    expected_owner: str | None = None  # Report.ExpectedBucketOwner: S3 refuses to write into another account's bucket

    def to_job_report(self, partition: str = arns.DEFAULT_PARTITION) -> dict[str, Any]:
        """The CreateJob `Report` member (AWS requires it even when disabled)."""
        if not self.enabled:
            return {"Enabled": False}
        report: dict[str, Any] = {
            "Bucket": arns.s3(self.bucket, partition=partition),
            "Format": REPORT_FORMAT,
            "Enabled": True,
            "ReportScope": self.scope,
        }
        if self.prefix.strip("/"):
            # A trailing "/" makes AWS write `prefix//job-…`; we never send one.
            report["Prefix"] = self.prefix.strip("/")
        if self.expected_owner:
            report["ExpectedBucketOwner"] = self.expected_owner
        return report


@dataclass(frozen=True)
class JobOptions:
    """Job-level settings that are not the operation, manifest or report."""

    priority: int | None = None
    """None: DEFAULT_PRIORITY for new jobs, the original job's priority for retries."""
    description: str | None = None
    tags: tuple[tuple[str, str], ...] = ()
    confirmation_required: bool = False
    new: bool = False


@dataclass(frozen=True)
class GeneratorSettings:
    """A ManifestGenerator (S3JobManifestGenerator) instead of a manifest file."""

    source_bucket: str
    filter: dict[str, Any]
    output_bucket: str | None = None
    output_prefix: str | None = None

    def to_job_manifest_generator(self, partition: str = arns.DEFAULT_PARTITION) -> dict[str, Any]:
        """The CreateJob `ManifestGenerator` member."""
        generator: dict[str, Any] = {
            "SourceBucket": arns.s3(self.source_bucket, partition=partition),
            "EnableManifestOutput": self.output_bucket is not None,
        }
        if self.filter:
            generator["Filter"] = self.filter
        if self.output_bucket is not None:
            location: dict[str, Any] = {
                "Bucket": arns.s3(self.output_bucket, partition=partition),
                "ManifestFormat": GENERATED_FORMAT,
                "ManifestEncryption": {"SSES3": {}},
            }
            if self.output_prefix:
                location["ManifestPrefix"] = self.output_prefix
            generator["ManifestOutputLocation"] = location
        return {"S3JobManifestGenerator": generator}


def client_request_token(identity: dict[str, Any], *, nonce: str | None = None) -> str:
    """Deterministic token (≤64 chars) from the job's identity; a nonce makes it unique."""
    canonical = json.dumps(identity, sort_keys=True, separators=(",", ":"), default=str)
    if nonce:
        canonical += "|" + nonce
    return "s3batch-" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[: TOKEN_MAX - len("s3batch-")]


def build_create_job_request(
    *,
    account_id: str,
    role_arn: str,
    operation: dict[str, Any],
    report: ReportSettings | dict[str, Any],
    options: JobOptions,
    manifest: ManifestLocation | None = None,
    generator: GeneratorSettings | None = None,
    content_digest: str | None = None,
) -> dict[str, Any]:
    """The one CreateJob request builder (submit, its pre-upload check, retry-failed): validated against the model,
    ConfirmationRequired always explicit, the idempotency token from the job's identity.

    `report`: the settings, or the `Report` member of an existing job as DescribeJob gives it (retry-failed).
    `content_digest`: what the objects hold, when the tooling uploaded them (--folder); it joins the identity.
    """
    if (manifest is None) == (generator is None):
        raise InputError("a job needs a manifest or a manifest generator, not both")
    partition = arns.partition(role_arn)  # the job's ARNs live in its role's partition (aws-cn, aws-us-gov, …)
    request: dict[str, Any] = {
        "AccountId": account_id,
        "ConfirmationRequired": options.confirmation_required,
        "Operation": operation,
        "Report": report.to_job_report(partition) if isinstance(report, ReportSettings) else report,
        "Priority": DEFAULT_PRIORITY if options.priority is None else options.priority,
        "RoleArn": role_arn,
    }
    if manifest is not None:
        request["Manifest"] = manifest.to_job_manifest(partition)
    else:
        assert generator is not None
        request["ManifestGenerator"] = generator.to_job_manifest_generator(partition)
    _copy_target_in_partition(request)
    if options.description:
        request["Description"] = options.description
    if options.tags:
        request["Tags"] = [{"Key": k, "Value": v} for k, v in options.tags]
    identity = {k: request[k] for k in IDENTITY_MEMBERS if k in request}
    if content_digest:  # edited --folder files make a new job, not the earlier one back
        identity["Content"] = content_digest
    request["ClientRequestToken"] = client_request_token(identity, nonce=secrets.token_hex(8) if options.new else None)
    check_create_job_request(request)
    return request


def _copy_target_in_partition(request: dict[str, Any]) -> None:
    """The operation is read from flags or a spec before the role is known: a copy's destination named by bucket
    (`arn:aws:s3:::b` from --target-bucket) moves to the role's partition."""
    copy = request["Operation"].get("S3PutObjectCopy")
    target = arns.parse(str((copy or {}).get("TargetResource", "")))
    if copy and target and target.service == "s3":
        copy["TargetResource"] = arns.s3(target.resource, partition=arns.partition(str(request.get("RoleArn", ""))))


def create_job(s3control: Any, request: dict[str, Any]) -> str:
    """Send CreateJob; an idempotency clash becomes one line that says what to do."""
    try:
        return str(s3control.create_job(**request)["JobId"])
    except ClientError as exc:
        error = exc.response.get("Error", {})
        if error.get("Code") == "IdempotencyException":
            raise S3BatchError(
                "a job with the same inputs but different settings (priority, description, tags or confirmation) "
                "already exists; re-run with --new to start another job",
            ) from None
        raise S3BatchError(f"CreateJob failed: {error.get('Code', 'error')}: {error.get('Message', exc)}") from None

