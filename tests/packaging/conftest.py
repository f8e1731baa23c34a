"""Fixtures for "the kit outside its own checkout": a snapshot of this working tree as a git repository, and
small git repositories of another team with a good or a widened S3 Batch Operations role."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "batchoperations.s3.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
GOOD_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::team-manifests/manifests/*"},
    {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::team-reports/reports/*"},
    {"Effect": "Allow", "Action": "s3:PutObjectTagging", "Resource": "arn:aws:s3:::team-data/*"},
]}
# The same role, widened the way a hurried pull request widens it: every S3 action on every resource.
WIDE_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
WIDE_FINDING = "S3B110"  # new access: actions the catalogue never uses for the role's operation


def batch_role_tf(policy: dict) -> str:
    """Another team's Terraform: their own role (not this kit's module), operation declared by the tag."""
    return f"""resource "aws_iam_role" "tagging" {{
  name               = "team-tagging-batch"
  assume_role_policy = jsonencode({json.dumps(TRUST)})
  tags = {{
    S3BatchOperation = "S3PutObjectTagging"
  }}
}}

resource "aws_iam_role_policy" "tagging" {{
  name   = "tagging"
  role   = aws_iam_role.tagging.id
  policy = jsonencode({json.dumps(policy)})
}}
"""


# How the tests run a command: output captured as text, 15 minutes at most; the caller asserts the exit code.
run = functools.partial(subprocess.run, capture_output=True, text=True, timeout=900)


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return run(["git", *args], cwd=cwd, env=env, check=True).stdout


def make_repo(path: Path, files: dict[str, str]) -> Path:
    """A git repository with these files committed."""
    path.mkdir(parents=True)
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text, encoding="utf-8")
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "initial")
    return path


@pytest.fixture(scope="session")
def kit_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """This working tree (committed or not, untracked files included, ignored ones not) as a committed repository:
    pre-commit try-repo and pip install what a commit holds, and the tests must see the tree under test."""
    target = tmp_path_factory.mktemp("kit") / "s3batch-kit"
    listed = git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():  # a deleted-but-still-indexed file is skipped
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git(target, "init", "-q", "-b", "main")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "snapshot of the working tree under test")
    yield target


@pytest.fixture(scope="session")
def dist(kit_snapshot: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(wheel, sdist) that `python -m build` makes of the snapshot (its build backend comes from the index)."""
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--outdir", out, kit_snapshot], check=True, timeout=600)
    return next(out.glob("*.whl")), next(out.glob("*.tar.gz"))


@pytest.fixture(scope="session")
def wheelhouse(dist: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The kit's dependencies (and the build backend) downloaded once, so each fresh environment installs offline."""
    house = tmp_path_factory.mktemp("wheelhouse")
    run([sys.executable, "-m", "pip", "download", "--quiet", "--dest", house, dist[0], "setuptools>=77"], check=True)
    return house


def offline_pip(wheelhouse: Path) -> dict[str, str]:
    """Environment for pip run by tests and by the tools they run (pre-commit, the Lambda packager): the
    wheelhouse only, no bytecode compiling (most of an install's time, and nothing these runs need)."""
    return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse), "PIP_NO_COMPILE": "1",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
