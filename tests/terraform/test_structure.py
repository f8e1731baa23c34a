"""Every module follows the fixed layout and typing rules, and nothing references what cannot exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from s3batch_core.terraform import load
from validate.terraform_tools import TERRAFORM_ROOT

TERRAFORM = TERRAFORM_ROOT
REPO = TERRAFORM.parent

TF_FILES = sorted(path for path in TERRAFORM.rglob("*.tf") if ".terraform" not in path.parts)
MODULE_DIRS = load.module_dirs(TERRAFORM)
FIXED_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md")


def _rel(path: Path) -> str:
    return str(path.relative_to(REPO))


def test_the_expected_modules_and_examples_exist() -> None:
    names = {_rel(directory) for directory in MODULE_DIRS}
    assert names == {"terraform", "terraform/modules/bucket", "terraform/modules/sentiment_lambda",
                     "terraform/modules/batch_role", "terraform/modules/job_stack", "terraform/examples/tagging",
                     "terraform/examples/copy", "terraform/examples/restore"}


@pytest.mark.parametrize("path", TF_FILES, ids=_rel)
def test_every_tf_file_parses_and_declares_no_s3control_job(path: Path) -> None:
    """The AWS provider has no aws_s3control_job: jobs are created by the job tooling."""
    document = load.load_file(path)
    assert set(document) <= set(load.BLOCK_KINDS), f"{_rel(path)}: unexpected top-level blocks"
    kinds = {kind for block in document.get("resource", []) + document.get("data", []) for kind in block}
    assert "aws_s3control_job" not in kinds


@pytest.mark.parametrize("directory", MODULE_DIRS, ids=_rel)
def test_fixed_file_set(directory: Path) -> None:
    missing = [name for name in FIXED_FILES if not (directory / name).is_file()]
    assert not missing, f"{_rel(directory)}: missing {missing}"
    assert set(load.load_file(directory / "versions.tf")) == {"terraform"}, "versions.tf holds only terraform {}"


@pytest.mark.parametrize("directory", MODULE_DIRS, ids=_rel)
def test_every_variable_is_typed_and_every_variable_and_output_described(directory: Path) -> None:
    module = load.load_module(directory)
    for name, spec in module.variables.items():
        assert spec.get("type"), f"{_rel(directory)}: variable {name} has no type"
        assert spec.get("type") != "any", f"{_rel(directory)}: variable {name} is typed any"
        assert spec.get("description", "").strip(), f"{_rel(directory)}: variable {name} has no description"
    for name, spec in module.outputs.items():
        assert spec.get("description", "").strip(), f"{_rel(directory)}: output {name} has no description"


def test_every_checkov_skip_is_inline_with_a_reason() -> None:
    skips = [(path, line) for path in TF_FILES for line in path.read_text().splitlines() if "checkov:skip" in line]
    assert skips, "the modules are expected to carry their (justified) skips inline"
    for path, line in skips:
        match = re.fullmatch(r"\s*#checkov:skip=(CKV2?_AWS_\d+):(.{40,})", line)
        assert match, f"{_rel(path)}: skip without an ID and a reason of a sentence: {line.strip()}"
