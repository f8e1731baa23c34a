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
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import IO, Any

from s3batch.jobs.manifest import ManifestLocation, ManifestStats, join_prefix, put_manifest
from s3batch.jobs.report import TaskResult
from s3batch.jobs.submit import DEFAULT_PRIORITY, JobOptions, finish_request


@dataclass(frozen=True)
class RetryManifest:
    """The failed tasks as a CSV manifest in a temporary file, with its stats."""

    body: IO[bytes]
    stats: ManifestStats
    with_versions: bool


def failed_manifest(results: Iterable[TaskResult]) -> RetryManifest | None:
    """Write the failed tasks (bucket, key as reported[, version]) into a temporary CSV manifest; None if none failed."""
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
        bucket, _, key = arn.split(":::", 1)[-1].partition("/")
        return bucket, key.rpartition("/")[0]
    return fallback_bucket, "retries"


def upload_retry_manifest(s3: Any, retry: RetryManifest, bucket: str, prefix: str) -> ManifestLocation:
    """PUT the retry manifest under a content-derived key and pin its ETag."""
    key = join_prefix(prefix, f"retry-{retry.stats.sha256}.csv")
    return put_manifest(s3, retry.body, retry.stats, bucket=bucket, key=key, with_versions=retry.with_versions)


def retry_request(job: dict[str, Any], account_id: str, manifest: ManifestLocation, options: JobOptions) -> dict[str, Any]:
    """A CreateJob request like the original job's, over the retry manifest."""
    request: dict[str, Any] = {
        "AccountId": account_id,
        "ConfirmationRequired": options.confirmation_required,
        "Operation": job["Operation"],
        "Report": job["Report"],
        "Priority": job.get("Priority", DEFAULT_PRIORITY) if options.priority is None else options.priority,
        "RoleArn": job["RoleArn"],
        "Manifest": manifest.to_job_manifest(),
    }
    description = options.description or f"retry of failed tasks of {job['JobId']}"
    return finish_request(request, replace(options, description=description[:256]))
