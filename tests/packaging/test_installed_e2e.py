"""End to end, installed: the wheel in a fresh venv outside the checkout, used from another team's git repository.

Policy, lint, the gate on a copy of terraform/ (and on a copy with a widened role), the local stack with the
sample function and with a function of the test's own, as a user who ran `pip install s3batch-kit` would.
pip installs from the session's wheelhouse (conftest.py); the stack binds 127.0.0.1 and is always stopped."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.packaging.conftest import (
    GOOD_POLICY, REPO, WIDE_FINDING, WIDE_POLICY, batch_role_tf, make_repo, offline_pip, run)

pytestmark = [pytest.mark.needs_index, pytest.mark.e2e]
LABELS = {"julius-caesar.txt": "NEUTRAL", "little-rascals.txt": "NEGATIVE", "think-of-love.txt": "POSITIVE"}
USER_FUNCTION = '''
def handler(event, context):
    return {"invocationSchemaVersion": event["invocationSchemaVersion"], "treatMissingKeysAs": "PermanentFailure",
            "invocationId": event["invocationId"],
            "results": [{"taskId": t["taskId"], "resultCode": "Succeeded", "resultString": "seen " + t["s3Key"]}
                        for t in event["tasks"]]}
'''
# Appended to the batch_role module of a copy of terraform/: one more grant on the role, beyond the catalogue.
WIDENING = '''
resource "aws_iam_role_policy" "extra" {
  name   = "extra"
  role   = aws_iam_role.this.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:DeleteObject", Resource = "*" }] })
}
'''


class Installed:
    """The kit in a fresh venv; `run` calls its `s3batch` in the team's repository with a clean environment."""

    def __init__(self, venv: Path, repo: Path, wheelhouse: Path) -> None:
        self.venv, self.repo = venv, repo
        self.env = {
            "PATH": f"{venv / 'bin'}:/usr/bin:/bin",  # no checkov, no terraform, not the checkout's .venv
            "HOME": os.environ.get("HOME", str(repo)), "LANG": "C.UTF-8",
            "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
            **offline_pip(wheelhouse),  # the Lambda packager's pip, in `local deploy`
        }

    def run(self, *args: str, endpoint: str | None = None) -> subprocess.CompletedProcess[str]:
        env = {**self.env, **({"AWS_ENDPOINT_URL": endpoint} if endpoint else {})}
        return run([self.venv / "bin" / "s3batch", *args], cwd=self.repo, env=env, timeout=600)


@pytest.fixture(scope="module")
def installed(dist: tuple[Path, Path], wheelhouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    root = tmp_path_factory.mktemp("installed")
    assert REPO not in root.parents
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(dist[0])],
                   env={**os.environ, **offline_pip(wheelhouse)}, check=True, timeout=900)
    texts = {f"texts/{name}": (REPO / "files" / name).read_text(encoding="utf-8") for name in LABELS}
    repo = make_repo(root / "team", {"README.md": "another team\n", "iam/good.tf": batch_role_tf(GOOD_POLICY),
                                     "iam-wide/wide.tf": batch_role_tf(WIDE_POLICY), **texts,
                                     "fn/app.py": USER_FUNCTION})
    shutil.copytree(REPO / "terraform", repo / "terraform", ignore=shutil.ignore_patterns(".terraform", "__pycache__"))
    shutil.copytree(repo / "terraform", repo / "wide" / "terraform")
    with (repo / "wide" / "terraform" / "modules" / "batch_role" / "main.tf").open("a", encoding="utf-8") as tf:
        tf.write(WIDENING)
    kit = Installed(venv, repo, wheelhouse)
    try:
        yield kit
    finally:
        kit.run("local", "down")


def test_version_policy_and_lint(installed: Installed) -> None:
    version = installed.run("--version")
    assert version.returncode == 0 and version.stdout.strip() == "s3batch 0.1.0", version.stderr
    policy = installed.run("policy", "S3PutObjectTagging", "--manifest", "s3://team-manifests/manifests/m.csv",
                           "--report", "s3://team-reports/reports", "--bucket", "team-data")
    assert policy.returncode == 0, policy.stderr
    assert "s3:PutObjectTagging" in json.dumps(json.loads(policy.stdout))
    assert installed.run("lint", "iam/good.tf").returncode == 0
    wide = installed.run("lint", "iam-wide/wide.tf")
    assert wide.returncode == 1 and WIDE_FINDING in wide.stdout, wide.stdout + wide.stderr


def test_gate_passes_on_a_copy_of_terraform_and_fails_on_a_widened_role(installed: Installed) -> None:
    check = installed.run("check")  # ./terraform: the copy, with its generated templates (drift checked)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "PASS  policy drift: terraform/modules/batch_role/policies matches the catalogue" in check.stdout
    assert "SKIP  checkov: checkov skipped (not installed" in check.stdout
    wide = installed.run("check", "--terraform-dir", "wide/terraform", "--out-dir", "build/check-wide")
    assert wide.returncode == 1, wide.stdout + wide.stderr
    assert "FAIL  batch role vs catalogue" in wide.stdout and "S3B110" in wide.stdout and "s3:DeleteObject" in wide.stdout
    sarif = json.loads((installed.repo / "build" / "check-wide" / "lint.sarif").read_text(encoding="utf-8"))
    assert any(r["ruleId"] == "S3B110" for run in sarif["runs"] for r in run["results"])


def test_local_stack_runs_the_sample_and_the_users_function(installed: Installed) -> None:
    up = installed.run("local", "up", "--detach")
    assert up.returncode == 0, up.stdout + up.stderr
    endpoint = json.loads((installed.repo / "build" / "local" / "stack.json").read_text())["endpoint_url"]
    assert endpoint.startswith("http://127.0.0.1:")
    deploy = installed.run("local", "deploy")
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    job = installed.run("job", "run", "--outputs", "build/local/outputs.json", "--folder", "texts", "--timeout", "300",
                        endpoint=endpoint)
    assert job.returncode == 0, job.stdout + job.stderr
    for name, label in LABELS.items():
        assert any(name in line and label in line for line in job.stdout.splitlines()), job.stdout
    mine = installed.run("local", "deploy-function", "fn", "--handler", "app.handler", "--outputs", "build/fn.json")
    assert mine.returncode == 0, mine.stdout + mine.stderr
    job = installed.run("job", "run", "--outputs", "build/fn.json", "--folder", "texts", "--timeout", "300",
                        endpoint=endpoint)
    assert job.returncode == 0, job.stdout + job.stderr
    assert "3 succeeded, 0 failed of 3" in job.stderr
    down = installed.run("local", "down")
    assert down.returncode == 0 and not (installed.repo / "build" / "local" / "stack.json").exists()
