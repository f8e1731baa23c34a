"""S3B006: a trust policy uses NotPrincipal or NotAction."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.findings import Severity
from validate.linter.model import Statement
from validate.linter.rule import TRUST, StatementRule


class TrustNotElements(StatementRule, id="S3B006", severity=Severity.ERROR, target=TRUST):
    title = "Trust policy uses NotPrincipal or NotAction"
    fix_hint = "Name the principal and the action explicitly (Principal, Action); negations trust everything else"
    every_effect = True

    def problems(self, statement: Statement) -> Iterator[str]:
        used = [n for n, v in (("NotPrincipal", statement.not_principals), ("NotAction", statement.not_actions)) if v is not None]
        if used:
            yield f"{statement.label} uses {' and '.join(used)}"
