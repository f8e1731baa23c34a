"""S3B006: a trust policy uses NotPrincipal or NotAction."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.findings import Severity
from validate.linter.rule import TRUST, DocumentContext, Issue, Rule


class TrustNotElements(Rule):
    id = "S3B006"
    severity = Severity.ERROR
    title = "Trust policy uses NotPrincipal or NotAction"
    fix_hint = "Name the principal and the action explicitly (Principal, Action); negations trust everything else"
    target = TRUST

    def check(self, context: DocumentContext) -> Iterator[Issue]:
        for statement in context.policy.statements:
            used = [n for n, v in (("NotPrincipal", statement.not_principals), ("NotAction", statement.not_actions)) if v is not None]
            if used:
                yield Issue(f"{statement.label} uses {' and '.join(used)}", statement)
