"""S3B005 (info): the trust policy also allows sts:TagSession or sts:SetSourceIdentity."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.findings import Severity
from validate.linter.model import Statement
from validate.linter.rule import BATCH_TRUST, StatementRule
from validate.linter.rules._batch import SESSION_ACTIONS


class TrustSessionActions(StatementRule, id="S3B005", severity=Severity.INFO, target=BATCH_TRUST):
    title = "Trust policy allows session tagging or source identity"
    fix_hint = "Allowed; S3 Batch Operations only needs sts:AssumeRole, so you may remove them"

    def problems(self, statement: Statement) -> Iterator[str]:
        session = [a for a in statement.actions or () if a.lower() in SESSION_ACTIONS]
        if session:
            yield f"{statement.label} also allows {', '.join(session)} (allowed, not needed)"
