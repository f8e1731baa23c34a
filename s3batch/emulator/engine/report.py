"""The completion report, byte for byte as AWS writes it (reference §3).

Layout: `<prefix>/job-<id>/manifest.json` and `<prefix>/job-<id>/results/<40 hex>.csv`, one CSV per task
status. A Prefix ending in `/` gives `prefix//job-…`, as real AWS reports show. Columns, file names and
manifest.json come from the format's one definition (`s3batch_core.contract.report`, which the job tooling
reads by). RFC-4180 quoting, CRLF line ends, no header. Keys are written as the manifest wrote them (URL-encoded;
AWS's encoding here is UNCONFIRMED). Rows go to local temp files as tasks finish (bounded memory) and
are uploaded when the job ends.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from s3batch_core.contract import arns
from s3batch_core.contract.report import (
    FAILED,
    SUCCEEDED,
    TaskResult,
    job_folder,
    manifest_document,
    manifest_entry,
    result_file_name,
    result_row,
)


@dataclass(frozen=True)
class ReportConfig:
    """The job's `Report` member, parsed."""

    enabled: bool
    bucket: str = ""  # bucket NAME
    prefix: str | None = None
    failed_only: bool = False

    @classmethod
    def from_request(cls, report: dict[str, Any]) -> ReportConfig:
        if not report.get("Enabled"):
            return cls(enabled=False)
        bucket = str(report.get("Bucket", ""))
        return cls(
            enabled=True,
            bucket=arns.bucket_name(bucket),
            prefix=report.get("Prefix"),
            failed_only=report.get("ReportScope") == "FailedTasksOnly",
        )


def rows_per_file() -> int:
    """Rows per result CSV before a new file starts (AWS also splits big reports into several files).

    Bounded files keep each upload, and the stack's memory for it, small. S3BATCH_LOCAL_REPORT_ROWS_PER_FILE.
    """
    return max(1, int(os.environ.get("S3BATCH_LOCAL_REPORT_ROWS_PER_FILE", "10000")))


def creation_date(now: datetime | None = None) -> str:
    """ISO 8601 UTC with milliseconds and `Z`, e.g. 2019-04-05T17:48:39.725Z."""
    return (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _StatusFiles:
    """The local result files of one status: a new part every `limit` rows."""

    def __init__(self, folder: Path, status: str, limit: int) -> None:
        self.folder, self.status, self.limit = folder, status, limit
        self.paths: list[Path] = []
        self.rows = 0
        self._handle: Any = None
        self._writer: Any = None

    def write(self, row: tuple[object, ...]) -> None:
        if self.rows % self.limit == 0:
            self.close()
            path = self.folder / f"report-{self.status}-{len(self.paths)}.csv"
            self._handle = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed by close()
            self._writer = csv.writer(self._handle, lineterminator="\r\n")
            self.paths.append(path)
        self._writer.writerow(row)
        self.rows += 1

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = self._writer = None


class ReportWriter:
    """Collects result rows in local files while the job runs; `upload` writes the report to S3."""

    def __init__(self, config: ReportConfig, job_id: str, workdir: Path) -> None:
        self.config = config
        self.job_id = job_id
        self._lock = threading.Lock()
        self._files: dict[str, _StatusFiles] = {}
        if config.enabled:
            limit = rows_per_file()
            statuses = (FAILED,) if config.failed_only else (SUCCEEDED, FAILED)
            self._files = {status: _StatusFiles(workdir, status, limit) for status in statuses}

    def add(self, bucket: str, key: str, version_id: str | None, result: TaskResult) -> None:
        """Record one task's final result (thread-safe)."""
        status = SUCCEEDED if result.succeeded else FAILED
        with self._lock:
            files = self._files.get(status)
            if files is not None:
                files.write(result_row(bucket, key, version_id, result))

    def close(self) -> None:
        with self._lock:
            for files in self._files.values():
                files.close()

    def upload(self, s3: Any) -> list[str]:
        """Upload an enabled report: result CSVs then manifest.json; return the keys written. ClientError on denial."""
        self.close()
        folder = job_folder(self.config.prefix, self.job_id)  # <prefix>/job-<id>
        results: list[dict[str, str]] = []
        keys: list[str] = []
        for status, files in self._files.items():  # succeeded first, as __init__ lists them
            for part, path in enumerate(files.paths):
                key = f"{folder}/results/{result_file_name(self.job_id, status, part)}"
                with open(path, "rb") as body:
                    md5 = hashlib.file_digest(body, "md5").hexdigest()
                    body.seek(0)
                    s3.put_object(Bucket=self.config.bucket, Key=key, Body=body, ContentType="text/csv",
                                  ServerSideEncryption="AES256")
                results.append(manifest_entry(status, self.config.bucket, key, md5))
                keys.append(key)
        manifest = manifest_document(results, creation_date())
        manifest_key = f"{folder}/manifest.json"
        s3.put_object(Bucket=self.config.bucket, Key=manifest_key, Body=json.dumps(manifest).encode(),
                      ContentType="application/json", ServerSideEncryption="AES256")
        return [manifest_key, *keys]
