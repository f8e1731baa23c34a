"""`s3batch lint` through s3batch.cli.main: formats and exit codes 0, 1, 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from s3batch.cli import main
from validate.linter import lint_paths
from tests.validate.linter.conftest import TF, allow, batch_statement, trust


def _write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def test_clean_policy_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path / "trust.json", trust(batch_statement()))
    assert main(["lint", str(path)]) == 0
    out = capsys.readouterr().out
    assert "S3B008" not in out and "1 info finding(s) hidden; --show-info shows them" in out
    assert main(["lint", str(path), "--show-info"]) == 0
    assert "info S3B008" in capsys.readouterr().out


def test_a_named_tf_file_reports_only_its_own_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "changed.tf").write_text(_tf_policy("changed", "s3:GetObject"), encoding="utf-8")
    (tmp_path / "untouched.tf").write_text(_tf_policy("untouched", "s3:*"), encoding="utf-8")
    assert main(["lint", str(tmp_path / "changed.tf"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []
    assert main(["lint", str(tmp_path), "--format", "json"]) == 1  # the directory: every file
    assert {f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]} == {"S3B101"}
    assert main(["lint", str(tmp_path / "changed.tf"), str(tmp_path / "untouched.tf")]) == 1


def _tf_policy(name: str, action: str) -> str:
    policy = json.dumps(allow(action, "arn:aws:s3:::b/*"))
    return f'resource "aws_iam_policy" "{name}" {{\n  name   = "{name}"\n  policy = <<EOT\n{policy}\nEOT\n}}\n'


@pytest.mark.parametrize(("name", "document", "flags", "code", "found"), [
    ("p.json", allow("s3:*", "*"), [], 1, [("S3B101", 5, None)]),  # at the statement's line
    ("p.json", allow("s3:GetObject", "arn:aws:s3:::m/manifests/*"), ["--operation", "S3PutObjectTagging"], 1,
     [("S3B111", 1, None)] * 2),
    ("p.json", {**allow("s3:*", "arn:aws:s3:::b/*"), "S3BatchLintIgnore": [{"rule": "S3B101", "reason": "sandbox"}]},
     [], 0, [("S3B101", 5, "sandbox")]),
    ("package.json", {"name": "x"}, [], 0, []),  # not a policy: skipped
], ids=["error-exits-1", "operation-flag", "suppressed-exits-0", "non-policy-skipped"])
def test_json_file_exit_code_and_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str,
                                          document: dict, flags: list[str], code: int, found: list[tuple]) -> None:
    assert main(["lint", str(_write(tmp_path / name, document)), "--format", "json", *flags]) == code
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule"], f["line"], f.get("suppressed")) for f in findings] == found


@pytest.mark.parametrize(
    ("name", "argv", "message"),
    [
        ("missing-file", ["lint", "nope.json"], "nope.json: no such file or directory"),
        ("broken-terraform", ["lint", str(TF / "broken")], "broken/main.tf: cannot parse Terraform"),
        ("wrong-suffix", ["lint", __file__], "not a .tf, .json, .json.tpl or .tftpl file"),
    ],
)
def test_unreadable_input_exits_2(name: str, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("s3batch: error: ") and message in err and err.count("\n") == 1


def test_invalid_json_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"Version": ', encoding="utf-8")
    assert main(["lint", str(path)]) == 2
    assert "p.json: not valid JSON" in capsys.readouterr().err


def test_bad_operation_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["lint", "x.json", "--operation", "S3Teleport"])
    assert exit_info.value.code == 2


def test_sarif_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path / "p.json", allow("s3:PutObject", "*"))
    assert main(["lint", str(path), "--format", "sarif"]) == 1
    log = json.loads(capsys.readouterr().out)
    assert log["version"] == "2.1.0" and log["runs"][0]["results"][0]["ruleId"] == "S3B102"


def test_jsonencode_and_heredoc_statements_have_their_own_lines(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_iam_policy" "encoded" {\n'  # 1
        '  name = "encoded"\n'  # 2
        "  policy = jsonencode({\n"  # 3
        '    Version = "2012-10-17"\n'  # 4
        "    Statement = [\n"  # 5
        '      { Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::b/*" },\n'  # 6
        '      { Effect = "Allow", Action = "s3:*", Resource = "arn:aws:s3:::b/*" },\n'  # 7
        "    ]\n  })\n}\n"  # 8-10
        'resource "aws_iam_policy" "heredoc" {\n'  # 11
        '  name   = "heredoc"\n'  # 12
        "  policy = <<-EOT\n"  # 13
        '    {"Version": "2012-10-17", "Statement": [\n'  # 14
        '      {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},\n'  # 15
        '      {"Effect": "Allow", "Action": "s3:GetObjcet", "Resource": "arn:aws:s3:::b/*"}\n'  # 16
        "    ]}\n    EOT\n}\n",
        encoding="utf-8",
    )
    assert {(f.rule, f.line) for f in lint_paths([tmp_path])} == {("S3B101", 7), ("S3B104", 16)}


def test_text_findings_escape_control_characters_from_the_policy(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A value with a newline or a terminal escape sequence cannot add a line or drive the terminal."""
    path = _write(tmp_path / "p.json", allow("s3:Get\nObject\x1b[2J", "*"))
    assert main(["lint", str(path)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\x1b[2J" in out
    finding_lines = [line for line in out.splitlines() if " S3B" in line]
    assert finding_lines and all("\\n" in line for line in finding_lines if "Get" in line)
