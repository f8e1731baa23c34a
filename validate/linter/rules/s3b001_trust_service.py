"""S3B001: the batch role's trust policy does not trust exactly batchoperations.s3.amazonaws.com."""

from __future__ import annotations

from collections.abc import Iterator

from s3batch_core.iam.catalogue import BATCH_SERVICE_PRINCIPAL
from validate.linter.findings import Severity
from validate.linter.model import has_placeholder
from validate.linter.rule import BATCH_TRUST, DocumentContext, Issue, Rule


class TrustService(Rule, id="S3B001", severity=Severity.ERROR, target=BATCH_TRUST):
    title = "Trust policy does not trust the S3 Batch Operations service"
    fix_hint = 'Use Principal {"Service": "batchoperations.s3.amazonaws.com"} (s3batch trust-policy prints it)'

    def check(self, context: DocumentContext) -> Iterator[Issue]:
        statements = context.policy.allow_statements()
        services = [p.value for s in statements for p in s.principals or () if p.kind == "Service"]
        if BATCH_SERVICE_PRINCIPAL in services or any(has_placeholder(v) for v in services) or not context.complete:
            return
        others = [v for v in services if v != BATCH_SERVICE_PRINCIPAL]
        found = f"; found {', '.join(sorted(set(others)))}" if others else ""
        yield Issue(
            f"no Allow statement trusts {BATCH_SERVICE_PRINCIPAL}{found}: "
            "S3 Batch Operations cannot assume this role and every job fails when it starts"
        )
