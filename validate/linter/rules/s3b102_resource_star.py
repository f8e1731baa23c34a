"""S3B102: Resource "*" on actions that support resource-level permissions."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.findings import Severity
from validate.linter.rule import PERMISSION, DocumentContext, Issue, Rule
from validate.linter.rules._iam import supports_resource_level


class ResourceStar(Rule):
    id = "S3B102"
    severity = Severity.ERROR
    title = 'Resource "*" on actions that can be scoped to resources'
    fix_hint = "Scope the statement to the bucket, object prefix, function or key ARNs it needs"
    target = PERMISSION

    def check(self, context: DocumentContext) -> Iterator[Issue]:
        for statement in context.policy.allow_statements():
            if "*" not in (statement.resources or ()):
                continue
            scopable = [a for a in statement.actions or () if supports_resource_level(a)]
            if scopable:
                yield Issue(
                    f'{statement.label} grants {", ".join(scopable)} on Resource "*"; '
                    "these actions support resource-level permissions",
                    statement,
                )
