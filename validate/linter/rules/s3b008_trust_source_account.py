"""S3B008 (info): the trust policy has no aws:SourceAccount condition. Information only, see the hint."""

from __future__ import annotations

from collections.abc import Iterator

from s3batch_core.iam.catalogue import BATCH_SERVICE_PRINCIPAL
from validate.linter.findings import Severity
from validate.linter.model import Statement
from validate.linter.rule import BATCH_TRUST, StatementRule


class TrustSourceAccount(StatementRule, id="S3B008", severity=Severity.INFO, target=BATCH_TRUST):
    title = "Trust policy has no aws:SourceAccount condition"
    fix_hint = (
        "Optional: a role cannot be passed across accounts and AWS documents no condition for this service; "
        "if you add one (s3batch trust-policy --source-account ID), test it on a small job first"
    )

    def problems(self, statement: Statement) -> Iterator[str]:
        trusts_batch = any(p.kind == "Service" and p.value == BATCH_SERVICE_PRINCIPAL
                           for p in statement.principals or ())
        if trusts_batch and "aws:sourceaccount" not in statement.condition_keys():
            yield f"{statement.label} has no aws:SourceAccount condition (information only)"
