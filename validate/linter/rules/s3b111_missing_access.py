"""S3B111: the batch role lacks an access the catalogue says every job of its operation makes."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.findings import Severity
from validate.linter.rule import ROLE, Issue, Rule, RoleContext
from validate.linter.rules._shape import role_unmet


class MissingAccess(Rule):
    id = "S3B111"
    severity = Severity.ERROR
    title = "Batch role lacks a permission its operation needs (the job will fail)"
    fix_hint = "Add the missing grant, or generate the policy: s3batch policy OPERATION ... (make policies)"
    target = ROLE

    def check(self, context: RoleContext) -> Iterator[Issue]:
        if not context.complete:
            return  # a policy we cannot read may grant it; the engine reports S3B114 instead
        seen: set[tuple[str, str]] = set()
        for requirement, reason in role_unmet(context):
            key = (requirement.action.lower(), requirement.purpose)
            if key in seen:
                continue
            seen.add(key)
            yield Issue(
                f"this {context.operation} job will fail: the role cannot {requirement.action} "
                f"to {requirement.purpose} ({reason})"
            )
