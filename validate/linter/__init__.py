"""Trust and permission policy linter for S3 Batch Operations roles (docs/linter.md).

Public API: Severity, Finding, lint_document(document, ...), lint_paths(paths, operation=None).
Rules live in validate/linter/rules/ (one module each), registered explicitly in rules/__init__.py.
"""

from __future__ import annotations

from validate.linter.engine import lint_document, lint_paths
from validate.linter.findings import Finding, Severity, exit_code

__all__ = ["Finding", "Severity", "exit_code", "lint_document", "lint_paths"]
