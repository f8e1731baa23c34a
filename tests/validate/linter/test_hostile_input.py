"""Issue 11 reproducers for the linter: hostile JSON is a finding or one input-error line (exit 2), never a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from s3batch.cli import main
from s3batch_core.contract.limits import MAX_JSON_DEPTH, MAX_STATEMENTS
from validate.linter import lint_document, lint_paths
from validate.linter.engine import json_source
from validate.linter.model import parse_policy


def test_a_list_version_is_a_malformed_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"Version":[],"Statement":[]}', encoding="utf-8")
    code, (out, err) = main(["lint", str(path)]), capsys.readouterr()
    assert (code, err) == (1, "")
    assert "S3B000" in out and "Version [] is not 2012-10-17" in out


def test_unhashable_values_anywhere_are_findings() -> None:
    document = {"Version": {"a": 1}, "Statement": [{"Effect": ["Allow"], "Action": [["s3:GetObject"]],
                                                    "Resource": {"x": 1}, "Condition": {"StringEquals": [1]}}]}
    assert sorted((f.rule, f.message) for f in lint_document(document)) == [
        ("S3B000", "Version {'a': 1} is not 2012-10-17"),
        ("S3B000", "statement #1 has Effect ['Allow']; it must be Allow or Deny"),
        ("S3B000", "statement #1: Condition StringEquals must map keys to values"),
        ("S3B000", "statement #1: every Action entry must be a string"),
        ("S3B000", "statement #1: every Resource entry must be a string"),
    ]


def _nested(depth: int, leaf: object) -> object:
    for _ in range(depth):
        leaf = [leaf]
    return leaf


@pytest.mark.parametrize("document", [
    '{"Version":"2012-10-17","Statement":' + "[" * 1000 + "]" * 1000 + "}",
    '{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",'
    '"Condition":{"StringEquals":{"aws:SourceAccount":' + "[" * 990 + '"1"' + "]" * 990 + "}}}]}",
], ids=["statement-list-1000-deep", "condition-value-990-deep"])
def test_deep_nesting_is_one_input_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], document: str) -> None:
    path = tmp_path / "deep.json"
    path.write_text(document, encoding="utf-8")
    code, (out, err) = main(["lint", str(path)]), capsys.readouterr()
    assert code == 2 and out == ""
    assert err.splitlines() == [f"s3batch: error: {path}: nested more than {MAX_JSON_DEPTH} levels deep (the limit for this input)"]


def test_parse_policy_stops_at_the_depth_limit_without_recursing() -> None:
    policy = parse_policy({"Statement": [{"Effect": "Allow", "Condition": {"StringEquals": {"k": _nested(5000, "x")}}}]})
    assert policy.statements == ()
    assert policy.problems == (f"the policy nests more than {MAX_JSON_DEPTH} levels deep",)


def test_too_many_statements_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("validate.linter.engine.MAX_STATEMENTS", 3)
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"Statement": [{"Effect": "Allow"}] * 4}), encoding="utf-8")
    with pytest.raises(Exception, match=r"4 statements, more than the limit of 3 per policy"):
        json_source(path)
    assert MAX_STATEMENTS >= 100_000  # the benchmark's 100k-statement file must stay lintable


def test_duplicate_keys_keep_the_last_value_and_lines_are_counted_once(tmp_path: Path) -> None:
    path = tmp_path / "dup.json"
    path.write_text('{"Statement":[{' + '"Effect":0,' * 999 + '"Effect":"Allow"}]}', encoding="utf-8")
    assert {f.rule for f in lint_paths([path])} == {"S3B000"}  # no Action: malformed, and no crash
