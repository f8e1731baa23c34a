"""S3B004: the batch role's trust policy allows actions other than sts:AssumeRole (and the session actions)."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.findings import Severity
from validate.linter.rule import BATCH_TRUST, DocumentContext, Issue, Rule
from validate.linter.rules._batch import SESSION_ACTIONS, assume_actions


class TrustActions(Rule):
    id = "S3B004"
    severity = Severity.ERROR
    title = "Trust policy allows actions other than sts:AssumeRole"
    fix_hint = 'Use "Action": "sts:AssumeRole" (sts:TagSession and sts:SetSourceIdentity are tolerated)'
    target = BATCH_TRUST

    def check(self, context: DocumentContext) -> Iterator[Issue]:
        allowed = assume_actions() | SESSION_ACTIONS
        for statement in context.policy.allow_statements():
            if statement.is_federated_assume:
                continue  # a web-identity/SAML statement for a provider is not the batch principal's (S3B003 names it)
            extra = [a for a in statement.actions or () if a.lower() not in allowed]
            if extra:
                yield Issue(f"{statement.label} allows {', '.join(extra)}", statement)
