"""S3B116: a policy template cannot be read without its variables' values, so it is not linted (engine)."""

from __future__ import annotations

from validate.linter.findings import Severity
from validate.linter.rule import ENGINE, Rule


class TemplateUnread(Rule, id="S3B116", severity=Severity.WARNING, target=ENGINE):
    title = "Policy template cannot be read without its variables; not linted"
    fix_hint = (
        "Keep the template JSON with variables inside strings (\"arn:aws:s3:::${bucket}/*\") or ${jsonencode(...)}, "
        "and without %{ } directives, or lint the rendered policy (terraform show -json)"
    )
