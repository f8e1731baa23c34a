"""Retry the failed tasks of a finished job: a manifest of them (from its report) and a new job like the first.

The new job copies the operation, role, priority and report settings from DescribeJob. Its manifest is written
next to the original manifest (the role may already read there), as a content-addressed CSV, so re-running
`retry-failed` for the same job sends the same ClientRequestToken and never starts a second retry job.
Report keys are written back URL-encoded, as a manifest needs them: as they appear in the report when the report
writes them encoded (`--report-keys url`, the default), else encoded from the raw key (`raw`).
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from typing import IO, Any

from botocore.exceptions import ClientError

from s3batch_core.contract import arns
from s3batch_core.errors import InputError, S3BatchError
from s3batch_core.contract.formats import INVENTORY_FORMAT
from s3batch.jobs.manifest import ManifestLocation, ManifestStats
from s3batch_core.contract.limits import MAX_REPORT_MANIFEST_BYTES, load_json
from s3batch_core.contract.manifest_rules import (
    bucket_problem,
    csv_rows,
    encoding_problem,
    key_problem,
    version_problem,
)
from s3batch.jobs.report import ReportRow
from s3batch.jobs.submit import DEFAULT_PRIORITY, JobOptions, build_create_job_request


@dataclass(frozen=True)
class RetryManifest:
    """The failed tasks as a CSV manifest in a temporary file, with its stats."""

    body: IO[bytes]
    stats: ManifestStats
    with_versions: bool


def failed_manifest(results: Iterable[ReportRow], job_buckets: Collection[str] | None = None) -> RetryManifest | None:
    """Write the failed tasks (bucket, key as reported[, version]) into a temporary CSV manifest; None if none failed.

    Each failed row must be one well-formed task of the job: a bucket of the job (`job_buckets`, when given), a key
    field that is exactly one URL-encoded key, a plain version id. Anything else is refused with the report row, so
    a crafted report cannot add a task (a key holding `\nother-bucket,secret.txt` would be two manifest rows).
    """
    handle = tempfile.TemporaryFile(prefix="s3batch-retry-")
    digest, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
    stats = ManifestStats()
    with_versions: bool | None = None
    for result in results:
        if result.status != "failed":
            continue
        has_version = result.version_id is not None
        with_versions = has_version if with_versions is None else with_versions
        fields = [result.bucket, result.manifest_key_field] + ([result.version_id or "null"] if with_versions else [])
        problem = _row_problem(fields, job_buckets) or (
            None if has_version == with_versions else "a version id on some failed rows but not on others")
        if problem:
            handle.close()
            hint = (" (if the report writes keys unencoded, use --report-keys raw)"
                    if result.key_encoding == "url" and encoding_problem(result.key_field) else "")
            raise InputError(f"{result.source or 'report'}: refusing to retry this row: {problem}{hint}")
        data = (",".join(fields) + "\n").encode("utf-8")
        digest.update(data)
        md5.update(data)
        handle.write(data)
        stats.rows += 1
    if not stats.rows:
        handle.close()
        return None
    stats.sha256, stats.md5 = digest.hexdigest(), md5.hexdigest()
    handle.seek(0)
    return RetryManifest(handle, stats, bool(with_versions))


def _row_problem(fields: list[str], job_buckets: Collection[str] | None) -> str | None:
    """Why a retry manifest row is not exactly one task of the job, or None."""
    bucket, key_field = fields[0], fields[1]
    problem = bucket_problem(bucket) or encoding_problem(key_field) or key_problem(key_field)
    if problem is None and len(fields) == 3:
        problem = version_problem(fields[2])
    if problem is None and job_buckets is not None and bucket not in job_buckets:
        problem = f"bucket {bucket!r} is not a bucket of the job's manifest ({', '.join(sorted(job_buckets)[:5])})"
    return problem


def job_buckets(s3: Any, job: dict[str, Any]) -> frozenset[str]:
    """The buckets the job's tasks were in: the generator's source bucket, the inventory's source bucket, or the
    distinct buckets of the CSV manifest (read once, streamed, pinned to the job's ETag)."""
    generator = (job.get("ManifestGenerator") or {}).get("S3JobManifestGenerator") or {}
    if generator.get("SourceBucket"):
        return frozenset({arns.bucket_name(str(generator["SourceBucket"]))})
    manifest = job.get("Manifest") or {}
    location, spec = manifest.get("Location") or {}, manifest.get("Spec") or {}
    bucket, key = arns.s3_object(str(location.get("ObjectArn", "")))
    if not bucket or not key:
        raise InputError(f"job {job.get('JobId')}: no manifest location to check the retry rows against")
    where = f"s3://{bucket}/{key}"
    extra = {"VersionId": location["ObjectVersionId"]} if location.get("ObjectVersionId") else {}
    etag = location.get("ETag")
    try:
        body = s3.get_object(Bucket=bucket, Key=key, **extra, **({"IfMatch": etag} if etag else {}))["Body"]
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "error")
        raise S3BatchError(f"{where}: cannot read the job's manifest to check the retry rows ({code})") from None
    if spec.get("Format") == INVENTORY_FORMAT:
        document = load_json(body.read(MAX_REPORT_MANIFEST_BYTES + 1), where, max_bytes=MAX_REPORT_MANIFEST_BYTES)
        source = document.get("sourceBucket") if isinstance(document, dict) else None
        if not isinstance(source, str):
            raise InputError(f"{where}: the inventory manifest names no sourceBucket")
        return frozenset({arns.bucket_name(source)})
    fields = spec.get("Fields") or ["Bucket", "Key"]
    column = fields.index("Bucket") if "Bucket" in fields else 0
    buckets: set[str] = set()
    for row, (values, problem) in enumerate(csv_rows(body), start=1):  # read as the job's engine read it
        if problem:
            raise InputError(f"{where}: cannot read the job's manifest to check the retry rows (row {row}: {problem})")
        if len(values) > column:
            buckets.add(values[column])
    return frozenset(buckets)


def retry_manifest_prefix(job: dict[str, Any], fallback_bucket: str,
                          stack_manifests: tuple[str, str] | None = None) -> tuple[str, str]:
    """(bucket, prefix) for the retry manifest: the stack's manifest location when its outputs are known (its
    batch role reads manifests there), else next to the original manifest, else in the report bucket.
    The preflight before CreateJob says when the role cannot read the place chosen."""
    if stack_manifests is not None:
        return stack_manifests[0], stack_manifests[1].rstrip("/")
    manifest = job.get("Manifest") or {}
    arn = (manifest.get("Location") or {}).get("ObjectArn") or (
        (job.get("GeneratedManifestDescriptor") or {}).get("Location") or {}
    ).get("ObjectArn")
    if arn:
        bucket, key = arns.s3_object(arn)
        return bucket, key.rpartition("/")[0]
    return fallback_bucket, "retries"


def retry_request(job: dict[str, Any], account_id: str, manifest: ManifestLocation, options: JobOptions) -> dict[str, Any]:
    """A CreateJob request like the original job's (operation, role, report, priority), over the retry manifest."""
    priority = job.get("Priority", DEFAULT_PRIORITY) if options.priority is None else options.priority
    description = options.description or f"retry of failed tasks of {job['JobId']}"
    return build_create_job_request(account_id=account_id, role_arn=job["RoleArn"], operation=job["Operation"],
                                    report=job["Report"], manifest=manifest,
                                    options=replace(options, priority=priority, description=description[:256]))
