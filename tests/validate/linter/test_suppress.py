"""Suppressions: mandatory reasons, reported as suppressed, never dropped, not counted in the exit code."""

from __future__ import annotations

from collections.abc import Callable

from tests.validate.linter.conftest import allow
from validate.linter import exit_code
from validate.linter.sources import parse_comment_suppressions

STAR = allow("s3:PutObject", "*")


def test_json_suppression_with_reason(findings_of: Callable) -> None:
    document = {**STAR, "S3BatchLintIgnore": [{"rule": "S3B102", "reason": "legacy role, OPS-12"}]}
    (finding,) = findings_of(document)  # S3BatchLintIgnore is stripped: no "unknown top-level key" S3B000
    assert (finding.rule, finding.suppressed) == ("S3B102", "legacy role, OPS-12")
    assert finding.to_dict()["suppressed"] == "legacy role, OPS-12"
    assert exit_code([finding]) == 0


def test_suppression_without_reason_is_an_error(findings_of: Callable) -> None:
    findings = findings_of({**STAR, "S3BatchLintIgnore": [{"rule": "S3B102"}]})
    assert sorted(f.rule for f in findings) == ["S3B090", "S3B102"]
    assert all(f.suppressed is None for f in findings)
    assert exit_code(findings) == 1


def test_unknown_rule_and_bad_entries_are_errors(findings_of: Callable) -> None:
    findings = findings_of({**allow("s3:GetObject", "arn:aws:s3:::b/*"), "S3BatchLintIgnore": [{"rule": "S3B777", "reason": "x"}, "S3B102"]})
    assert sorted(f.message for f in findings) == [
        "suppression names no rule id (write: s3batch:ignore S3B001 <reason>)",
        "suppression names unknown rule S3B777",
    ]


def test_comment_syntax() -> None:
    text = "a\n  # s3batch:ignore S3B102,s3b101 two rules, one reason\n// s3batch:ignore S3B110\n# s3batch:ignore\n"
    found = parse_comment_suppressions(text, "main.tf", first_line=10)
    assert [(s.rule, s.reason, s.line) for s in found] == [
        ("S3B102", "two rules, one reason", 11),
        ("S3B101", "two rules, one reason", 11),
        ("S3B110", "", 12),
        ("", "", 13),
    ]
