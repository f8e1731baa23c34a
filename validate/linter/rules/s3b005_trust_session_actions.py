"""S3B005 (info): the trust policy also allows sts:TagSession or sts:SetSourceIdentity."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.findings import Severity
from validate.linter.rule import BATCH_TRUST, DocumentContext, Issue, Rule
from validate.linter.rules._batch import SESSION_ACTIONS


class TrustSessionActions(Rule):
    id = "S3B005"
    severity = Severity.INFO
    title = "Trust policy allows session tagging or source identity"
    fix_hint = "Allowed; S3 Batch Operations only needs sts:AssumeRole, so you may remove them"
    target = BATCH_TRUST

    def check(self, context: DocumentContext) -> Iterator[Issue]:
        for statement in context.policy.allow_statements():
            session = [a for a in statement.actions or () if a.lower() in SESSION_ACTIONS]
            if session:
                yield Issue(f"{statement.label} also allows {', '.join(session)} (allowed, not needed)", statement)
