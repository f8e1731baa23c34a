"""Issue 11 reproducers for the Terraform reader: cycles, non-UTF-8 file(), deep JSON and heredocs inside
jsonencode are findings naming the file or block (or one input-error line), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from s3batch.cli import main
from s3batch_core.contract.limits import MAX_JSON_DEPTH
from validate.linter import lint_paths

POLICY = 'resource "aws_iam_policy" "p" {{\n  policy = {value}\n}}\n'
DEEP_JSON = '{"Statement":' + "[" * 1000 + "]" * 1000 + "}"


def _module(tmp_path: Path, main_tf: str, **files: bytes) -> Path:
    (tmp_path / "main.tf").write_text(main_tf, encoding="utf-8")
    for name, data in files.items():
        (tmp_path / name.replace("_", ".")).write_bytes(data)
    return tmp_path


def _s3b000(path: Path) -> list[str]:
    return [f.message for f in lint_paths([path]) if f.rule == "S3B000"]


SELF = ('data "aws_iam_policy_document" "a" {{\n  source_policy_documents = {}\n'
        '  statement {{\n    actions   = ["s3:GetObject"]\n    resources = ["arn:aws:s3:::b/*"]\n  }}\n}}\n')
PAIR = ('data "aws_iam_policy_document" "a" {\n  source_policy_documents = [data.aws_iam_policy_document.b.json]\n}\n'
        'data "aws_iam_policy_document" "b" {\n  override_policy_documents = [data.aws_iam_policy_document.a.json]\n}\n')


@pytest.mark.parametrize(("documents", "where"), [
    (SELF.format("[data.aws_iam_policy_document.a.json]"), "a"),
    (SELF.format("toset([data.aws_iam_policy_document.a.json])"), "a"),
    (PAIR, "b"),
], ids=["self", "self-in-toset", "two-documents"])
def test_a_document_including_itself_is_a_finding(tmp_path: Path, documents: str, where: str) -> None:
    main_tf = documents + POLICY.format(value="data.aws_iam_policy_document.a.json")
    assert _s3b000(_module(tmp_path, main_tf)) == [
        f"data.aws_iam_policy_document.{where}: source_policy_documents / override_policy_documents include it again "
        "(a cycle) or nest more than 8 documents deep"]


def test_a_for_each_cycle_through_toset_is_unknown(tmp_path: Path) -> None:
    main_tf = ('locals {\n  a = toset(local.b)\n  b = toset(local.a)\n}\n'
               'data "aws_iam_policy_document" "a" {\n  dynamic "statement" {\n    for_each = toset(local.a)\n'
               '    content {\n      actions   = ["s3:GetObject"]\n      resources = [statement.value]\n    }\n  }\n}\n'
               + POLICY.format(value="data.aws_iam_policy_document.a.json"))
    assert {f.rule for f in lint_paths([_module(tmp_path, main_tf)])} == {"S3B115"}


def test_a_non_utf8_file_is_a_finding_naming_the_file(tmp_path: Path) -> None:
    module = _module(tmp_path, POLICY.format(value='file("${path.module}/p.bin")'), p_bin=b'\xff\xfe{"Statement":[]}')
    (message,) = _s3b000(module)
    assert message == f"{tmp_path / 'p.bin'} is not UTF-8 text (invalid start byte at byte 0)"


@pytest.mark.parametrize("value", ['file("${path.module}/p.txt")', f"<<EOT\n{DEEP_JSON}\nEOT"],
                         ids=["file", "heredoc"])
def test_json_nested_1000_deep_is_a_finding(tmp_path: Path, value: str) -> None:
    (message,) = _s3b000(_module(tmp_path, POLICY.format(value=value), p_txt=DEEP_JSON.encode()))
    assert message.endswith(f"nests more than {MAX_JSON_DEPTH} levels deep (the limit for a policy)")


def test_a_jsonencode_nested_too_deep_is_a_finding_or_one_input_error(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    value = "jsonencode({Statement = " + "[" * 100 + "]" * 100 + "})"
    (message,) = _s3b000(_module(tmp_path, POLICY.format(value=value)))
    assert message == f"the jsonencode(...) policy cannot be read: nests more than {MAX_JSON_DEPTH} levels deep (the limit for a policy)"
    _module(tmp_path, POLICY.format(value="jsonencode({Statement = " + "[" * 1000 + "]" * 1000 + "})"))
    assert main(["lint", str(tmp_path)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"s3batch: error: {tmp_path / 'main.tf'}: cannot parse Terraform: expressions nest too deeply for the parser"]


def test_a_heredoc_inside_jsonencode_is_read(tmp_path: Path) -> None:
    value = ('jsonencode({\n    Version = "2012-10-17"\n    Statement = [{\n      Effect = "Allow"\n'
             '      Action = "s3:GetObject"\n      Resource = <<EOT\narn:aws:s3:::b/*\nEOT\n    }]\n  })')
    module = _module(tmp_path, POLICY.format(value=value))
    assert [f.rule for f in lint_paths([module]) if f.severity.value == "error"] == []
    value = value.replace("Resource = <<EOT\narn:aws:s3:::b/*\nEOT", 'Resource = "*"\n      Condition = <<-EOT\n'
                          '        {"StringEquals": {"aws:SourceAccount": "111122223333"}}\n        EOT')
    (message,) = _s3b000(_module(tmp_path, POLICY.format(value=value)))
    assert message == "statement #1: Condition must be an object"  # jsonencode of a heredoc is a string, as in Terraform


def test_a_tf_file_over_the_size_limit_is_one_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("s3batch_core.terraform.load.MAX_POLICY_BYTES", 10)
    _module(tmp_path, POLICY.format(value='"{}"'))
    assert main(["lint", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip().endswith("bytes, more than the 10-byte limit for this input")


@pytest.mark.parametrize("locals_tf", [
    'locals {\n  dir = "${local.dir}/x"\n}\n',                                   # a local naming itself
    'locals {\n  a = "${local.b}/x"\n  b = "${local.a}/y"\n}\n',               # two naming each other
], ids=["self", "pair"])
def test_a_policy_file_path_through_cyclic_locals_is_unreadable_not_a_crash(tmp_path: Path, locals_tf: str) -> None:
    name = "dir" if "dir" in locals_tf else "a"
    module = _module(tmp_path, locals_tf + POLICY.format(value=f'file("${{local.{name}}}/p.json")'))
    assert [f.rule for f in lint_paths([module])] == []  # the path stays unknown: the file is not read, not guessed


def test_an_expression_that_fails_to_evaluate_inside_jsonencode_is_an_unknown_value(tmp_path: Path) -> None:
    value = ('jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "s3:GetObject", '
             'Resource = "arn:aws:s3:::b/${1 / 0}", Condition = {StringEquals = {"aws:SourceAccount" = regex("(", "x")}}}]})')
    assert [f.rule for f in lint_paths([_module(tmp_path, POLICY.format(value=value))])] == []
