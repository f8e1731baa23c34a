"""What people and programs see (s3batch.jobs.render): tables with only what a job has, JSON with datetimes.
User-supplied text printed exactly (never as rich markup) is tested in test_hostile_reports.py."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

from rich.table import Table

from s3batch.jobs import render
from s3batch.jobs.report import parse_result_csv, summarize


def _cells(table: Table) -> list[list[str]]:
    return [[str(cell) for cell in column.cells] for column in table.columns]


def test_job_table_shows_the_fields_a_job_has() -> None:
    job = {"JobId": "j1", "Status": "Complete", "Priority": 10, "RoleArn": "arn:aws:iam::1:role/r",
           "ManifestGenerator": {"S3JobManifestGenerator": {}}, "Report": {"Enabled": False},
           "ProgressSummary": {"TotalNumberOfTasks": 3, "NumberOfTasksSucceeded": 2, "NumberOfTasksFailed": 1}}
    assert _cells(render.job_table(job)) == [
        ["JobId", "Status", "Priority", "Progress", "Role", "Manifest", "Report"],
        ["j1", "Complete", "10", "3/3 (2 succeeded, 1 failed)", "arn:aws:iam::1:role/r", "(generated)", "disabled"]]


def test_summary_tables_count_errors_and_labels() -> None:
    rows = ('b,a.txt,,succeeded,200,,"{""label"":""NEGATIVE"",""scores"":{""negative"":0.8}}"\n'
            "b,b.txt,,failed,500,InternalError,boom\n"
            "b,c.txt,,failed,403,AccessDenied,no\n")
    tables = render.summary_tables(summarize(parse_result_csv(rows, "r.csv")))
    assert [[column.header for column in table.columns] for table in tables] == [
        ["Status", "Tasks"], ["Error code", "Tasks"], ["Label", "Objects"],
        ["Object", "Label", "Positive", "Negative", "Neutral", "Mixed"]]
    assert tables[0].title == "3 tasks"
    assert _cells(tables[1]) == [["InternalError", "AccessDenied"], ["1", "1"]]
    assert _cells(tables[3])[:3] == [["a.txt"], ["NEGATIVE"], ["0.000"]]


def test_json_for_programs_has_iso_datetimes_and_sorted_keys() -> None:
    out = io.StringIO()
    render.print_json({"b": 1, "a": datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)}, out)
    assert out.getvalue() == '{\n  "a": "2026-01-02 03:04:05+00:00",\n  "b": 1\n}\n'
    assert json.loads(out.getvalue())["b"] == 1
