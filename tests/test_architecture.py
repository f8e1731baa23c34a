"""The layering of docs/architecture.md holds: `lint-imports` keeps every contract in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_no_project_module_is_loaded_by_a_string() -> None:
    """Every project import is one import-linter can see (the emulator loads only the user's Lambda handler)."""
    found = []
    for path in [*ROOT.glob("s3batch*/**/*.py"), *ROOT.glob("validate/**/*.py")]:
        text = path.read_text(encoding="utf-8")
        if "import_module(" in text and path.name != "lambda_runtime.py":
            found.append(str(path.relative_to(ROOT)))
    assert found == []
