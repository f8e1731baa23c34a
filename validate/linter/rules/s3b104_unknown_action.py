"""S3B104: an action that does not exist in the IAM reference (a typo), with a suggestion."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.findings import Severity
from validate.linter.rule import PERMISSION, DocumentContext, Issue, Rule
from validate.linter.rules._iam import unknown_reason


class UnknownAction(Rule):
    id = "S3B104"
    severity = Severity.ERROR
    title = "Unknown IAM action"
    fix_hint = "Correct the spelling; IAM ignores unknown actions, so the permission you meant is missing"
    target = PERMISSION

    def check(self, context: DocumentContext) -> Iterator[Issue]:
        for statement in context.policy.statements:
            for action in (statement.actions or ()) + (statement.not_actions or ()):
                reason = unknown_reason(action)
                if reason:
                    yield Issue(f"{statement.label}: {reason}", statement)
