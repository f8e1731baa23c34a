"""S3B113: a batch role declares no operation, so it cannot be checked against the catalogue (engine)."""

from __future__ import annotations

from validate.linter.findings import Severity
from validate.linter.rule import ENGINE, Rule


class OperationNotDeclared(Rule, id="S3B113", severity=Severity.WARNING, target=ENGINE):
    title = "Batch role declares no operation; catalogue checks skipped"
    fix_hint = 'Tag the role S3BatchOperation = "<Operation>", give a variable "operation" a value, or pass --operation'
