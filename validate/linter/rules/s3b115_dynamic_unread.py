"""S3B115: a dynamic block's for_each is known only at plan time, so its statements are not linted (engine)."""

from __future__ import annotations

from validate.linter.findings import Severity
from validate.linter.rule import ENGINE, Rule


class DynamicUnread(Rule, id="S3B115", severity=Severity.WARNING, target=ENGINE):
    title = "Dynamic block cannot be expanded here; its statements are not linted and missing-permission checks are skipped"
    fix_hint = (
        "Give for_each a static value (a literal, a local, or a variable with a default or tfvars value), "
        "or write the statements out"
    )
