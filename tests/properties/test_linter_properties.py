"""The linter on arbitrary input (issue 11): JSON of any shape and Terraform built from arbitrary values give
findings or one input error (exit 2), never another exception."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from s3batch.cli import main
from s3batch_core.errors import InputError
from validate.linter import lint_document, lint_paths

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30)
POLICY_WORDS = st.sampled_from(["Version", "Statement", "Effect", "Action", "NotAction", "Resource", "NotResource",
                                "Principal", "NotPrincipal", "Condition", "Sid", "Allow", "Deny", "*", "s3:GetObject",
                                "AWS", "Service", "StringEquals", "2012-10-17", "S3BatchLintIgnore", "rule", "reason"])
KEYS = POLICY_WORDS | st.text(max_size=10)
JSON_VALUES = st.recursive(SCALARS | POLICY_WORDS,
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
                           max_leaves=30)
DOCUMENTS = st.dictionaries(POLICY_WORDS, JSON_VALUES, max_size=4) | JSON_VALUES


@given(document=DOCUMENTS, operation=st.sampled_from([None, "LambdaInvoke", "S3PutObjectTagging"]))
def test_any_json_document_lints_without_an_exception(document: object, operation: str | None) -> None:
    findings = lint_document(document, operation=operation)
    assert all(f.rule.startswith("S3B") for f in findings)


@given(text=st.text(max_size=200) | DOCUMENTS.map(json.dumps))
def test_any_json_file_is_findings_or_one_input_error(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("lint") / "policy.json"
    path.write_text(text, encoding="utf-8")
    try:
        lint_paths([path])
    except InputError as error:
        assert "\n" not in str(error) and str(path) in str(error)


HCL_STRINGS = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters='"\\$%'), max_size=20)
TF_VALUES = st.one_of(
    HCL_STRINGS.map(lambda s: f'"{s}"'),
    JSON_VALUES.map(lambda v: "<<EOT\n" + json.dumps(v) + "\nEOT"),
    JSON_VALUES.map(lambda v: f"jsonencode({json.dumps(v)})"),
    st.builds(lambda action, resource, cond: (
        'jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = ' + json.dumps(action)
        + ", Resource = " + json.dumps(resource) + ", Condition = <<EOT\n" + json.dumps(cond) + "\nEOT\n}]})"),
        HCL_STRINGS, HCL_STRINGS, JSON_VALUES),
    st.sampled_from(["data.aws_iam_policy_document.doc.json", 'file("${path.module}/p.json")', "var.policy",
                     "local.missing", 'templatefile("${path.module}/p.json", {})']),
)


@given(value=TF_VALUES, statement_actions=st.lists(HCL_STRINGS, max_size=3), file_body=st.binary(max_size=60),
       sources=st.sampled_from(["[]", "[data.aws_iam_policy_document.doc.json]", "toset([data.aws_iam_policy_document.doc.json])"]))
def test_terraform_from_arbitrary_values_is_findings_or_one_input_error(
        tmp_path_factory: pytest.TempPathFactory, value: str, statement_actions: list[str], file_body: bytes,
        sources: str) -> None:
    folder = tmp_path_factory.mktemp("tf")
    (folder / "p.json").write_bytes(file_body)
    (folder / "main.tf").write_text(
        f'resource "aws_iam_policy" "p" {{\n  policy = {value}\n}}\n'
        f'data "aws_iam_policy_document" "doc" {{\n  source_policy_documents = {sources}\n'
        f'  statement {{\n    actions   = {json.dumps(statement_actions)}\n    resources = ["*"]\n  }}\n}}\n',
        encoding="utf-8")
    try:
        findings = lint_paths([folder / "main.tf"])
    except InputError as error:
        assert "\n" not in str(error)
        return
    assert all(f.rule.startswith("S3B") for f in findings)


def test_the_cli_never_exits_70_on_a_fuzzed_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"Version":[],"Statement":[{"Effect":{},"Action":[[]],"Condition":{"A":{"k":[[[]]]}}}]}')
    assert main(["lint", str(path)]) == 1
    assert "internal error" not in capsys.readouterr().err
