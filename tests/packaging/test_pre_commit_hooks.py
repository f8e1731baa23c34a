"""`.pre-commit-hooks.yaml` in another repository: repositories with a good and a widened batch role, no checkov,
no hook args. pre-commit installs the kit into the hooks' environment from the package index.

`pre-commit try-repo` builds a new environment on every call (its store is a temp dir), so it runs once, over
both hooks; the other cases use a config pinned to the snapshot's commit, installed once. pip installs from a
wheelhouse downloaded once per session (conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.conftest import (
    GOOD_POLICY, WIDE_FINDING, WIDE_POLICY, batch_role_tf, git, make_repo, offline_pip, run)

pytestmark = pytest.mark.needs_index
PATH_WITHOUT_TOOLS = "/usr/bin:/bin"  # git, and neither checkov nor terraform


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One hook environment for the module's `pre-commit run` calls, removed with the temp dir."""
    return tmp_path_factory.mktemp("pre-commit-home")


def pre_commit(home: Path, repo: Path, wheelhouse: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **offline_pip(wheelhouse), "PRE_COMMIT_HOME": str(home), "PATH": PATH_WITHOUT_TOOLS,
           "PRE_COMMIT_COLOR": "never"}
    env.pop("VIRTUAL_ENV", None)
    return run([sys.executable, "-m", "pre_commit", *args], cwd=repo, env=env)


def configured(repo: Path, kit: Path) -> Path:
    """The repository's .pre-commit-config.yaml using both hooks with no args, as docs/linter.md shows."""
    rev = git(kit, "rev-parse", "HEAD").strip()
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {kit}\n    rev: {rev}\n    hooks:\n      - id: s3batch-lint\n      - id: s3batch-check\n",
        encoding="utf-8",
    )
    git(repo, "add", ".pre-commit-config.yaml")
    return repo


def test_try_repo_fails_a_widened_role_showing_the_finding(kit_snapshot: Path, wheelhouse: Path, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "team", {"terraform/batch.tf": batch_role_tf(WIDE_POLICY)})
    done = pre_commit(tmp_path / "home", repo, wheelhouse, "try-repo", str(kit_snapshot), "--all-files", "--verbose")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "s3batch lint (S3 Batch Operations role policies)" in done.stdout and "Failed" in done.stdout
    assert f"{WIDE_FINDING}" in done.stdout and "terraform/batch.tf" in done.stdout
    assert "FAIL  batch role vs catalogue" in done.stdout


def test_hooks_pass_on_a_good_role_without_checkov_and_without_args(
    kit_snapshot: Path, pre_commit_home: Path, wheelhouse: Path, tmp_path: Path
) -> None:
    repo = configured(make_repo(tmp_path / "team", {"infra/batch.tf": batch_role_tf(GOOD_POLICY)}), kit_snapshot)
    done = pre_commit(pre_commit_home, repo, wheelhouse, "run", "--all-files", "--verbose")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SKIP  checkov: checkov skipped (not installed" in done.stdout
    assert "PASS  batch role vs catalogue: aws_iam_role.tagging (infra/batch.tf) as S3PutObjectTagging" in done.stdout


def test_hooks_fail_on_a_widened_role(kit_snapshot: Path, pre_commit_home: Path, wheelhouse: Path, tmp_path: Path) -> None:
    repo = configured(make_repo(tmp_path / "team", {"batch.tf": batch_role_tf(WIDE_POLICY)}), kit_snapshot)
    done = pre_commit(pre_commit_home, repo, wheelhouse, "run", "--all-files", "--verbose")
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.count("Failed") == 2 and WIDE_FINDING in done.stdout


def test_lint_hook_lints_only_the_changed_files(kit_snapshot: Path, pre_commit_home: Path, wheelhouse: Path, tmp_path: Path) -> None:
    """Without --all-files pre-commit passes the staged files: a widened role committed earlier is not relinted."""
    repo = configured(make_repo(tmp_path / "team", {"old/batch.tf": batch_role_tf(WIDE_POLICY)}), kit_snapshot)
    (repo / "new").mkdir()
    (repo / "new" / "batch.tf").write_text(batch_role_tf(GOOD_POLICY), encoding="utf-8")
    git(repo, "add", "new/batch.tf")
    done = pre_commit(pre_commit_home, repo, wheelhouse, "run", "s3batch-lint", "--verbose")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout and "old/batch.tf" not in done.stdout
