"""S3B004: the batch role's trust policy allows actions other than sts:AssumeRole (and the session actions)."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.findings import Severity
from validate.linter.model import Statement
from validate.linter.rule import BATCH_TRUST, StatementRule
from validate.linter.rules._batch import SESSION_ACTIONS, assume_actions


class TrustActions(StatementRule, id="S3B004", severity=Severity.ERROR, target=BATCH_TRUST):
    title = "Trust policy allows actions other than sts:AssumeRole"
    fix_hint = 'Use "Action": "sts:AssumeRole" (sts:TagSession and sts:SetSourceIdentity are tolerated)'

    def problems(self, statement: Statement) -> Iterator[str]:
        if statement.is_federated_assume:
            return  # a web-identity/SAML statement for a provider is not the batch principal's (S3B003 names it)
        allowed = assume_actions() | SESSION_ACTIONS
        extra = [a for a in statement.actions or () if a.lower() not in allowed]
        if extra:
            yield f"{statement.label} allows {', '.join(extra)}"
