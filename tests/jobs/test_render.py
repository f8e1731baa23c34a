"""What people and programs see (s3batch.jobs.render): tables with only what a job has, JSON with datetimes;
user-supplied text printed exactly, never as rich markup (issue 11)."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import pytest
from rich.table import Table

from s3batch.jobs import render
from s3batch.jobs.report import Summary, parse_result_csv, summarize


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


def _printed(summary: Summary) -> str:
    out = io.StringIO()
    console = render.console(out)
    for table in render.summary_tables(summary):
        console.print(table)
    return out.getvalue()


@pytest.mark.parametrize("key", ["markup2/x[/].txt", "markup1/a[b].txt", "[bold red]x[/]", "[link=http://e]y"])
def test_keys_print_exactly_as_they_are(key: str) -> None:
    rows = parse_result_csv(f'b,{key},,succeeded,200,,"{{""label"":""POSITIVE"",""scores"":{{}}}}"\n', "r.csv",
                            key_encoding="raw")
    assert key in _printed(summarize(rows))


def test_two_versions_of_one_key_print_both_rows() -> None:
    rows = ('b,vers/k.txt,v1,succeeded,200,,"{""label"":""POSITIVE"",""scores"":{""positive"":0.9}}"\n'
            'b,vers/k.txt,v2,succeeded,200,,"{""label"":""POSITIVE"",""scores"":{""positive"":0.7}}"\n')
    printed = _printed(summarize(parse_result_csv(rows, "r.csv")))
    assert printed.count("vers/k.txt") == 2 and "0.900" in printed and "0.700" in printed


def test_job_tables_print_descriptions_and_reasons_exactly() -> None:
    job = {"JobId": "j1", "Status": "Failed", "Description": "[red]desc[/]", "StatusUpdateReason": "x[/]y",
           "FailureReasons": [{"FailureCode": "[b]", "FailureReason": "a[b]c"}], "Operation": {"LambdaInvoke": {}}}
    out = io.StringIO()
    render.console(out).print(render.job_table(job))
    render.console(out).print(render.jobs_table([job]))
    text = out.getvalue()
    assert "[red]desc[/]" in text and "x[/]y" in text and "a[b]c" in text and "Failure [b]" in text
