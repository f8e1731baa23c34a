"""Maintenance tools for the repository's terraform/ folder: README tables (tfdocs), `terraform fmt` layout (tffmt),
Terraform's own tests (tftests) from the expectations the python tests share (expectations).

    python -m validate.terraform_tools.tfdocs [--check]
    python -m validate.terraform_tools.tftests [--check]
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from s3batch_core.terraform.plan import Account, Instance, plan_root

TERRAFORM_ROOT = Path(__file__).resolve().parents[2] / "terraform"
"""The repository's terraform/ folder (these tools maintain the checkout, not an installed kit)."""


def static_plan(directory: Path = TERRAFORM_ROOT, variables: Mapping[str, Any] | None = None,
         account: Account | None = None) -> Instance:
    """The static plan of one of the repository's modules (the root stack unless another folder is given)."""
    return plan_root(directory, variables, account)
