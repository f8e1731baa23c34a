"""S3B008 (info): the trust policy has no aws:SourceAccount condition. Information only, see the hint."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.findings import Severity
from validate.linter.rule import BATCH_TRUST, DocumentContext, Issue, Rule
from validate.linter.rules._batch import batch_service


class TrustSourceAccount(Rule):
    id = "S3B008"
    severity = Severity.INFO
    title = "Trust policy has no aws:SourceAccount condition"
    fix_hint = (
        "Optional: a role cannot be passed across accounts and AWS documents no condition for this service; "
        "if you add one (s3batch trust-policy --source-account ID), test it on a small job first"
    )
    target = BATCH_TRUST

    def check(self, context: DocumentContext) -> Iterator[Issue]:
        trusting = [
            s
            for s in context.policy.allow_statements()
            if any(p.kind == "Service" and p.value == batch_service() for p in s.principals or ())
        ]
        for statement in trusting:
            if "aws:sourceaccount" not in statement.condition_keys():
                yield Issue(f"{statement.label} has no aws:SourceAccount condition (information only)", statement)
