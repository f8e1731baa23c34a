"""S3B008 (info): the trust policy has no aws:SourceAccount condition. Information only, see the hint."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.findings import Severity
from validate.linter.model import Statement
from validate.linter.rule import BATCH_TRUST, StatementRule
from validate.linter.rules._batch import batch_service


class TrustSourceAccount(StatementRule, id="S3B008", severity=Severity.INFO, target=BATCH_TRUST):
    title = "Trust policy has no aws:SourceAccount condition"
    fix_hint = (
        "Optional: a role cannot be passed across accounts and AWS documents no condition for this service; "
        "if you add one (s3batch trust-policy --source-account ID), test it on a small job first"
    )

    def problems(self, statement: Statement) -> Iterator[str]:
        trusts_batch = any(p.kind == "Service" and p.value == batch_service() for p in statement.principals or ())
        if trusts_batch and "aws:sourceaccount" not in statement.condition_keys():
            yield f"{statement.label} has no aws:SourceAccount condition (information only)"
