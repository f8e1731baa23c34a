"""S3B101: an Allow statement grants every action ("*") or every action of a service ("s3:*")."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.findings import Severity
from validate.linter.model import Statement
from validate.linter.rule import PERMISSION, StatementRule


def is_service_wildcard(action: str) -> bool:
    return action == "*" or (action.endswith(":*") and action.count(":") == 1)


class WildcardAction(StatementRule, id="S3B101", severity=Severity.ERROR, target=PERMISSION):
    title = 'Allow statement grants "*" or "service:*" actions'
    fix_hint = "List the exact actions the role needs (s3batch policy OPERATION prints them for a batch role)"

    def problems(self, statement: Statement) -> Iterator[str]:
        wild = [a for a in statement.actions or () if is_service_wildcard(a)]
        if wild:
            yield f"{statement.label} allows {', '.join(wild)}"
