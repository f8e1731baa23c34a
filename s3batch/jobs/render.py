"""Tables for people (rich) and documents for programs (JSON/CSV); one `Format` choice for both."""

from __future__ import annotations

import json
from collections.abc import Iterable
from enum import Enum
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table

from s3batch.jobs.report import SCORE_NAMES, Summary
from s3batch.jobs.wait import Progress


class Format(str, Enum):
    """Output formats of `job report` (and `job list`/`status` for text and json)."""

    TEXT = "text"
    JSON = "json"
    CSV = "csv"


def console(stream: TextIO) -> Console:
    """The one console every table goes through: plain text (no colour codes) when `stream` is not a terminal.

    Markup and highlighting are off: cells hold what users and AWS supplied (keys such as `a[b].txt` or
    `x[/].txt`, descriptions, failure reasons), which must print exactly as they are, never as rich markup.
    """
    return Console(file=stream, soft_wrap=True, width=200 if not stream.isatty() else None, markup=False,
                   highlight=False)


def jobs_table(jobs: Iterable[dict[str, Any]]) -> Table:
    """ListJobs rows."""
    table = Table("JobId", "Status", "Operation", "Priority", "Tasks", "Failed", "Created", "Description")
    for job in jobs:
        p = Progress.from_job(job)
        created = job.get("CreationTime")
        table.add_row(
            job.get("JobId", ""), p.status, str(job.get("Operation", "")), str(job.get("Priority", "")),
            f"{p.done}/{p.total}", str(p.failed), created.isoformat(timespec="seconds") if created else "",
            job.get("Description", ""),
        )
    return table


def job_table(job: dict[str, Any]) -> Table:
    """DescribeJob as a two-column table."""
    table = Table("Field", "Value", show_header=False)
    p = Progress.from_job(job)
    operation = job.get("Operation") or {}
    report = job.get("Report") or {}
    manifest = (job.get("Manifest") or {}).get("Location") or {}
    rows = [
        ("JobId", job.get("JobId", "")),
        ("Status", p.status),
        ("Operation", ", ".join(operation) or ""),
        ("Priority", str(job.get("Priority", ""))),
        ("Progress", f"{p.done}/{p.total} ({p.succeeded} succeeded, {p.failed} failed)"),
        ("Role", job.get("RoleArn", "")),
        ("Manifest", manifest.get("ObjectArn", "(generated)" if job.get("ManifestGenerator") else "")),
        ("Report", f"{report.get('Bucket', '')}/{report.get('Prefix', '')}" if report.get("Enabled") else "disabled"),
        ("Description", job.get("Description", "")),
        ("StatusUpdateReason", job.get("StatusUpdateReason", "")),
        ("SuspendedCause", job.get("SuspendedCause", "")),
    ]
    rows += [(f"Failure {f.get('FailureCode')}", f.get("FailureReason", "")) for f in job.get("FailureReasons") or ()]
    for name, value in rows:
        if value:
            table.add_row(name, str(value))
    return table


def summary_tables(summary: Summary) -> list[Table]:
    """Counts by status and error code; for sentiment jobs, counts by label and object → label → scores."""
    tables = [_counts("Status", "Tasks", sorted(summary.by_status.items()), title=f"{summary.total} tasks")]
    if summary.by_error:
        tables.append(_counts("Error code", "Tasks", summary.by_error.most_common()))
    if summary.sentiment_rows:
        tables.append(_counts("Label", "Objects", summary.by_label.most_common()))
        rows = Table("Object", "Label", *(name.capitalize() for name in SCORE_NAMES))
        # By key and label only: two versions of one key share both, and their score dicts do not compare.
        for key, label, scores in sorted(summary.sentiment_rows, key=lambda row: (row[0], row[1])):
            rows.add_row(key, label, *(f"{scores[name]:.3f}" for name in SCORE_NAMES))
        tables.append(rows)
    return tables


def _counts(what: str, unit: str, counted: Iterable[tuple[str, int]], title: str | None = None) -> Table:
    table = Table(what, unit, title=title)
    for name, n in counted:
        table.add_row(name, str(n))
    return table


def print_json(document: Any, stream: TextIO) -> None:
    """Pretty JSON with datetimes as ISO strings."""
    json.dump(document, stream, indent=2, sort_keys=True, default=str)
    stream.write("\n")
