"""Terraform is checked statically: python-hcl2 parses it, terraform/tools evaluates it."""

from __future__ import annotations

import sys
from pathlib import Path

# terraform/tools is not a package of the distribution; its modules import each other by name.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "terraform" / "tools"))
