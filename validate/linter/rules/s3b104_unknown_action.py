"""S3B104: an action that does not exist in the IAM reference (a typo), with a suggestion."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.findings import Severity
from validate.linter.model import Statement
from validate.linter.rule import PERMISSION, StatementRule
from validate.linter.rules._iam import unknown_reason


class UnknownAction(StatementRule, id="S3B104", severity=Severity.ERROR, target=PERMISSION):
    title = "Unknown IAM action"
    fix_hint = "Correct the spelling; IAM ignores unknown actions, so the permission you meant is missing"
    every_effect = True

    def problems(self, statement: Statement) -> Iterator[str]:
        for action in (statement.actions or ()) + (statement.not_actions or ()):
            reason = unknown_reason(action)
            if reason:
                yield f"{statement.label}: {reason}"
