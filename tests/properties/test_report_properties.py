"""The report reader on arbitrary input (issue 11): a crafted manifest.json or result CSV is read, or refused with
one InputError line; every row that is read can be summarised and printed (text, JSON, CSV) without an exception,
and user strings print exactly."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from s3batch_core.errors import InputError
from s3batch.jobs import render
from s3batch.jobs.report import ReportLocation, parse_result_csv, read_report_manifest, result_to_dict, summarize, write_csv

LOCATION = ReportLocation("rep", "r/job-1/manifest.json")
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                      max_leaves=15)
ENTRY = st.fixed_dictionaries({}, optional={"Bucket": VALUES | st.just("rep"), "Key": VALUES | st.text(max_size=30),
                                            "MD5Checksum": VALUES, "TaskExecutionStatus": VALUES})
MANIFESTS = st.one_of(
    st.binary(max_size=100),
    st.fixed_dictionaries({"Results": st.lists(ENTRY, max_size=4) | VALUES}).map(lambda d: json.dumps(d).encode()),
    VALUES.map(lambda v: json.dumps(v).encode()),
)


@pytest.fixture
def moto_s3(s3: Any) -> Any:
    s3.create_bucket(Bucket="rep")
    return s3


@given(body=MANIFESTS)
def test_any_report_manifest_is_read_or_one_input_error(moto_s3: Any, body: bytes) -> None:
    moto_s3.put_object(Bucket="rep", Key=LOCATION.manifest_key, Body=body)
    try:
        _, files = read_report_manifest(moto_s3, LOCATION)
    except InputError as error:
        assert str(error).startswith(f"s3://rep/{LOCATION.manifest_key}") and "\n" not in str(error)
        return
    assert all(isinstance(f.bucket, str) and isinstance(f.key, str) for f in files)


SCORE = st.floats() | st.integers() | st.text(max_size=5) | st.booleans() | st.none() | st.lists(st.integers(), max_size=2)
SENTIMENT = st.builds(lambda label, scores: json.dumps({"label": label, "scores": scores}),
                      st.sampled_from(["POSITIVE", "NEGATIVE", "MIXED"]) | VALUES,
                      st.dictionaries(st.sampled_from(["positive", "negative", "neutral", "mixed"]), SCORE) | VALUES)
FIELD = st.text(max_size=25) | st.sampled_from(["succeeded", "failed", "200", "500", "²²²", "[b]", "x[/]y"])
ROWS = st.lists(st.lists(FIELD, min_size=1, max_size=8).map(lambda r: r[:6] + r[6:7]) |
                st.builds(lambda b, k, v, s, c, m: [b, k, v, s, c, "", m], FIELD, FIELD, FIELD,
                          st.sampled_from(["succeeded", "failed"]), st.sampled_from(["200", "500", "²²²"]), SENTIMENT),
                min_size=1, max_size=6)


@given(rows=ROWS, encoding=st.sampled_from(["url", "raw"]))
def test_any_result_rows_summarise_and_print(rows: list[list[str]], encoding: str) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    try:
        results = list(parse_result_csv(out.getvalue(), "r.csv", encoding))
    except InputError as error:
        assert "\n" not in str(error)
        return
    summary = summarize(results)
    printed = io.StringIO()
    console = render.console(printed)
    for table in render.summary_tables(summary):
        console.print(table)
    for key, _, _ in summary.sentiment_rows:  # printable keys print exactly, brackets included (no rich markup)
        if key.isascii() and key.isprintable() and key.strip() == key and len(key) < 40:
            assert key in printed.getvalue()
    render.print_json({"summary": summary.to_dict(), "tasks": [result_to_dict(r) for r in results]}, io.StringIO())
    write_csv(results, io.StringIO())


KEY_PARTS = st.sampled_from(["results", "x.csv", "..", ".", "%2e%2e", "a\\b", "", "C:", "n" * 300, "\x00", "ü", "a b"])
REPORT_KEYS = st.lists(st.lists(KEY_PARTS | st.text(max_size=12), min_size=1, max_size=4).map("/".join), max_size=5)


@given(keys=REPORT_KEYS)
def test_a_download_plan_stays_inside_the_folder_or_is_refused(tmp_path_factory: pytest.TempPathFactory,
                                                               keys: list[str]) -> None:
    from s3batch.jobs.report import ReportFile, download_plan

    dest = tmp_path_factory.mktemp("dl")
    try:
        plan = download_plan(LOCATION, [ReportFile("rep", "r/job-1/" + key) for key in keys], dest)
    except InputError as error:
        assert str(error).startswith("refusing report key") and "\n" not in str(error)
        return
    targets = [target for _, target in plan]
    assert len(set(targets)) == len(targets)  # no two keys share a file
    assert all(t.is_relative_to(dest.resolve()) and t != dest.resolve() for t in targets)
    assert not any(a in b.parents for a in targets for b in targets)  # no file is another's folder
    assert list(dest.iterdir()) == []  # planning writes nothing
