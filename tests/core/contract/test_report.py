"""The report format's one definition, run against both sides: rows the emulator's writer puts in S3 are read
back by the job tooling's reader, field for field (moto's S3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from s3batch.emulator.engine.report import ReportConfig, ReportWriter
from s3batch.jobs.report import find_report, iter_results, parse_row, read_report_manifest
from s3batch_core.contract.report import COLUMNS, REPORT_SCHEMA, TaskResult, read_row, result_row

JOB = "f8fb9d89-a3aa-461d-bddc-ea6a1b131955"

# (bucket, key as the manifest wrote it, version id, outcome)
ROWS: list[tuple[str, str, str | None, TaskResult]] = [
    ("data", "plain.txt", None, TaskResult(True, 200, "", "Successful")),
    ("data", "with%2Ccomma%20and%20space.txt", "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY", TaskResult(True, 200, "", "ok")),
    ("data", "k", "null", TaskResult(False, 500, "SrcObjectNotFound", "Source object not found")),
    ("data", "quotes", None, TaskResult(False, 200, "PermanentFailure", 'Lambda said "no", twice,\nover lines')),
    ("data", "%E2%9C%93", None, TaskResult(True, 200, "", '{"label":"POSITIVE","scores":{"positive":0.9}}')),
]


def test_the_emulators_rows_read_back_field_for_field(s3: Any, tmp_path: Path) -> None:
    s3.create_bucket(Bucket="rep")
    writer = ReportWriter(ReportConfig(enabled=True, bucket="rep", prefix="reports"), JOB, tmp_path)
    for bucket, key, version, result in ROWS:
        writer.add(bucket, key, version, result)
    writer.upload(s3)
    document, files = read_report_manifest(s3, find_report(s3, "rep", "reports", JOB))
    assert document["ReportSchema"] == REPORT_SCHEMA
    read = sorted(iter_results(s3, files), key=lambda row: row.key_field)
    assert [(r.bucket, r.key_field, r.version_id, r.status == "succeeded", r.http_status, r.error_code, r.message)
            for r in read] == sorted(((b, k, v, *result) for b, k, v, result in ROWS), key=lambda row: row[1])


@pytest.mark.parametrize(("bucket", "key", "version", "result"), ROWS)
def test_a_written_row_is_read_by_the_definition(bucket: str, key: str, version: str | None,
                                                 result: TaskResult) -> None:
    row = [str(value) for value in result_row(bucket, key, version, result)]
    values = read_row(row)
    assert values is not None and list(values) == list(COLUMNS)
    parsed = parse_row(row, "r.csv")
    assert (parsed.key_field, parsed.version_id, parsed.http_status, parsed.message) == (
        key, version, result.http_status, result.message)
