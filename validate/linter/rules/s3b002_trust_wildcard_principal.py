"""S3B002: a trust policy lets anyone ("*") assume the role."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.findings import Severity
from validate.linter.model import Statement
from validate.linter.rule import TRUST, StatementRule


class TrustWildcardPrincipal(StatementRule, id="S3B002", severity=Severity.ERROR, target=TRUST):
    title = 'Trust policy allows principal "*"'
    fix_hint = 'Name the one principal that may assume the role; for S3 Batch: {"Service": "batchoperations.s3.amazonaws.com"}'

    def problems(self, statement: Statement) -> Iterator[str]:
        if any(p.is_wildcard for p in statement.principals or ()):
            yield f'{statement.label} lets any principal ("*") assume the role'
