"""retry-failed writes exactly the failed rows of the report, each one task of the job (issue 11): a crafted report
cannot add a task, reach another bucket or break the manifest's rows; the retry job is the original's request
over the retry manifest."""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from s3batch_core.errors import InputError
from s3batch_core.contract.formats import CSV_FORMAT, INVENTORY_FORMAT
from s3batch.jobs.manifest import ManifestLocation, check_csv_manifest
from s3batch.jobs.report import parse_result_csv
from s3batch.jobs.retry import failed_manifest, job_buckets, retry_manifest_prefix, retry_request
from s3batch.jobs.submit import JobOptions
from s3batch_core.contract.manifest_rules import encode_key

HOSTILE_KEY = "input/pos-0000.txt\nother-bucket,secret.txt"


def _report(*rows: list[str]) -> str:
    out = io.StringIO()
    import csv

    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("encoding", ["url", "raw"])
def test_a_key_with_a_newline_never_becomes_a_second_task(encoding: str) -> None:
    text = _report(["in-bkt", HOSTILE_KEY, "", "failed", "500", "Err", "boom"])
    results = list(parse_result_csv(text, "s3://rep/r.csv", encoding))
    if encoding == "url":  # as written it is no URL-encoded key: refused, naming the row
        with pytest.raises(InputError, match=r"^s3://rep/r.csv: row 1: refusing to retry this row: key .* is not URL-encoded"):
            failed_manifest(results, {"in-bkt"})
        return
    retry = failed_manifest(results, {"in-bkt"})  # raw: the key is encoded, so it stays one row of one task
    assert retry is not None and retry.stats.rows == 1
    body = retry.body.read()
    assert body == f"in-bkt,{encode_key(HOSTILE_KEY)}\n".encode()
    assert [e.key for e in check_csv_manifest(io.BytesIO(body), "retry").first_rows] == [HOSTILE_KEY]


@pytest.mark.parametrize(("row", "problem"), [
    (["other-bucket", "secret.txt", "", "failed", "500", "Err", "x"], "bucket 'other-bucket' is not a bucket of the job"),
    (["arn:aws:s3:::in-bkt", "k", "", "failed", "500", "Err", "x"], "is not a bucket name"),
    (["in-bkt", "k", "v1\nother,x", "failed", "500", "Err", "x"], "a version id on some failed rows but not on others"),
    (["in-bkt", "k" * 1025, "", "failed", "500", "Err", "x"], "more than S3's 1024-byte limit"),
])
def test_rows_that_are_no_task_of_the_job_are_refused_with_the_row(row: list[str], problem: str) -> None:
    text = _report(["in-bkt", "ok.txt", "", "failed", "500", "Err", "x"], row)
    if problem == "a version id on some failed rows but not on others":  # also with versions throughout
        versioned = _report(["in-bkt", "ok.txt", "v0", "failed", "500", "Err", "x"], row)
        with pytest.raises(InputError, match="row 2: refusing to retry this row: version id .* has characters no S3"):
            failed_manifest(parse_result_csv(versioned, "r.csv"), {"in-bkt"})
    with pytest.raises(InputError, match=r"r.csv: row 2: refusing to retry this row: .*" + problem.replace("(", r"\(")):
        failed_manifest(parse_result_csv(text, "r.csv"), {"in-bkt"})


def test_job_buckets_come_from_the_jobs_own_manifest(s3: Any) -> None:
    s3.create_bucket(Bucket="man")
    put = s3.put_object(Bucket="man", Key="m.csv", Body=b"in-bkt,a\nsecond,b%20c\nin-bkt,d\n")
    csv_job = {"Manifest": {"Spec": {"Format": CSV_FORMAT, "Fields": ["Bucket", "Key"]},
                            "Location": {"ObjectArn": "arn:aws:s3:::man/m.csv", "ETag": put["ETag"].strip('"')}}}
    assert job_buckets(s3, csv_job) == {"in-bkt", "second"}
    s3.put_object(Bucket="man", Key="inv/manifest.json", Body=b'{"sourceBucket": "inv-src", "files": []}')
    inventory_job = {"Manifest": {"Spec": {"Format": INVENTORY_FORMAT}, "Location": {"ObjectArn": "arn:aws:s3:::man/inv/manifest.json"}}}
    assert job_buckets(s3, inventory_job) == {"inv-src"}
    generated = {"ManifestGenerator": {"S3JobManifestGenerator": {"SourceBucket": "arn:aws:s3:::gen-src"}}}
    assert job_buckets(s3, generated) == {"gen-src"}
    s3.put_object(Bucket="man", Key="m.csv", Body=b"changed,x\n")  # the job's manifest is pinned by its ETag
    with pytest.raises(Exception, match="cannot read the job's manifest"):
        job_buckets(s3, csv_job)


ROWS = st.lists(st.tuples(st.sampled_from(["in-bkt", "other-bkt", "x", ""]), st.text(max_size=60),
                          st.sampled_from(["failed", "succeeded"])), min_size=1, max_size=8)


@given(rows=ROWS, encoding=st.sampled_from(["url", "raw"]))
def test_a_retry_manifest_is_exactly_the_failed_rows_or_refused(rows: list[tuple[str, str, str]], encoding: str) -> None:
    text = _report(*([bucket, key, "", status, "500" if status == "failed" else "200", "", "m"] for bucket, key, status in rows))
    try:
        results = list(parse_result_csv(text, "r.csv", encoding))
    except InputError:
        return  # not a report at all
    try:
        retry = failed_manifest(results, {"in-bkt"})
    except InputError as error:
        assert "refusing to retry this row" in str(error) and "\n" not in str(error)
        return
    failed = [r for r in results if r.status == "failed"]
    if retry is None:
        assert failed == []
        return
    body = retry.body.read()
    written = check_csv_manifest(io.BytesIO(body), "retry", sample=len(failed) + 1)
    assert written.rows == len(failed)
    assert [(e.bucket, e.key) for e in written.first_rows] == [(r.bucket, r.key) for r in failed]
    assert all(r.bucket == "in-bkt" for r in failed)


def test_the_retry_job_is_the_original_over_the_retry_manifest() -> None:
    job = {"JobId": "job-1", "Priority": 7, "RoleArn": "arn:aws-cn:iam::123456789012:role/r",
           "Operation": {"S3PutObjectTagging": {"TagSet": [{"Key": "a", "Value": "b"}]}},
           "Report": {"Bucket": "arn:aws-cn:s3:::rep", "Format": "Report_CSV_20180820", "Enabled": True,
                      "ReportScope": "FailedTasksOnly", "Prefix": "r"}}
    manifest = ManifestLocation("man", "m/retry-1.csv", "0" * 32)
    request = retry_request(job, "123456789012", manifest, JobOptions())
    assert request == {
        "AccountId": "123456789012", "ConfirmationRequired": False, "Operation": job["Operation"],
        "Report": job["Report"], "Priority": 7, "RoleArn": job["RoleArn"],
        "Manifest": {"Spec": {"Format": CSV_FORMAT, "Fields": ["Bucket", "Key"]},
                     "Location": {"ObjectArn": "arn:aws-cn:s3:::man/m/retry-1.csv", "ETag": "0" * 32}},
        "Description": "retry of failed tasks of job-1", "ClientRequestToken": request["ClientRequestToken"]}
    assert retry_request(job, "123456789012", manifest, JobOptions())["ClientRequestToken"] == request["ClientRequestToken"]
    given_priority = retry_request(job, "123456789012", manifest, JobOptions(priority=1, description="again"))
    assert (given_priority["Priority"], given_priority["Description"]) == (1, "again")


def test_retry_manifests_go_where_the_stacks_role_reads_manifests_when_the_outputs_are_known() -> None:
    inventory_job = {"Manifest": {"Location": {"ObjectArn": "arn:aws:s3:::inv/src/cfg/2026-01-01T00-00Z/manifest.json"}}}
    assert retry_manifest_prefix(inventory_job, "rep-bkt", ("man-bkt", "manifests/")) == ("man-bkt", "manifests")
    assert retry_manifest_prefix(inventory_job, "rep-bkt") == ("inv", "src/cfg/2026-01-01T00-00Z")
    assert retry_manifest_prefix({}, "rep-bkt") == ("rep-bkt", "retries")
