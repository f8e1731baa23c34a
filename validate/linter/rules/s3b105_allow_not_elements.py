"""S3B105: an Allow statement with NotAction or NotResource (grants everything else)."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.findings import Severity
from validate.linter.model import Statement
from validate.linter.rule import PERMISSION, StatementRule


class AllowNotElements(StatementRule, id="S3B105", severity=Severity.ERROR, target=PERMISSION):
    title = "Allow statement with NotAction or NotResource"
    fix_hint = "Allow the listed actions on the listed resources; keep NotAction/NotResource for Deny statements"

    def problems(self, statement: Statement) -> Iterator[str]:
        used = [n for n, v in (("NotAction", statement.not_actions), ("NotResource", statement.not_resources)) if v is not None]
        if used:
            yield f"{statement.label} allows with {' and '.join(used)}, which grants everything else"
