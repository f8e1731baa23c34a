"""S3B007: the batch role's trust policy has a statement whose Effect is not Allow."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.findings import Severity
from validate.linter.model import Statement
from validate.linter.rule import BATCH_TRUST, StatementRule


class TrustDeny(StatementRule, id="S3B007", severity=Severity.ERROR, target=BATCH_TRUST):
    title = "Trust policy has a Deny statement"
    fix_hint = "Use Allow statements only; a Deny in the trust policy can make every job fail at start with an opaque error"
    every_effect = True

    def problems(self, statement: Statement) -> Iterator[str]:
        if statement.effect == "Deny":
            yield f"{statement.label} has Effect Deny"
