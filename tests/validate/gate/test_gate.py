"""The pre-merge gate: each step's verdict, the artefacts, and one run over the repository's terraform/."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest

from s3batch.cli import main
from validate.gate import (FAILED, PASSED, SKIPPED, GateOptions, GateReport, Step, checkov_step_from, find_checkov,
                           format_text, run_gate)
from validate.generate import generate

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "validate" / "linter" / "fixtures" / "terraform"
TRUST = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "batchoperations.s3.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'


def _tree(tmp_path: Path, *, policy: str) -> Path:
    """A one-file Terraform tree with a batch role for S3PutObjectTagging and the given permission JSON."""
    root = tmp_path / "terraform"
    root.mkdir()
    (root / "main.tf").write_text(
        f"""resource "aws_iam_role" "batch" {{
  assume_role_policy = <<-EOT
    {TRUST}
  EOT
  tags = {{ S3BatchOperation = "S3PutObjectTagging" }}
}}

resource "aws_iam_role_policy" "batch" {{
  role   = aws_iam_role.batch.id
  policy = <<-EOT
    {policy}
  EOT
}}
""",
        encoding="utf-8",
    )
    return root


GOOD = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::m/manifests/*"},
    {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::r/reports/*"},
    {"Effect": "Allow", "Action": "s3:PutObjectTagging", "Resource": "arn:aws:s3:::data/*"},
]})


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    """Up-to-date generated templates in a scratch directory."""
    target = tmp_path / "policies"
    generate(target)
    return target


def _options(tmp_path: Path, root: Path, policies: Path | None, **kwargs: object) -> GateOptions:
    settings: dict = {"terraform_dir": root, "out_dir": tmp_path / "out", "checkov": None, "terraform": None, "policies_dir": policies}
    return GateOptions(**{**settings, **kwargs})


def _statuses(report) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {s.name: s.status for s in report.steps}


def _step(report, name: str):  # type: ignore[no-untyped-def]
    return next(s for s in report.steps if s.name == name)


def test_clean_tree_passes_and_writes_artefacts(tmp_path: Path, policies: Path) -> None:
    report = run_gate(_options(tmp_path, _tree(tmp_path, policy=GOOD), policies))
    assert _statuses(report) == {"terraform parse": PASSED, "provider schema": PASSED, "policy lint": PASSED,
                                 "batch role vs catalogue": PASSED, "policy drift": PASSED, "checkov": SKIPPED,
                                 "terraform fmt/validate": SKIPPED}
    assert report.exit_code == 0
    out = tmp_path / "out"
    assert json.loads((out / "lint.json").read_text())["findings"][0]["rule"] == "S3B008"
    assert json.loads((out / "lint.sarif").read_text())["version"] == "2.1.0"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["passed"] is True and [s["name"] for s in summary["steps"]][0] == "terraform parse"
    assert not (out / "checkov.json").exists()
    text = format_text(report)
    assert "SKIP  terraform fmt/validate: terraform is not on PATH" in text
    assert text.splitlines()[-1].startswith("check: passed;")


def test_lint_and_role_errors_fail(tmp_path: Path, policies: Path) -> None:
    document = json.loads(GOOD)
    document["Statement"][1]["Resource"] = "*"
    document["Statement"][2]["Action"] = ["s3:PutObjectTagging", "s3:DeleteObject"]
    report = run_gate(_options(tmp_path, _tree(tmp_path, policy=json.dumps(document)), policies))
    assert _statuses(report)["policy lint"] == FAILED
    assert _statuses(report)["batch role vs catalogue"] == FAILED
    details = {s.name: s.details for s in report.steps}
    assert any("S3B102" in d for d in details["policy lint"])
    assert any("S3B110" in d and "s3:DeleteObject" in d for d in details["batch role vs catalogue"])
    assert report.exit_code == 1


def test_provider_schema_finding_fails_the_gate_with_file_and_line(tmp_path: Path, policies: Path) -> None:
    root = _tree(tmp_path, policy=GOOD)
    text = (root / "main.tf").read_text().replace("  role   = aws_iam_role.batch.id", "  role   = aws_iam_role.batch.id\n  roles  = []")
    (root / "main.tf").write_text(text)
    report = run_gate(_options(tmp_path, root, policies))
    step = _step(report, "provider schema")
    assert step.status == FAILED and "against hashicorp/aws 6.25.0" in step.summary
    assert step.details == [f"{root / 'main.tf'}:10: error TFS002 aws_iam_role_policy: no argument or block 'roles' (did you mean 'role'?)"]
    sarif = json.loads((tmp_path / "out" / "schema.sarif").read_text())
    assert sarif["runs"][0]["results"][0]["ruleId"] == "TFS002"
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 10}
    assert json.loads((tmp_path / "out" / "schema.json").read_text())["findings"][0]["line"] == 10
    assert report.exit_code == 1


def test_another_provider_schema_snapshot_can_be_given(tmp_path: Path, policies: Path) -> None:
    bad = tmp_path / "schema.json"
    bad.write_text("[]")
    report = run_gate(_options(tmp_path, _tree(tmp_path, policy=GOOD), policies, provider_schema=bad))
    step = _step(report, "provider schema")
    assert step.status == FAILED and step.summary == f"{bad}: not a provider schema snapshot (not a JSON object)"


def test_parse_error_fails_naming_the_file(tmp_path: Path, policies: Path) -> None:
    root = _tree(tmp_path, policy=GOOD)
    shutil.copy(FIXTURES / "broken" / "main.tf", root / "broken.tf")
    report = run_gate(_options(tmp_path, root, policies))
    step = report.steps[0]
    assert step.status == FAILED and "1 of 2 files do not parse" in step.summary
    assert "broken.tf: cannot parse Terraform" in step.details[0]


def test_no_batch_role_fails(tmp_path: Path, policies: Path) -> None:
    root = tmp_path / "terraform"
    root.mkdir()
    (root / "main.tf").write_text('variable "x" {}\n', encoding="utf-8")
    assert _statuses(run_gate(_options(tmp_path, root, policies)))["batch role vs catalogue"] == FAILED


def _script(path: Path, body: str) -> Path:
    """An executable shell script standing in for a tool."""
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


FAILED_CHECK = {"check_id": "CKV_AWS_18", "check_name": "Ensure access logging", "file_path": "/main.tf",
                "file_line_range": [3, 9], "resource": "aws_s3_bucket.b"}
CHECKOV_OUTPUT = {"check_type": "terraform", "results": {"failed_checks": [FAILED_CHECK]},
                  "summary": {"passed": 7, "failed": 1, "skipped": 0, "parsing_errors": 0}}


def test_checkov_verdicts() -> None:
    step = checkov_step_from(CHECKOV_OUTPUT)
    assert step.status == FAILED and step.details == ["main.tf:3: CKV_AWS_18 Ensure access logging [aws_s3_bucket.b]"]
    clean = {"check_type": "terraform", "results": {"failed_checks": []}, "summary": {"passed": 8, "parsing_errors": 0}}
    assert checkov_step_from(clean).status == PASSED
    parse_error = {"results": {"failed_checks": []}, "summary": {"passed": 0, "parsing_errors": 1}}
    assert checkov_step_from([parse_error]).status == FAILED


def test_checkov_runs_as_a_subprocess(tmp_path: Path, policies: Path) -> None:
    """A stand-in executable checks the offline flags and environment the gate passes, then prints JSON."""
    fake = _script(tmp_path / "checkov",
                   '[ "$CKV_SKIP_PACKAGE_UPDATE_CHECK" = true ] || exit 3\n'
                   'case "$*" in *"--framework terraform --skip-download -o json"*) ;; *) exit 4;; esac\n'
                   f"cat <<'EOF'\n{json.dumps(CHECKOV_OUTPUT)}\nEOF\n")
    step = _step(run_gate(_options(tmp_path, _tree(tmp_path, policy=GOOD), policies, checkov=fake)), "checkov")
    assert step.status == FAILED and "1 failed" in step.summary
    assert json.loads((tmp_path / "out" / "checkov.json").read_text())["summary"]["failed"] == 1


def _fake_terraform(tmp_path: Path, *, version: str, init: str = "ok", test_exit: int = 0) -> Path:
    """A stand-in terraform: `version -json`, `init` (ok or offline), fmt/validate pass, `test` exits test_exit."""
    offline = 'echo "Error: Failed to query available provider packages" >&2; exit 1'
    return _script(tmp_path / "terraform-bin",
                   'case "$*" in\n'
                   f'  "version -json") echo \'{{"terraform_version": "{version}"}}\' ;;\n'
                   f'  *" init "*) {"exit 0" if init == "ok" else offline} ;;\n'
                   f'  *" test "*) echo "Error: Test assertion failed" >&2; exit {test_exit} ;;\n'
                   "  *) exit 0 ;;\n"
                   "esac\n")


@pytest.mark.parametrize(("version", "init", "test_exit", "status", "words"), [
    ("1.9.8", "ok", 0, PASSED, "1 root modules pass"),
    ("1.9.8", "ok", 1, FAILED, "Error: Test assertion failed"),
    ("1.6.6", "ok", 0, SKIPPED, "terraform 1.6 is older than 1.7"),
    ("1.9.8", "offline", 0, SKIPPED, "cannot download providers"),
])
def test_terraform_test_step(tmp_path: Path, policies: Path, version: str, init: str, test_exit: int, status: str,
                             words: str) -> None:
    root = _tree(tmp_path, policy=GOOD)
    (root / "tests").mkdir()
    (root / "tests" / "role.tftest.hcl").write_text('run "plan" {\n  command = plan\n}\n')
    fake = _fake_terraform(tmp_path, version=version, init=init, test_exit=test_exit)
    step = _step(run_gate(_options(tmp_path, root, policies, terraform=str(fake))), "terraform test")
    assert step.status == status
    assert words in step.summary + " ".join(step.details)


@pytest.mark.skipif(not (REPO / "terraform").is_dir(), reason="terraform/ does not exist yet (helper TERRAFORM)")
def test_repository_terraform_passes_without_checkov(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Integration: the gate over the repository's own terraform/ (checkov and the terraform CLI left out)."""
    monkeypatch.chdir(REPO)
    monkeypatch.setattr("validate.gate.default_terraform", lambda: None)
    code = main(["check", "--skip-checkov", "--format", "json", "--out-dir", str(tmp_path / "check")])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0, [s for s in summary["steps"] if s["status"] == FAILED]
    assert {s["name"]: s["status"] for s in summary["steps"]}["batch role vs catalogue"] == PASSED


@pytest.mark.parametrize("given", [True, False], ids=["policies-dir", "found-under-terraform-dir"])
def test_drift_checks_the_given_or_found_generated_folder(tmp_path: Path, given: bool) -> None:
    root = _tree(tmp_path, policy=GOOD)
    folder = tmp_path / "policies" if given else root / "vendor" / "batch_role" / "policies"
    generate(folder)
    options = _options(tmp_path, root, folder if given else None)
    drift = _step(run_gate(options), "policy drift")
    assert drift.status == PASSED and f"{folder} matches the catalogue" in drift.summary
    (folder / "trust.json.tftpl").write_text("{}", encoding="utf-8")
    drift = _step(run_gate(options), "policy drift")
    assert drift.status == FAILED and any("trust.json.tftpl" in d for d in drift.details)


@pytest.mark.parametrize(("options", "status", "words"), [
    ({"checkov": Path("/nonexistent/checkov")}, FAILED, "make check installs it"),
    ({"checkov_absent": "not installed: no checkov on PATH"}, SKIPPED, "not installed: no checkov on PATH"),
    ({"checkov_absent": "not installed", "require_checkov": True}, FAILED, "--require-checkov"),
], ids=["missing", "absent", "absent-but-required"])
def test_checkov_not_there_is_skipped_with_the_reason_or_fails(tmp_path: Path, policies: Path, options: dict,
                                                               status: str, words: str) -> None:
    report = run_gate(_options(tmp_path, _tree(tmp_path, policy=GOOD), policies, **options))
    step = _step(report, "checkov")
    assert step.status == status and words in step.summary and report.passed == (status != FAILED)


def test_check_finds_checkov_on_path_or_reports_it_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    checkov, reason = find_checkov()
    assert checkov is None and "pip install checkov" in reason
    (tmp_path / "bin").mkdir()
    _script(tmp_path / "bin" / "checkov", "")
    assert find_checkov() == (tmp_path / "bin" / "checkov", "")


def test_check_without_flags_gates_the_working_directory_of_another_repository(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A repository with its .tf files at the root (no terraform/ folder), no checkov, no generated templates (the
    drift check is skipped, saying how to name a folder, and the gate passes)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (_tree(tmp_path, policy=GOOD) / "main.tf").rename(repo / "main.tf")
    monkeypatch.chdir(repo)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # neither checkov nor terraform
    code = main(["check", "--format", "json"])
    steps = {s["name"]: s for s in json.loads(capsys.readouterr().out)["steps"]}
    assert code == 0, steps
    assert steps["batch role vs catalogue"]["status"] == PASSED and "main.tf" in steps["batch role vs catalogue"]["summary"]
    assert steps["checkov"]["status"] == SKIPPED
    assert steps["policy drift"]["status"] == SKIPPED and "--policies-dir" in steps["policy drift"]["summary"]
    assert main(["check", "--require-checkov"]) == 1
    assert "checkov is required" in capsys.readouterr().out
    assert main(["check", "--terraform-dir", "absent"]) == 2


def test_text_report_keeps_each_detail_on_one_line() -> None:
    """Details quote the user's files (paths, policy values): a newline or escape sequence in them is escaped."""
    report = GateReport([Step("policy lint", FAILED, "1 error(s)", ["p.json:3: error S3B104 s3:Get\nObject\x1b[2J"])])
    lines = format_text(report).splitlines()
    assert lines[1] == "      p.json:3: error S3B104 s3:Get\\nObject\\x1b[2J" and len(lines) == 3
