"""The completion report format, one definition for the emulator's writer (s3batch.emulator.engine.report) and the job
tooling's reader (s3batch.jobs.report): the result row's columns, a task's outcome, the files' layout and the
manifest.json document (reference §3).

Rows have no header. AWS's `ReportSchema` lists ErrorCode before HTTPStatusCode, but every real row has the
HTTP status first (the AWS trap, §3.4): COLUMNS is the order AWS writes and the emulator writes; ROW_LAYOUTS are
the orders a reader accepts, tried in turn, each column checked by its rule (TaskStatus one of TASK_STATUSES,
HTTPStatusCode three digits). AWS's troubleshooting example shows rows without a VersionId column.
"""

from __future__ import annotations

import hashlib
from typing import Any, NamedTuple

from s3batch_core.contract.formats import REPORT_FORMAT, REPORT_SCHEMA

SUCCEEDED, FAILED = "succeeded", "failed"  # TaskStatus and manifest.json's TaskExecutionStatus
TASK_STATUSES = frozenset({SUCCEEDED, FAILED})

COLUMNS = ("Bucket", "Key", "VersionId", "TaskStatus", "HTTPStatusCode", "ErrorCode", "ResultMessage")
WITHOUT_VERSION = tuple(column for column in COLUMNS if column != "VersionId")  # AWS's troubleshooting example
ROW_LAYOUTS: tuple[tuple[str, ...], ...] = (WITHOUT_VERSION, COLUMNS)


class TaskResult(NamedTuple):
    """A task's final outcome: one report row's TaskStatus, HTTPStatusCode, ErrorCode and ResultMessage."""

    succeeded: bool
    http_status: int
    error_code: str
    message: str


def result_row(bucket: str, key: str, version_id: str | None, result: TaskResult) -> tuple[object, ...]:
    """One row in COLUMNS order (the key as the manifest wrote it)."""
    values = {"Bucket": bucket, "Key": key, "VersionId": version_id or "",
              "TaskStatus": SUCCEEDED if result.succeeded else FAILED, "HTTPStatusCode": result.http_status,
              "ErrorCode": result.error_code, "ResultMessage": result.message}
    return tuple(values[column] for column in COLUMNS)


def is_status_code(value: str) -> bool:
    """Three ASCII digits (str.isdigit also accepts '²²²', which int() refuses)."""
    return len(value) == 3 and value.isascii() and value.isdigit()


def read_row(row: list[str]) -> dict[str, str] | None:
    """The row's columns by name, in the first of ROW_LAYOUTS it fits (ResultMessage keeps any further commas);
    None when it fits none."""
    for layout in ROW_LAYOUTS:
        if len(row) < len(layout) or row[layout.index("TaskStatus")] not in TASK_STATUSES:
            continue
        values = dict(zip(layout[:-1], row))
        values["ResultMessage"] = ",".join(row[len(layout) - 1:])
        http, code = values["HTTPStatusCode"], values["ErrorCode"]
        if layout is WITHOUT_VERSION and not (is_status_code(http) or is_status_code(code)):
            continue
        if is_status_code(code) and not is_status_code(http):  # REPORT_SCHEMA's order
            values["HTTPStatusCode"], values["ErrorCode"] = code, http
        return values
    return None


# ---- files and manifest.json -----------------------------------------------------------------------------------


def job_folder(prefix: str | None, job_id: str) -> str:
    """`<prefix>/job-<id>`; a trailing `/` in the prefix is kept (→ `prefix//job-…`) as AWS does."""
    return f"{prefix}/job-{job_id}" if prefix else f"job-{job_id}"


def result_file_name(job_id: str, status: str, part: int = 0) -> str:
    """`<40 hex>.csv` — deterministic per job, status and part, so a rewrite replaces rather than duplicates."""
    return hashlib.sha1(f"{job_id}/{status}/{part}".encode()).hexdigest() + ".csv"


def manifest_entry(status: str, bucket: str, key: str, md5: str) -> dict[str, str]:
    """One entry of manifest.json's Results."""
    return {"TaskExecutionStatus": status, "Bucket": bucket, "MD5Checksum": md5, "Key": key}


def manifest_document(results: list[dict[str, str]], created: str) -> dict[str, Any]:
    return {"Format": REPORT_FORMAT, "ReportCreationDate": created, "Results": results, "ReportSchema": REPORT_SCHEMA}
