"""S3B090: an inline suppression without a reason, or naming no known rule (raised by the engine)."""

from __future__ import annotations

from validate.linter.findings import Severity
from validate.linter.rule import ENGINE, Rule


class InvalidSuppression(Rule, id="S3B090", severity=Severity.ERROR, target=ENGINE):
    title = "Suppression without a reason or for an unknown rule"
    fix_hint = 'Write "# s3batch:ignore S3B001 <why this is acceptable>" (JSON: {"rule": "S3B001", "reason": "..."})'
