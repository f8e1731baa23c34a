"""The operation a batch role's permissions make evident when its code declares none: only a copy role, the shape
real code writes most (issue 13's corpus: copy roles in three of four organisations declared nothing). What makes
one: docs/linter.md, "The role's operation"; anything else stays undeclared (S3B113), checked against every
operation at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from validate.linter.model import Policy, Statement
from validate.linter.rules._iam import expand, is_pattern
from validate.linter.rules._scope import any_operation_actions, catalogue_actions

COPY = "S3PutObjectCopy"
_SOURCE = re.compile(r"(?:^|[^a-z0-9])(?:source|src)(?:$|[^a-z0-9])")
_DESTINATION = re.compile(r"(?:^|[^a-z0-9])(?:destination|dest|dst)(?:$|[^a-z0-9])")


@cache
def _other_operations_actions() -> frozenset[str]:
    """Actions (lower-cased) some operation's catalogue grants and a copy job's never does. KMS actions are left
    out: which ones a role needs depends on its keys, not on the operation."""
    return frozenset(a for a in any_operation_actions() - catalogue_actions(COPY) if not a.startswith("kms:"))


def evident_operation(policies: Iterable[Policy]) -> tuple[str, str] | None:
    """(operation, why) when the permissions show which operation the role serves, else None."""
    statements = [s for policy in policies for s in policy.allow_statements()]
    granted = {a.lower() for s in statements for action in s.actions or () for a in _expanded(action)}
    if granted & _other_operations_actions():
        return None
    reads = _named_resources(statements, "s3:getobject", _SOURCE)
    writes = _named_resources(statements, "s3:putobject", _DESTINATION)
    if not (reads and writes):
        return None
    return COPY, f"it reads objects from {reads[0]} and writes objects into {writes[0]}"


def _expanded(action: str) -> tuple[str, ...]:
    return expand(action) if is_pattern(action) else (action,)


def _named_resources(statements: list[Statement], action: str, name: re.Pattern[str]) -> list[str]:
    """Resources named like `name` in statements that grant exactly `action` (no wildcard grant counts), object
    ARNs ("…/*") first."""
    found = [
        resource
        for s in statements
        if action in {a.lower() for a in s.actions or ()}
        for resource in s.resources or ()
        if name.search(resource.lower().replace("_", " "))
    ]
    return sorted(found, key=lambda resource: "/" not in resource)
