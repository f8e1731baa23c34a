"""S3B114: a batch role has a policy the linter cannot read, so missing-permission checks are skipped (engine)."""

from __future__ import annotations

from validate.linter.findings import Severity
from validate.linter.rule import ENGINE, Rule


class UnreadableAttachment(Rule, id="S3B114", severity=Severity.INFO, target=ENGINE):
    title = "Batch role has a policy the linter cannot read; missing-permission check skipped"
    fix_hint = "Define the role's policies in this code (aws_iam_role_policy or an aws_iam_policy) so they can be checked"
