"""S3B003: the batch role's trust policy trusts another principal beside the S3 Batch service."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.findings import Severity
from validate.linter.model import has_placeholder
from validate.linter.rule import BATCH_TRUST, DocumentContext, Issue, Rule
from validate.linter.rules._batch import batch_service


class TrustExtraPrincipal(Rule):
    id = "S3B003"
    severity = Severity.ERROR
    title = "Trust policy trusts another principal beside S3 Batch Operations"
    fix_hint = "Give the batch role to S3 Batch Operations only; use a separate role for accounts, users or other services"
    target = BATCH_TRUST

    def check(self, context: DocumentContext) -> Iterator[Issue]:
        for statement in context.policy.allow_statements():
            extra = [
                str(p)
                for p in statement.principals or ()
                if not p.is_wildcard  # S3B002 reports "*"
                and not (p.kind == "Service" and (p.value == batch_service() or has_placeholder(p.value)))
            ]
            if extra:
                yield Issue(f"{statement.label} also trusts {', '.join(extra)}", statement)
