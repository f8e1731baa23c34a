"""Maintenance tools for the repository's terraform/ folder: README tables (tfdocs), `terraform fmt` layout (tffmt),
Terraform's own tests (tftests) from the expectations the python tests share (expectations).

    python -m validate.terraform_tools.tfdocs [--check]
    python -m validate.terraform_tools.tftests [--check]
"""

from __future__ import annotations

from pathlib import Path

TERRAFORM_ROOT = Path(__file__).resolve().parents[2] / "terraform"
"""The repository's terraform/ folder (these tools maintain the checkout, not an installed kit)."""

