"""Where the job tooling's stack outputs come from (s3batch.jobs.outputs): an outputs file, or the real
`terraform output -json` run on a local state file (terraform reads outputs offline, no provider needed)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from s3batch.jobs.outputs import resolve_outputs, terraform_outputs
from s3batch_core.contract.stack_outputs import to_terraform_json
from s3batch_core.errors import InputError
from tests.core.contract.test_stack_outputs import GOOD

needs_terraform = pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not on PATH")


def _state(folder: Path, outputs: dict[str, object]) -> Path:
    """A terraform.tfstate (format 4) holding only `outputs`, as `terraform apply` leaves it."""
    state = {"version": 4, "terraform_version": "1.11.0", "serial": 1, "lineage": "00000000-0000-0000-0000-000000000000",
             "outputs": outputs, "resources": [], "check_results": None}
    (folder / "terraform.tfstate").write_text(json.dumps(state), encoding="utf-8")
    return folder


@needs_terraform
def test_terraform_outputs_are_read_from_the_state(tmp_path: Path) -> None:
    assert terraform_outputs(_state(tmp_path, to_terraform_json(GOOD))) == GOOD


@needs_terraform
def test_a_stack_not_applied_names_the_first_missing_output(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"output 'bucket_name' is missing \(has `terraform apply` run"):
        terraform_outputs(tmp_path)  # no state: terraform prints {}


@needs_terraform
def test_a_terraform_failure_is_its_error_line_not_a_box_character(tmp_path: Path) -> None:
    (tmp_path / "terraform.tfstate").write_text('{"version": 4', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        terraform_outputs(tmp_path)
    assert str(caught.value) == f"{tmp_path}: `terraform output -json` failed: Error: Unsupported state file format"


def test_without_terraform_the_outputs_file_is_asked_for(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"terraform is not on PATH; pass --outputs FILE"):
        terraform_outputs(tmp_path, terraform="no-such-terraform-binary")


def test_an_outputs_file_wins_over_terraform(tmp_path: Path) -> None:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(to_terraform_json(GOOD)), encoding="utf-8")
    not_applied = tmp_path / "terraform"  # no such folder: terraform would fail here
    assert resolve_outputs(path, not_applied) == GOOD
