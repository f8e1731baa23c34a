"""Completion reports: AWS's real example rows, `prefix//job-` layouts, sentiment summaries, safe downloads; a
hostile report (issue 11) is one line naming the file, row or field, never a traceback."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from s3batch_core.contract.limits import MAX_JSON_DEPTH
from s3batch_core.errors import InputError, S3BatchError
from s3batch.jobs.report import (
    ReportFile,
    ReportLocation,
    download_plan,
    download_report,
    find_report,
    iter_results,
    parse_result_csv,
    read_report_manifest,
    safe_relative_path,
    summarize,
    write_csv,
)

# Verbatim rows from AWS's documentation (reference §3.4): HTTP status *before* the error code.
AWS_SUCCESS = ('awsexamplebucket1,image_17775,,succeeded,200,,"{""CopyObjectResult"":{""ETag"":""\\""fe66f4390c50f29798f040d7aae72784\\""","'
               '""LastModified"":""2019-04-05T17:35:21.000Z""},""CopySourceVersionId"":""null""}"')
AWS_FAILURE = ('awsexamplebucket1,image_14975,,failed,200,PermanentFailure,"Lambda returned function error: '
               '{""errorMessage"":""2019-04-05T17:35:21.155Z 2845ca0d-38d9-4c4b-abcf-379dc749c452 Task timed out after 3.00 seconds""}"')
AWS_TROUBLESHOOTING = "BUCKET_NAME,prefix/file_name,failed,400,InvalidRequest,Task failed due to missing VersionId"
REAL_NULL_VERSION = "my-bucket,some/key.txt,null,succeeded,200,,Successful"
REAL_SRC_MISSING = "my-bucket,gone.txt,,failed,500,SrcObjectNotFound,Source object not found"


def test_aws_documentation_rows_parse_by_content() -> None:
    # The last row follows ReportSchema literally (ErrorCode before HTTPStatusCode), as a report might: content decides.
    text = "\r\n".join([AWS_SUCCESS, AWS_FAILURE, AWS_TROUBLESHOOTING, REAL_NULL_VERSION, REAL_SRC_MISSING,
                        "b1,k,,failed,PermanentFailure,200,oops"]) + "\r\n"
    rows = list(parse_result_csv(text, "r.csv"))
    assert [(r.bucket, r.key, r.version_id, r.status, r.http_status, r.error_code) for r in rows] == [
        ("awsexamplebucket1", "image_17775", None, "succeeded", 200, ""),
        ("awsexamplebucket1", "image_14975", None, "failed", 200, "PermanentFailure"),
        ("BUCKET_NAME", "prefix/file_name", None, "failed", 400, "InvalidRequest"),
        ("my-bucket", "some/key.txt", "null", "succeeded", 200, ""),
        ("my-bucket", "gone.txt", None, "failed", 500, "SrcObjectNotFound"),
        ("b1", "k", None, "failed", 200, "PermanentFailure"),
    ]
    assert rows[0].message.startswith('{"CopyObjectResult":{"ETag":"\\"fe66')
    assert rows[1].message.endswith('Task timed out after 3.00 seconds"}')
    assert rows[2].message == "Task failed due to missing VersionId"


def test_garbage_rows_name_the_file_and_row() -> None:
    with pytest.raises(InputError, match=r"r\.csv: row 2: not a completion report row"):
        list(parse_result_csv("b1,k,,succeeded,200,,ok\nhello,world\n", "r.csv"))


def _sentiment(label: str, pos: float) -> str:
    doc = {"label": label, "scores": {"positive": pos, "negative": 0.1, "neutral": 0.2, "mixed": 0.0}, "bytes": 64}
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(["data", "input/think-of-love.txt", "", "succeeded", "200", "", json.dumps(doc)])
    return buf.getvalue()


def test_sentiment_summary() -> None:
    text = _sentiment("POSITIVE", 0.9) + _sentiment("NEGATIVE", 0.05) + AWS_FAILURE + "\n" + "b1,k,,succeeded,200,,plain text\n"
    summary = summarize(parse_result_csv(text, "r.csv"))
    assert summary.total == 4
    assert dict(summary.by_status) == {"succeeded": 3, "failed": 1}
    assert dict(summary.by_error) == {"PermanentFailure": 1}
    assert dict(summary.by_label) == {"POSITIVE": 1, "NEGATIVE": 1}
    assert summary.sentiment_rows[0] == ("input/think-of-love.txt", "POSITIVE",
                                         {"positive": 0.9, "negative": 0.1, "neutral": 0.2, "mixed": 0.0})


def test_csv_export_has_decoded_keys() -> None:
    out = io.StringIO()
    write_csv(parse_result_csv("b1,a+b%2Bc,,succeeded,200,,ok\n", "r.csv"), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["key"] == "a b+c" and rows[0]["key_field"] == "a+b%2Bc"


def test_raw_report_keys_are_taken_as_written_and_encoded_for_a_retry_manifest() -> None:
    rows = "bk1,dir/a b+c%.txt,,failed,404,NoSuchKey,gone\nbk1,ok.txt,,succeeded,200,,fine\n"
    raw = list(parse_result_csv(rows, "r.csv", key_encoding="raw"))
    assert raw[0].key == "dir/a b+c%.txt" and raw[0].manifest_key_field == "dir/a+b%2Bc%25.txt"
    url = list(parse_result_csv(rows, "r.csv"))
    assert url[0].key == "dir/a b c%.txt" and url[0].manifest_key_field == "dir/a b+c%.txt"
    out = io.StringIO()
    write_csv(raw, out)
    assert "key_encoding" not in out.getvalue().splitlines()[0]


def test_report_key_encoding_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from s3batch.jobs.report import default_key_encoding

    assert default_key_encoding() == "url"
    monkeypatch.setenv("S3BATCH_REPORT_KEYS", "raw")
    assert default_key_encoding() == "raw"
    monkeypatch.setenv("S3BATCH_REPORT_KEYS", "base64")
    with pytest.raises(InputError, match="S3BATCH_REPORT_KEYS='base64': use one of url, raw"):
        default_key_encoding()


def _put_report(s3: object, bucket: str, job_dir: str, rows: dict[str, str], *, bad_md5: bool = False) -> None:
    results = []
    for status, text in rows.items():
        key = f"{job_dir}results/{hashlib.sha1(status.encode()).hexdigest()}.csv"
        s3.put_object(Bucket=bucket, Key=key, Body=text.encode())  # type: ignore[attr-defined]
        md5 = "0" * 32 if bad_md5 else hashlib.md5(text.encode()).hexdigest()
        results.append({"TaskExecutionStatus": status, "Bucket": bucket, "MD5Checksum": md5, "Key": key})
    manifest = {"Format": "Report_CSV_20180820", "ReportCreationDate": "2026-07-21T21:28:58.559244258Z",
                "Results": results, "ReportSchema": "Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage"}
    s3.put_object(Bucket=bucket, Key=f"{job_dir}manifest.json", Body=json.dumps(manifest).encode())  # type: ignore[attr-defined]


@pytest.mark.parametrize(("prefix", "job_dir"), [
    ("reports/", "reports//job-abc123/"),     # trailing slash in the job's Prefix: AWS writes a double slash
    ("reports", "reports/job-abc123/"),
    ("", "job-abc123/"),
])
def test_find_and_read_report(s3: Any, prefix: str, job_dir: str) -> None:
    s3.create_bucket(Bucket="rep")
    _put_report(s3, "rep", "reports/job-other/", {"succeeded": "b1,x,,succeeded,200,,ok\n"})
    _put_report(s3, "rep", job_dir, {"succeeded": "b1,k1,,succeeded,200,,ok\n", "failed": AWS_FAILURE + "\n"})
    location = find_report(s3, "rep", prefix, "abc123")
    assert location.manifest_key == f"{job_dir}manifest.json"
    _, files = read_report_manifest(s3, location)
    assert sorted(r.key for r in iter_results(s3, files)) == ["image_14975", "k1"]


def test_missing_report_and_md5_mismatch(s3: Any) -> None:
    s3.create_bucket(Bucket="rep")
    with pytest.raises(S3BatchError, match="no report for job nope"):
        find_report(s3, "rep", "reports", "nope")
    _put_report(s3, "rep", "reports/job-j1/", {"succeeded": "b1,k1,,succeeded,200,,ok\n"}, bad_md5=True)
    _, files = read_report_manifest(s3, find_report(s3, "rep", "reports", "j1"))
    with pytest.raises(InputError, match="MD5 does not match"):
        list(iter_results(s3, files))


@pytest.mark.parametrize("key", [
    "../evil.csv", "results/../../evil.csv", "/etc/passwd", "\\\\server\\share", "..\\..\\evil.csv",
    "results\\..\\..\\evil", "a/\x00/b", "%2e%2e/evil", "%2E%2E%2Fevil", "%252e%252e/evil", "C:\\evil", "c:evil",
    "results/%2e%2e%5c..%5cevil",
])
def test_traversal_keys_are_refused(key: str) -> None:
    with pytest.raises(InputError, match="refusing report key"):
        safe_relative_path(key)


def test_odd_but_safe_keys_stay_inside(tmp_path: Path) -> None:
    assert safe_relative_path("reports//job-1/results/x.csv") == Path("reports/job-1/results/x.csv")
    assert safe_relative_path("a/..b/c.") == Path("a/..b/c.")
    location = ReportLocation("rep", "reports//job-1/manifest.json")
    plan = download_plan(location, [ReportFile("rep", "reports//job-1/results/a.csv")], tmp_path / "out")
    assert [p.relative_to((tmp_path / "out").resolve()).as_posix() for _, p in plan] == ["manifest.json", "results/a.csv"]


def test_download_never_writes_outside_the_folder(s3: Any, tmp_path: Path) -> None:
    s3.create_bucket(Bucket="rep")
    _put_report(s3, "rep", "reports/job-j1/", {"succeeded": "b1,k1,,succeeded,200,,ok\n"})
    location = find_report(s3, "rep", "reports", "j1")
    _, files = read_report_manifest(s3, location)
    dest = tmp_path / "download"
    written = download_report(s3, location, files, dest)
    assert sorted(p.relative_to(dest.resolve()).as_posix() for p in written)[0] == "manifest.json"
    assert all(p.is_relative_to(dest.resolve()) for p in written)  # a hostile key: test_unwritable_report_paths…


# ---- issue 11: hostile reports ---------------------------------------------------------------------------------------

LOCATION = ReportLocation("rep", "reports/job-j1/manifest.json")


def _manifest(s3: object, body: bytes) -> None:
    s3.create_bucket(Bucket="rep")  # type: ignore[attr-defined]
    s3.put_object(Bucket="rep", Key=LOCATION.manifest_key, Body=body)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("body", "message"), [
    (b'{"Results":' + b"[" * 1000 + b"]" * 1000 + b"}", f"nested more than {MAX_JSON_DEPTH} levels deep"),
    (b'{"Results":[{"Bucket":"bkt","Key":5}]}', r"Results\[0\].Key: 5 is not a non-empty string"),
    (b'{"Results":[{"Bucket":["bkt"],"Key":"k"}]}', r"Results\[0\].Bucket: \[\"bkt\"\] is not a non-empty string"),
    (b'{"Results":[{"Bucket":"b","Key":"k","MD5Checksum":1}]}', r"Results\[0\].MD5Checksum: 1 is not a string"),
    (b'{"Results":[7]}', r"Results\[0\]: not an object"),
    (b'{"Results":{}}', "no Results list"),
    (b'{"Results": "\xff"}', "not UTF-8"),
])
def test_a_hostile_report_manifest_is_one_input_error(s3: Any, body: bytes, message: str) -> None:
    _manifest(s3, body)
    with pytest.raises(InputError, match=message) as caught:
        read_report_manifest(s3, LOCATION)
    assert str(caught.value).startswith("s3://rep/reports/job-j1/manifest.json")
    assert "\n" not in str(caught.value)


def test_an_oversized_report_manifest_is_refused_before_reading(s3: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("s3batch.jobs.report.MAX_REPORT_MANIFEST_BYTES", 10)
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
    '{"label":' + "[" * 5000 + "]" * 5000 + "}",  # nested past the parser's depth
])
def test_malformed_sentiment_results_are_plain_rows(message: str) -> None:
    quoted = message.replace('"', '""')
    (row,) = parse_result_csv(f'b,k,,succeeded,200,,"{quoted}"\n', "r.csv")
    assert row.sentiment() is None
    summary = summarize([row])
    assert summary.total == 1 and summary.sentiment_rows == []


def _snapshot(folder: Path) -> list[str]:
    return sorted(p.as_posix() for p in folder.rglob("*"))


@pytest.mark.parametrize(("keys", "message"), [
    (["reports/job-j1/results/" + "n" * 300 + ".csv"], "a name of 304 bytes, more than"),
    (["reports/job-j1/results/" + "/".join(["d" * 200] * 21) + ".csv"], "the local path would be"),
    (["reports/job-j1/results", "reports/job-j1/results/x.csv"], "would be both a file and a folder"),
    (["reports/job-j1/results/x.csv", "reports/job-j1/results//x.csv"], "both would be"),
    (["reports/job-j1/../../../evil.csv"], "refusing report key '../../../evil.csv': it would leave"),
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


def test_a_write_failure_is_one_line_and_manifest_json_is_not_written(s3: Any, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    _manifest(s3, json.dumps({"Results": []}).encode())
    s3.put_object(Bucket="rep", Key="reports/job-j1/results/a.csv", Body=b"x")

    def disk_full(*_: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("s3batch.jobs.report.os.replace", disk_full)
    dest = tmp_path / "out"
    with pytest.raises(InputError, match="No space left on device.*0 of 2 files written, manifest.json not"):
        download_report(s3, LOCATION, [ReportFile("rep", "reports/job-j1/results/a.csv")], dest)
    assert [p.name for p in dest.rglob("*") if p.is_file()] == []  # no partial file left behind
