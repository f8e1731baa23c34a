"""Where the stack outputs come from: an outputs file, or `terraform output -json` when terraform is on PATH."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from s3batch_core.errors import InputError
from s3batch_core.contract.stack_outputs import StackOutputs, load_outputs, parse_outputs

DEFAULT_TERRAFORM_DIR = Path("terraform")


def terraform_outputs(terraform_dir: Path, terraform: str = "terraform") -> StackOutputs:
    """Run `terraform output -json` in `terraform_dir` and parse it."""
    binary = shutil.which(terraform)
    if binary is None:
        raise InputError(
            "no outputs: terraform is not on PATH; pass --outputs FILE (a `terraform output -json` document)"
        )
    try:
        done = subprocess.run(
            [binary, "output", "-json", "-no-color"], cwd=terraform_dir, capture_output=True, text=True, check=False,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(f"{terraform_dir}: `terraform output -json` did not run ({exc})") from None
    if done.returncode != 0:
        raise InputError(f"{terraform_dir}: `terraform output -json` failed: {_error_line(done.stderr)}")
    try:
        document = json.loads(done.stdout)
    except json.JSONDecodeError as exc:
        raise InputError(f"{terraform_dir}: `terraform output -json` printed no JSON ({exc})") from None
    return parse_outputs(document, f"terraform output -json (in {terraform_dir})")


def _error_line(stderr: str) -> str:
    """Terraform's first `Error: …` line (its diagnostics come framed in box characters), else its last line."""
    lines = [line.strip(" │╷╵") for line in stderr.splitlines()]
    return next((line for line in lines if line.startswith("Error")), None) or next(
        (line for line in reversed(lines) if line), "no message")


def resolve_outputs(outputs_file: Path | None, terraform_dir: Path = DEFAULT_TERRAFORM_DIR) -> StackOutputs:
    """The outputs file when given, else terraform's outputs."""
    if outputs_file is not None:
        return load_outputs(outputs_file)
    return terraform_outputs(terraform_dir)
