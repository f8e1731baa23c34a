"""Issue 11 reproducers for report reading, downloading and printing: one line naming the file/row/field, never a
traceback; user-supplied strings print exactly as they are (no rich markup)."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from s3batch_core.errors import InputError
from s3batch.jobs import render
from s3batch.jobs.report import (
    ReportFile,
    ReportLocation,
    Summary,
    summarize,
    download_plan,
    download_report,
    parse_result_csv,
    read_report_manifest,
)
from s3batch_core.contract.limits import MAX_JSON_DEPTH

LOCATION = ReportLocation("rep", "reports/job-j1/manifest.json")


def _manifest(s3: object, body: bytes) -> None:
    s3.create_bucket(Bucket="rep")  # type: ignore[attr-defined]
    s3.put_object(Bucket="rep", Key=LOCATION.manifest_key, Body=body)  # type: ignore[attr-defined]


@mock_aws
@pytest.mark.parametrize(("body", "message"), [
    (b'{"Results":' + b"[" * 1000 + b"]" * 1000 + b"}", f"nested more than {MAX_JSON_DEPTH} levels deep"),
    (b'{"Results":[{"Bucket":"bkt","Key":5}]}', r"Results\[0\].Key: 5 is not a non-empty string"),
    (b'{"Results":[{"Bucket":["bkt"],"Key":"k"}]}', r"Results\[0\].Bucket: \[\"bkt\"\] is not a non-empty string"),
    (b'{"Results":[{"Bucket":"b","Key":"k","MD5Checksum":1}]}', r"Results\[0\].MD5Checksum: 1 is not a string"),
    (b'{"Results":[7]}', r"Results\[0\]: not an object"),
    (b'{"Results":{}}', "no Results list"),
    (b'{"Results": "\xff"}', "not UTF-8"),
])
def test_a_hostile_report_manifest_is_one_input_error(body: bytes, message: str) -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    _manifest(s3, body)
    with pytest.raises(InputError, match=message) as caught:
        read_report_manifest(s3, LOCATION)
    assert str(caught.value).startswith("s3://rep/reports/job-j1/manifest.json")
    assert "\n" not in str(caught.value)


@mock_aws
def test_an_oversized_report_manifest_is_refused_before_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("s3batch.jobs.report.MAX_REPORT_MANIFEST_BYTES", 10)
    s3 = boto3.client("s3", region_name="us-east-1")
    _manifest(s3, b'{"Results":[]}')
    with pytest.raises(InputError, match="14 bytes, more than the 10-byte limit"):
        read_report_manifest(s3, LOCATION)


def test_a_superscript_status_code_is_no_status_code() -> None:
    rows = list(parse_result_csv("b,k,,failed,²²²,Err,msg\nb,k,,failed,Err,²²²,msg\n", "r.csv"))
    assert [(r.http_status, r.status) for r in rows] == [(None, "failed"), (None, "failed")]
    with pytest.raises(InputError, match="row 1: not a completion report row"):
        list(parse_result_csv("b,k,failed,²²²,Err,msg\n", "r.csv"))  # no VersionId column needs a real status


@pytest.mark.parametrize("message", [
    '{"label":"POSITIVE","scores":{"positive":"high"}}',
    '{"label":[1],"scores":{}}',
    '{"label":"POSITIVE","scores":{"positive":true}}',
    '{"label":"POSITIVE","scores":{"positive":1e999}}',
    '{"label":{"a":1},"scores":[]}',
])
def test_malformed_sentiment_results_are_plain_rows(message: str) -> None:
    quoted = message.replace('"', '""')
    (row,) = parse_result_csv(f'b,k,,succeeded,200,,"{quoted}"\n', "r.csv")
    assert row.sentiment() is None
    summary = summarize([row])
    assert summary.total == 1 and summary.sentiment_rows == []


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


# --- download: local paths checked before anything is written ---------------------------------------------------------


def _snapshot(folder: Path) -> list[str]:
    return sorted(p.as_posix() for p in folder.rglob("*"))


@pytest.mark.parametrize(("keys", "message"), [
    (["reports/job-j1/results/" + "n" * 300 + ".csv"], "a name of 304 bytes, more than"),
    (["reports/job-j1/results/" + "/".join(["d" * 200] * 21) + ".csv"], "the local path would be"),
    (["reports/job-j1/results", "reports/job-j1/results/x.csv"], "would be both a file and a folder"),
    (["reports/job-j1/results/x.csv", "reports/job-j1/results//x.csv"], "both would be"),
])
def test_unwritable_report_paths_are_refused_before_writing(tmp_path: Path, keys: list[str], message: str) -> None:
    before = _snapshot(tmp_path)
    files = [ReportFile("rep", key) for key in keys]
    with pytest.raises(InputError, match=message) as caught:
        download_report(object(), LOCATION, files, tmp_path / "out")  # fails before any S3 call
    assert "\n" not in str(caught.value)
    assert _snapshot(tmp_path) == before


def test_paths_in_the_way_on_disk_are_refused_before_writing(tmp_path: Path) -> None:
    dest = tmp_path / "out"
    (dest / "results").mkdir(parents=True)
    (dest / "results" / "x.csv").mkdir()
    with pytest.raises(InputError, match="is a folder already"):
        download_plan(LOCATION, [ReportFile("rep", "reports/job-j1/results/x.csv")], dest)
    (dest / "other").write_text("a file")
    with pytest.raises(InputError, match="is a file already, not a folder"):
        download_plan(LOCATION, [ReportFile("rep", "reports/job-j1/other/y.csv")], dest)


@mock_aws
def test_a_write_failure_is_one_line_and_manifest_json_is_not_written(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    s3 = boto3.client("s3", region_name="us-east-1")
    _manifest(s3, json.dumps({"Results": []}).encode())
    s3.put_object(Bucket="rep", Key="reports/job-j1/results/a.csv", Body=b"x")

    def disk_full(*_: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("s3batch.jobs.report.os.replace", disk_full)
    dest = tmp_path / "out"
    with pytest.raises(InputError, match="No space left on device.*0 of 2 files written, manifest.json not"):
        download_report(s3, LOCATION, [ReportFile("rep", "reports/job-j1/results/a.csv")], dest)
    assert [p.name for p in dest.rglob("*") if p.is_file()] == []  # no partial file left behind


def test_an_inventory_manifest_nested_1000_deep_is_one_input_error() -> None:
    from s3batch.jobs.manifest import check_inventory_manifest

    with pytest.raises(InputError, match=f"^s3://inv/manifest.json: nested more than {MAX_JSON_DEPTH} levels deep"):
        check_inventory_manifest(b'{"files":' + b"[" * 1000 + b"]" * 1000 + b"}", "s3://inv/manifest.json")
