"""S3B002: a trust policy lets anyone ("*") assume the role."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.findings import Severity
from validate.linter.rule import TRUST, DocumentContext, Issue, Rule


class TrustWildcardPrincipal(Rule):
    id = "S3B002"
    severity = Severity.ERROR
    title = 'Trust policy allows principal "*"'
    fix_hint = 'Name the one principal that may assume the role; for S3 Batch: {"Service": "batchoperations.s3.amazonaws.com"}'
    target = TRUST

    def check(self, context: DocumentContext) -> Iterator[Issue]:
        for statement in context.policy.allow_statements():
            if any(p.is_wildcard for p in statement.principals or ()):
                yield Issue(f'{statement.label} lets any principal ("*") assume the role', statement)
