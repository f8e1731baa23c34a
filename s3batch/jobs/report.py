"""Completion reports: find them, read them, summarise them, download them safely.

The format (columns, the layouts a reader accepts, manifest.json) is defined once in
`s3batch_core.contract.report`, which the emulator writes by. A prefix ending in `/` gives `prefix//job-<id>/`,
so we list rather than build keys.

Keys are kept as written in the report (`key_field`) and shown decoded (`key`). Whether AWS writes them
URL-encoded like the manifest or raw is UNCONFIRMED: `url` (the default) assumes the former, `raw` the latter;
`--report-keys` / S3BATCH_REPORT_KEYS choose. The choice decides the decoded key and what a retry manifest says.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_plus

from s3batch_core.contract import arns
from s3batch_core.errors import InputError
from s3batch_core.files import atomic_file
from s3batch_core.contract.limits import MAX_REPORT_MANIFEST_BYTES, check_size, load_json
from s3batch_core.contract.manifest_rules import encode_key
from s3batch_core.contract.report import is_status_code, read_row

KEY_ENCODINGS = ("url", "raw")  # how the report writes keys: URL-encoded like the manifest, or as the key itself
KEY_ENCODING_ENV = "S3BATCH_REPORT_KEYS"
SENTIMENT_LABELS = frozenset({"POSITIVE", "NEGATIVE", "NEUTRAL", "MIXED"})
SCORE_NAMES = ("positive", "negative", "neutral", "mixed")


@dataclass(frozen=True)
class ReportRow:
    """One row of a result CSV, as read."""

    bucket: str
    key_field: str
    version_id: str | None
    status: str
    http_status: int | None
    error_code: str
    message: str
    key_encoding: str = "url"  # one of KEY_ENCODINGS
    source: str = field(default="", compare=False)  # "s3://.../x.csv: row 7", for messages about this row

    @property
    def key(self) -> str:
        return unquote_plus(self.key_field) if self.key_encoding == "url" else self.key_field

    @property
    def manifest_key_field(self) -> str:
        """The key as a manifest row must write it (URL-encoded)."""
        return self.key_field if self.key_encoding == "url" else encode_key(self.key_field)

    def sentiment(self) -> tuple[str, dict[str, float]] | None:
        """(label, scores) when the result message is the sentiment function's JSON, else None."""
        if not self.message.startswith("{"):  # JSON text that starts so and parses is an object (a dict)
            return None
        try:
            doc = json.loads(self.message)
        except (json.JSONDecodeError, RecursionError):  # a crafted message may nest past the parser's depth
            return None
        label, scores = doc.get("label"), doc.get("scores")
        if not isinstance(label, str) or label not in SENTIMENT_LABELS or not isinstance(scores, dict):
            return None
        values = {name: scores.get(name, 0.0) for name in SCORE_NAMES}
        # Anything but finite numbers is not the function's output: the row is shown as a plain result.
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in values.values()):
            return None
        return label, {name: float(value) for name, value in values.items()}


def default_key_encoding() -> str:
    """S3BATCH_REPORT_KEYS when set (checked), else `url`."""
    value = os.environ.get(KEY_ENCODING_ENV, "").strip() or "url"
    if value not in KEY_ENCODINGS:
        raise InputError(f"{KEY_ENCODING_ENV}={value!r}: use one of {', '.join(KEY_ENCODINGS)}")
    return value


def parse_row(row: list[str], where: str, key_encoding: str = "url") -> ReportRow:
    """One result row, its columns read by the report format's definition."""
    values = read_row(row)
    if values is None:
        raise InputError(f"{where}: not a completion report row: {','.join(row)[:120]!r}")
    http = values["HTTPStatusCode"]
    return ReportRow(
        bucket=values["Bucket"], key_field=values["Key"], version_id=values.get("VersionId") or None,
        status=values["TaskStatus"], http_status=int(http) if is_status_code(http) else None,
        error_code=values["ErrorCode"], message=values["ResultMessage"], key_encoding=key_encoding, source=where,
    )


def parse_result_csv(text: str, source: str, key_encoding: str = "url") -> Iterator[ReportRow]:
    """Rows of one result CSV (RFC 4180 quoting, CRLF or LF)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for number, row in enumerate(reader, start=1):  # records, not lines: a quoted field may hold a newline
            if row:
                yield parse_row(row, f"{source}: row {number}", key_encoding)
    except csv.Error as exc:
        raise InputError(f"{source}: row {reader.line_num}: not valid CSV ({exc})") from None


@dataclass(frozen=True)
class ReportFile:
    """One object of a report (manifest.json or a result CSV)."""

    bucket: str
    key: str
    md5: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class ReportLocation:
    """Where a job's report lives."""

    bucket: str
    manifest_key: str

    @property
    def job_dir(self) -> str:
        """The `.../job-<id>/` part every report key starts with."""
        return self.manifest_key[: -len("manifest.json")]


def job_report(s3: Any, job: dict[str, Any]) -> ReportLocation:
    """The report of a job as DescribeJob gives it; an error if the job has none, or none yet."""
    report = job.get("Report") or {}
    if not report.get("Enabled") or not report.get("Bucket"):
        raise InputError(f"job {job.get('JobId')} was created without a completion report")
    return find_report(s3, arns.bucket_name(report["Bucket"]), report.get("Prefix", ""), job["JobId"])


def find_report(s3: Any, bucket: str, prefix: str, job_id: str) -> ReportLocation:
    """Find `job-<id>/manifest.json` under the prefix, whatever slashes AWS put in between."""
    wanted = re.compile(r"(^|/)job-" + re.escape(job_id) + r"/manifest\.json$")
    candidates = [f"{prefix}/job-{job_id}/", f"{prefix}job-{job_id}/"] if prefix else [f"job-{job_id}/"]
    for listing_prefix in [*dict.fromkeys(candidates), prefix]:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=listing_prefix):
            for item in page.get("Contents", ()):
                if wanted.search(item["Key"]):
                    return ReportLocation(bucket, item["Key"])
    raise InputError(f"no report for job {job_id} under s3://{bucket}/{prefix} (reports appear when the job ends, "
                     "if a task ran)")


def read_report_manifest(s3: Any, location: ReportLocation) -> tuple[dict[str, Any], list[ReportFile]]:
    """The report's manifest.json and the result files it lists."""
    source = f"s3://{location.bucket}/{location.manifest_key}"
    response = s3.get_object(Bucket=location.bucket, Key=location.manifest_key)
    check_size(int(response.get("ContentLength") or 0), source, MAX_REPORT_MANIFEST_BYTES)
    doc = load_json(response["Body"].read(MAX_REPORT_MANIFEST_BYTES + 1), source, max_bytes=MAX_REPORT_MANIFEST_BYTES)
    if not isinstance(doc, dict) or not isinstance(doc.get("Results"), list):
        raise InputError(f"{source}: not a completion report manifest (no Results list)")
    return doc, [_report_file(entry, f"{source}: Results[{index}]") for index, entry in enumerate(doc["Results"])]


def _report_file(entry: object, where: str) -> ReportFile:
    """One Results entry, every field type-checked (the values become S3 calls and local paths)."""
    if not isinstance(entry, dict):
        raise InputError(f"{where}: not an object")
    for name in ("Bucket", "Key"):
        if not isinstance(entry.get(name), str) or not entry[name]:
            raise InputError(f"{where}.{name}: {_shown(entry.get(name))} is not a non-empty string")
    for name in ("MD5Checksum", "TaskExecutionStatus"):
        if entry.get(name) is not None and not isinstance(entry[name], str):
            raise InputError(f"{where}.{name}: {_shown(entry[name])} is not a string")
    return ReportFile(entry["Bucket"], entry["Key"], entry.get("MD5Checksum"), entry.get("TaskExecutionStatus"))


def _shown(value: object) -> str:
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."


def read_result_file(s3: Any, item: ReportFile) -> str:
    """A result CSV's text, checked against the MD5 in manifest.json."""
    data = s3.get_object(Bucket=item.bucket, Key=item.key)["Body"].read()
    if item.md5 and hashlib.md5(data, usedforsecurity=False).hexdigest() != item.md5:
        raise InputError(f"s3://{item.bucket}/{item.key}: MD5 does not match the report's manifest.json")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"s3://{item.bucket}/{item.key}: not UTF-8 ({exc.reason})") from None


def iter_results(s3: Any, files: Iterable[ReportFile], key_encoding: str = "url") -> Iterator[ReportRow]:
    """Every task result of the report, file by file."""
    for item in files:
        yield from parse_result_csv(read_result_file(s3, item), f"s3://{item.bucket}/{item.key}", key_encoding)


@dataclass
class Summary:
    """Counts by status and error code; sentiment labels and rows for sentiment jobs."""

    by_status: Counter[str] = field(default_factory=Counter)
    by_error: Counter[str] = field(default_factory=Counter)
    by_label: Counter[str] = field(default_factory=Counter)
    sentiment_rows: list[tuple[str, str, dict[str, float]]] = field(default_factory=list)
    rows_left_out: int = 0
    """Sentiment rows beyond ROW_LIMIT are counted, not kept (memory stays bounded for huge reports)."""

    ROW_LIMIT = 1000

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    def add(self, result: ReportRow) -> None:
        self.by_status[result.status] += 1
        if result.status != "succeeded":
            self.by_error[result.error_code or "(none)"] += 1
        sentiment = result.sentiment() if result.status == "succeeded" else None
        if sentiment:
            self.by_label[sentiment[0]] += 1
            if len(self.sentiment_rows) < self.ROW_LIMIT:
                self.sentiment_rows.append((result.key, sentiment[0], sentiment[1]))
            else:
                self.rows_left_out += 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_status": dict(self.by_status),
            "by_error_code": dict(self.by_error),
            "by_label": dict(self.by_label),
            "sentiment": [{"key": k, "label": label, "scores": s} for k, label, s in self.sentiment_rows],
            "sentiment_rows_left_out": self.rows_left_out,
        }


def summarize(results: Iterable[ReportRow]) -> Summary:
    summary = Summary()
    for result in results:
        summary.add(result)
    return summary


def result_to_dict(result: ReportRow) -> dict[str, Any]:
    """JSON/CSV-ready form of one task result (with the decoded key)."""
    fields = {name: value for name, value in asdict(result).items() if name not in ("key_encoding", "source")}
    return {**fields, "key": result.key}


CSV_COLUMNS = ("bucket", "key", "key_field", "version_id", "status", "http_status", "error_code", "message")


def write_csv(results: Iterable[ReportRow], out: io.TextIOBase | Any) -> None:
    """Results as CSV with a header (our export, not AWS's format)."""
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for result in results:
        writer.writerow(result_to_dict(result))


# --- download -----------------------------------------------------------------------------------------------------

_DRIVE = re.compile(r"^[A-Za-z]:")


def safe_relative_path(key: str) -> Path:
    """A relative local path for an S3 key, or InputError when the key could escape the folder.

    Both separators count, empty segments (`a//b`) are dropped, and `.`/`..` are refused also in URL-encoded form.
    """
    if "\x00" in key or _DRIVE.match(key) or key.startswith(("/", "\\")):
        raise InputError(f"refusing report key {key!r}: absolute path or NUL")
    parts = [p for p in re.split(r"[\\/]+", key) if p]
    for part in parts:
        decoded = unquote(unquote(part))
        if decoded in (".", "..") or "/" in decoded or "\\" in decoded or "\x00" in decoded or _DRIVE.match(part):
            raise InputError(f"refusing report key {key!r}: it would leave the download folder")
    if not parts:
        raise InputError(f"refusing report key {key!r}: empty path")
    return Path(*parts)


def download_plan(location: ReportLocation, files: Iterable[ReportFile], dest: Path) -> list[tuple[ReportFile, Path]]:
    """Every (object, local path) to download; all paths checked before anything is written: inside `dest`,
    names and paths within the file system's limits, and no path both a file and a folder."""
    root = dest.resolve()
    name_max, path_max = _path_limits(root)
    plan: list[tuple[ReportFile, Path]] = []
    for item in [ReportFile(location.bucket, location.manifest_key), *files]:
        relative_key = item.key[len(location.job_dir):] if item.key.startswith(location.job_dir) else item.key
        target = (root / safe_relative_path(relative_key)).resolve()
        if not target.is_relative_to(root) or target == root:
            raise InputError(f"refusing report key {item.key!r}: it would leave {dest}")
        _check_length(target, root, item.key, name_max, path_max)
        plan.append((item, target))
    _check_clashes(plan, root)
    return plan


def _path_limits(root: Path) -> tuple[int, int]:
    """(longest file name, longest path) in bytes where `root` is (or would be); POSIX minimums if unknown."""
    existing = next((p for p in (root, *root.parents) if p.exists()), Path("/"))
    try:
        return os.pathconf(existing, "PC_NAME_MAX"), os.pathconf(existing, "PC_PATH_MAX")
    except (OSError, ValueError, AttributeError):  # no pathconf (Windows) or no answer
        return 255, 4096


def _check_length(target: Path, root: Path, key: str, name_max: int, path_max: int) -> None:
    for part in target.relative_to(root).parts:
        if len(os.fsencode(part)) > name_max:
            raise InputError(f"refusing report key {key[:120]!r}: a name of {len(os.fsencode(part))} bytes, "
                             f"more than this file system's {name_max}")
    if len(os.fsencode(str(target))) >= path_max:
        raise InputError(f"refusing report key {key[:120]!r}: the local path would be {len(os.fsencode(str(target)))} "
                         f"bytes, more than this file system's {path_max - 1}")


def _check_clashes(plan: list[tuple[ReportFile, Path]], root: Path) -> None:
    """A path both a file and a folder (`results` and `results/x.csv`), twice the same file, or in the way on disk."""
    files: dict[Path, str] = {}
    folders: dict[Path, str] = {}
    for item, target in plan:
        if target in files:
            raise InputError(f"refusing report keys {files[target]!r} and {item.key!r}: both would be {str(target)!r}")
        files[target] = item.key
        for parent in target.relative_to(root).parents:
            folders.setdefault(root / parent, item.key)
    for target, key in files.items():
        if target in folders:
            raise InputError(f"refusing report keys {key!r} and {folders[target]!r}: {str(target)!r} would be both "
                             "a file and a folder")
        if target.is_dir():
            raise InputError(f"refusing report key {key!r}: {str(target)!r} is a folder already")
    for folder, key in folders.items():
        if folder.exists() and not folder.is_dir():
            raise InputError(f"refusing report key {key!r}: {str(folder)!r} is a file already, not a folder")


def download_report(s3: Any, location: ReportLocation, files: Iterable[ReportFile], dest: Path) -> list[Path]:
    """Download the result files, then manifest.json, under `dest`; each file written whole (atomic_file).

    manifest.json comes last, so a download cut short never looks complete.
    """
    plan = download_plan(location, files, dest)
    written = []
    for item, target in [*plan[1:], plan[0]]:
        try:
            with atomic_file(target) as out:
                s3.download_fileobj(item.bucket, item.key, out)
        except OSError as exc:
            raise InputError(f"{target}: cannot write ({exc.strerror}); "
                             f"{len(written)} of {len(plan)} files written, manifest.json not") from None
        written.append(target)
    return written
