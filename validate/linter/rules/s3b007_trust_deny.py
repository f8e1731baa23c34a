"""S3B007: the batch role's trust policy has a statement whose Effect is not Allow."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.findings import Severity
from validate.linter.rule import BATCH_TRUST, DocumentContext, Issue, Rule


class TrustDeny(Rule):
    id = "S3B007"
    severity = Severity.ERROR
    title = "Trust policy has a Deny statement"
    fix_hint = "Use Allow statements only; a Deny in the trust policy can make every job fail at start with an opaque error"
    target = BATCH_TRUST

    def check(self, context: DocumentContext) -> Iterator[Issue]:
        for statement in context.policy.statements:
            if statement.effect == "Deny":
                yield Issue(f"{statement.label} has Effect Deny", statement)
