"""Policy templates: templatefile() in Terraform and .json.tpl/.tftpl files named on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from s3batch.cli import main
from tests.validate.linter.conftest import TF
from validate.linter import lint_paths
from validate.linter.templates import read_template

TEMPLATES = TF / "template_policy"


def test_templatefile_is_linted_with_literal_values_or_warned_about_naming_its_variables() -> None:
    findings = [f for f in lint_paths([TEMPLATES]) if not f.suppressed]
    mismatch = [f for f in findings if f.rule == "S3B103"]
    # object actions on arn:aws:s3:::media-archive (the call's literal value), nothing else
    assert {f.message.split(":")[0] for f in mismatch} == {"statement #2"} and "PutObjectTagging" in mismatch[0].message
    assert "S3B000" not in {f.rule for f in findings}
    (warning,) = [f for f in findings if f.rule == "S3B116"]  # looped.tftpl cannot be read without its values
    assert warning.severity.value == "warning"
    assert "looped.tftpl" in warning.message and "buckets" in warning.message and "first_bucket" in warning.message


def test_template_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(TEMPLATES / "batch.json.tpl"), "--format", "json"]) == 1
    rules = [(f["rule"], f["line"]) for f in json.loads(capsys.readouterr().out)["findings"]]
    assert ("S3B103", 10) in rules  # the statement's own line
    assert main(["lint", str(TEMPLATES / "looped.tftpl")]) == 0  # a warning does not fail
    assert "S3B116" in capsys.readouterr().out


def test_template_that_is_no_policy_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "user_data.tftpl"
    path.write_text("#!/bin/sh\necho ${name}\n", encoding="utf-8")
    assert lint_paths([path]) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::${b}/*"}]}',
         "arn:aws:s3:::data/*"),
        ('{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": ${jsonencode(arns)}}]}',
         "${jsonencode(arns)}"),
        ('{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "$${aws:username}"}]}',
         "${aws:username}"),
    ],
)
def test_read_template_fills_literals_and_keeps_unknowns(text: str, expected: str) -> None:
    read = read_template(text, {"b": "data"}, "t")
    assert read.error is None and read.document["Statement"][0]["Resource"] == expected
