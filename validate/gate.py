"""The pre-merge gate (`make check`, `s3batch check`): every static check of a repository's Terraform, one summary.

The steps, how each is skipped, and the artefacts in build/check/ (each written atomically): docs/linter.md,
"`s3batch check` and `make check`". Works on any repository: the Terraform folder and the policy folders are the
working directory's or flags', nothing comes from where the kit is installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from s3batch_core.errors import InputError, one_line
from s3batch_core.files import write_json_atomically, write_text_atomically
from validate.linter.engine import lint_sources
from validate.linter.findings import Finding
from validate.linter.formats.json import render_json
from validate.linter.formats.sarif import render_sarif, sarif_log
from validate.linter.terraform import Extractor
from s3batch_core.terraform.load import TfFile, display_path, find_tf_files, parse_tf_file
from s3batch_core.terraform.project import TerraformProject

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
ROLE_RULES = frozenset({"S3B110", "S3B111", "S3B112", "S3B113", "S3B114"})
CHECKOV_ENV = {"CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"}
# `terraform init` failing for one of these reasons means "no provider registry here", not broken code.
OFFLINE_MARKERS = ("could not connect to registry", "Failed to query available provider packages", "no such host")
COMMAND_TIMEOUT = 300
LOCAL_CHECKOV = Path(".venv-checkov/bin/checkov")  # where `make check` installs it in this kit's checkout
MIN_TEST_VERSION = (1, 7)  # mock_provider in terraform test
TERRAFORM_CLI_STEPS = ("checkov", "terraform fmt", "terraform validate", "terraform test")


@dataclass
class Step:
    """One check's outcome: passed, failed or skipped, a one-line summary and the failure details."""

    name: str
    status: str
    summary: str
    details: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class GateOptions:
    """Where things are. checkov=None skips checkov (checkov_absent says why; require_checkov makes that a failure);
    terraform=None skips the terraform CLI steps; policies_dir=None checks the generated policy folders found
    under terraform_dir, if any."""

    terraform_dir: Path = Path("terraform")
    out_dir: Path = Path("build/check")
    checkov: Path | None = None
    checkov_absent: str = "--skip-checkov"
    require_checkov: bool = False
    terraform: str | None = None
    policies_dir: Path | None = None
    provider_schema: Path | None = None  # None: the snapshot shipped with the kit


@dataclass
class GateReport:
    """All steps, in order; failed when any step failed."""

    steps: list[Step]

    @property
    def passed(self) -> bool:
        """True when no step failed (skipped steps do not fail the gate)."""
        return all(s.status != FAILED for s in self.steps)

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    def seconds(self, *, without: Sequence[str] = ()) -> float:
        """Total time of the steps, leaving out the named ones."""
        return round(sum(s.seconds for s in self.steps if s.name not in without), 3)

    def to_dict(self) -> dict:
        """The summary.json document."""
        seconds = {"total": self.seconds(),
                   "without_checkov_and_terraform_cli": self.seconds(without=TERRAFORM_CLI_STEPS)}
        return {"passed": self.passed, "exit_code": self.exit_code, "steps": [asdict(s) for s in self.steps],
                "seconds": seconds}


def _timed(name: str, run: Callable[[], Step]) -> Step:
    started = time.perf_counter()
    step = run()
    step.name = name
    step.seconds = round(time.perf_counter() - started, 3)
    return step


def run_gate(options: GateOptions) -> GateReport:
    """Run every step and write the artefacts; never raises for a failing check (only for a missing terraform dir)."""
    if not options.terraform_dir.is_dir():
        raise InputError(f"{options.terraform_dir}: no such directory (the gate checks the Terraform code there)")
    parsed: list[TfFile] = []
    findings: list[Finding] = []
    roles_seen: list[str] = []
    steps = [_timed("terraform parse", lambda: _parse_step(options.terraform_dir, parsed))]
    project = TerraformProject(parsed)
    steps.append(_timed("provider schema", lambda: _schema_step(project, options)))
    steps.append(_timed("policy lint", lambda: _lint_step(project, findings, roles_seen, options.out_dir)))
    steps.append(_timed("batch role vs catalogue", lambda: _role_step(findings, roles_seen)))
    steps.append(_timed("policy drift", lambda: _drift_step(options)))
    steps.append(_timed("checkov", lambda: _checkov_step(options)))
    steps.extend(_terraform_steps(options, root_modules(project)))
    report = GateReport(steps)
    write_json_atomically(options.out_dir / "summary.json", report.to_dict())
    return report


# ---- steps ----------------------------------------------------------------------------------------------------


def _parse_step(terraform_dir: Path, parsed: list[TfFile]) -> Step:
    errors: list[str] = []
    for path in find_tf_files([terraform_dir]):
        try:
            parsed.append(parse_tf_file(path))
        except InputError as exc:
            errors.append(str(exc))
    if not parsed and not errors:
        return Step("", FAILED, f"no .tf files under {terraform_dir}")
    if errors:
        return Step("", FAILED, f"{len(errors)} of {len(parsed) + len(errors)} files do not parse", errors)
    return Step("", PASSED, f"{len(parsed)} files parse")


def _schema_step(project: TerraformProject, options: GateOptions) -> Step:
    from validate.provider_schema import load_schema
    from validate.provider_schema.check import check_project, sarif_rules

    try:
        schema = load_schema(options.provider_schema)
    except InputError as exc:
        return Step("", FAILED, str(exc))
    result = check_project(project, schema)
    write_text_atomically(options.out_dir / "schema.json", render_json(result.findings))
    sarif = sarif_log(result.findings, sarif_rules(), "s3batch-provider-schema")
    write_json_atomically(options.out_dir / "schema.sarif", sarif)
    what = f"{result.checked_blocks} blocks against hashicorp/aws {schema.version}"
    if result.unchecked_types:
        what += f" ({len(result.unchecked_types)} types outside the snapshot not checked: {', '.join(sorted(result.unchecked_types))})"
    return _findings_step(result.findings, what)


def _lint_step(project: TerraformProject, findings: list[Finding], roles_seen: list[str], out_dir: Path) -> Step:
    standalone, roles = Extractor(project).extract()
    findings.extend(lint_sources(standalone, roles))
    roles_seen.extend(f"{r.address} ({r.file}) as {r.operation or 'no operation'}" for r in roles)
    write_text_atomically(out_dir / "lint.json", render_json(findings))
    write_text_atomically(out_dir / "lint.sarif", render_sarif(findings))
    own = [f for f in findings if f.rule not in ROLE_RULES]
    return _findings_step(own, f"{len(standalone) + sum(len(r.trust) + len(r.permissions) for r in roles)} policies")


def _role_step(findings: list[Finding], roles_seen: list[str]) -> Step:
    if not roles_seen:
        return Step("", FAILED, "no role trusting batchoperations.s3.amazonaws.com found in the Terraform code")
    own = [f for f in findings if f.rule in ROLE_RULES]
    return _findings_step(own, "; ".join(roles_seen))


def _findings_step(findings: list[Finding], what: str) -> Step:
    from validate.linter.formats.text import location, summary_line

    blocking = [f for f in findings if f.blocking]
    details = [f"{location(f)}: {f.severity.value} {f.rule} {f.message}" for f in blocking]
    status = FAILED if blocking else PASSED
    return Step("", status, f"{what}: {summary_line(findings)}", details)


def _drift_step(options: GateOptions) -> Step:
    from validate.generate import drift, generated_dirs

    folders = [options.policies_dir] if options.policies_dir else generated_dirs(options.terraform_dir)
    if not folders:
        return Step("", SKIPPED, f"no generated policy templates under {display_path(options.terraform_dir)} "
                                 "(--policies-dir names a folder to compare with the catalogue)")
    problems = [problem for folder in folders for problem in drift(folder)]
    if problems:
        return Step("", FAILED, f"{len(problems)} generated policy files are stale (run make policies)", problems)
    return Step("", PASSED, f"{', '.join(display_path(f) for f in folders)} matches the catalogue")


def _checkov_step(options: GateOptions) -> Step:
    target = options.out_dir / "checkov.json"
    if options.checkov is None:
        target.unlink(missing_ok=True)  # never leave a stale result beside a skipped run
        if options.require_checkov:
            return Step("", FAILED, f"checkov is required (--require-checkov) but was not run: {options.checkov_absent}")
        return Step("", SKIPPED, f"checkov skipped ({options.checkov_absent})")
    if not options.checkov.is_file():
        return Step("", FAILED, f"checkov not found at {options.checkov} (make check installs it in .venv-checkov)")
    command = [str(options.checkov), "-d", str(options.terraform_dir), "--framework", "terraform", "--skip-download", "-o", "json"]
    try:
        done = _run(command, CHECKOV_ENV)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Step("", FAILED, f"checkov did not run: {exc}")
    try:
        output = json.loads(done.stdout)
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return Step("", FAILED, f"checkov printed no JSON (exit {done.returncode}): {last}")
    write_json_atomically(target, output)
    return checkov_step_from(output)


def checkov_step_from(output: object) -> Step:
    """Judge checkov's JSON: parsing errors and failed checks fail the step."""
    reports = output if isinstance(output, list) else [output]
    parsing_errors, passed, failed_lines = 0, 0, []
    for report in reports:
        if not isinstance(report, dict):
            continue
        summary = report.get("summary", report)
        parsing_errors += int(summary.get("parsing_errors", 0) or 0)
        passed += int(summary.get("passed", 0) or 0)
        for check in report.get("results", {}).get("failed_checks", []):
            lines = check.get("file_line_range") or []
            where = f"{check.get('file_path', '?').lstrip('/')}:{lines[0]}" if lines else check.get("file_path", "?")
            failed_lines.append(f"{where}: {check.get('check_id')} {check.get('check_name')} [{check.get('resource')}]")
    details = ([f"{parsing_errors} file(s) checkov could not parse"] if parsing_errors else []) + failed_lines
    status = FAILED if details else PASSED
    return Step("", status, f"{passed} passed, {len(failed_lines)} failed, {parsing_errors} parsing errors", details)


def _terraform_steps(options: GateOptions, roots: list[Path]) -> list[Step]:
    binary = options.terraform
    if binary is None:
        return [Step("terraform fmt/validate", SKIPPED,
                     "terraform is not on PATH: terraform fmt -check, terraform validate and terraform test skipped")]
    return [
        _timed("terraform fmt", lambda: _fmt_step(binary, options.terraform_dir)),
        _timed("terraform validate", lambda: _in_roots(binary, options, roots, "validate", "valid")),
        _timed("terraform test", lambda: _test_step(binary, options, roots)),
    ]


def _run(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, capture_output=True, text=True, timeout=COMMAND_TIMEOUT, env={**os.environ, **(env or {})}, check=False
    )


def _fmt_step(binary: str, terraform_dir: Path) -> Step:
    done = _run([binary, "fmt", "-check", "-recursive", "-no-color", str(terraform_dir)])
    if done.returncode == 0:
        return Step("", PASSED, "terraform fmt -check -recursive: formatted")
    files = [line for line in done.stdout.splitlines() if line.strip()]
    return Step("", FAILED, f"{len(files)} files need terraform fmt", files or done.stderr.strip().splitlines()[-3:])


def _in_roots(binary: str, options: GateOptions, roots: list[Path], command: str, passed: str) -> Step:
    """`terraform init` then `terraform <command>` in each root module: failed, skipped (no registry) or passed."""
    failures: list[str] = []
    offline: list[str] = []
    for root in roots:
        data_dir = (options.out_dir / "terraform-data" / display_path(root).replace(os.sep, "_")).resolve()
        env = {"TF_DATA_DIR": str(data_dir), "TF_IN_AUTOMATION": "1"}
        init = _run([binary, f"-chdir={root}", "init", "-backend=false", "-input=false", "-no-color"], env)
        text = init.stdout + init.stderr
        if init.returncode == 0:
            done = _run([binary, f"-chdir={root}", command, "-no-color"], env)
            if done.returncode != 0:
                failures.append(f"{display_path(root)}: {_last_error(done.stdout + done.stderr)}")
        elif any(marker in text for marker in OFFLINE_MARKERS):
            offline.append(display_path(root))
        else:
            failures.append(f"{display_path(root)}: terraform init failed: {_last_error(text)}")
    if failures:
        return Step("", FAILED, f"terraform {command} failed in {len(failures)} of {len(roots)} root modules", failures)
    if offline:
        return Step(
            "", SKIPPED,
            f"terraform {command} skipped: terraform init cannot download providers here (no registry access) for {', '.join(offline)}",
        )
    return Step("", PASSED, f"terraform {command}: {len(roots)} root modules {passed}")


def _test_step(binary: str, options: GateOptions, roots: list[Path]) -> Step:
    """`terraform test` in each root module with a tests/ directory (mock_provider needs Terraform >= 1.7)."""
    with_tests = [root for root in roots if any((root / "tests").glob("*.tftest.hcl"))]
    if not with_tests:
        return Step("", SKIPPED, "no tests/*.tftest.hcl in any root module")
    version = _terraform_version(binary)
    if version is None or version < MIN_TEST_VERSION:
        shown = ".".join(map(str, version)) if version else "unknown"
        return Step("", SKIPPED, f"terraform test skipped: terraform {shown} is older than 1.7 (mock_provider)")
    return _in_roots(binary, options, with_tests, "test", "pass")


def _terraform_version(binary: str) -> tuple[int, ...] | None:
    done = _run([binary, "version", "-json"])
    try:
        text = json.loads(done.stdout)["terraform_version"]
        return tuple(int(part) for part in text.split("-")[0].split(".")[:2])
    except (json.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


def _last_error(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error")]
    return (errors or lines or ["no output"])[0]


def root_modules(project: TerraformProject) -> list[Path]:
    """Directories with .tf files that no module block calls (the roots terraform validate runs in)."""
    called = set(project.callers)
    return sorted(path for path in project.modules if path not in called)


def format_text(report: GateReport) -> str:
    """One line per step (details indented), then the verdict."""
    marks = {PASSED: "PASS", FAILED: "FAIL", SKIPPED: "SKIP"}
    lines: list[str] = []
    for step in report.steps:
        lines.append(one_line(f"{marks[step.status]}  {step.name}: {step.summary} ({step.seconds:.2f} s)"))
        lines.extend(f"      {one_line(detail)}" for detail in step.details[:50])
        if len(step.details) > 50:
            lines.append(f"      ... and {len(step.details) - 50} more")
    failed = [s.name for s in report.steps if s.status == FAILED]
    timing = f"{report.seconds(without=TERRAFORM_CLI_STEPS):.2f} s without checkov and terraform"
    verdict = f"check: FAILED ({', '.join(failed)})" if failed else "check: passed"
    lines.append(f"{verdict}; {timing}, {report.seconds():.2f} s in all")
    return "\n".join(lines) + "\n"


def default_terraform() -> str | None:
    return shutil.which("terraform")


def default_terraform_dir() -> Path:
    """./terraform when the working directory has one, else the working directory itself."""
    return Path("terraform") if Path("terraform").is_dir() else Path(".")


def find_checkov() -> tuple[Path | None, str]:
    """(checkov to run, or None and why not): `checkov` on PATH, else this kit's .venv-checkov."""
    on_path = shutil.which("checkov")
    if on_path:
        return Path(on_path), ""
    if LOCAL_CHECKOV.is_file():
        return LOCAL_CHECKOV, ""
    return None, f"not installed: no checkov on PATH nor {LOCAL_CHECKOV}; pip install checkov to run it"
