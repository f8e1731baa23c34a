"""S3B110: the batch role grants actions the catalogue does not list for its operation ("new access")."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.findings import Severity
from validate.linter.model import has_placeholder
from validate.linter.rule import ROLE, Issue, Rule, RoleContext
from validate.linter.rules._iam import expand, is_pattern, known
from validate.linter.rules._scope import any_operation_actions, catalogue_actions
from validate.linter.rules.s3b103_resource_mismatch import ineffective_actions

_SHOWN = 6  # name this many actions, then count the rest


class NewAccess(Rule, id="S3B110", severity=Severity.ERROR, target=ROLE):
    title = "Batch role grants actions beyond the catalogue for its operation (new access)"
    fix_hint = "Remove the extra actions, or generate the policy: s3batch policy OPERATION ... (make policies)"

    def check(self, context: RoleContext) -> Iterator[Issue]:
        if context.shared_with:
            return  # the other principal needs its own permissions; S3B003 asks to split the role instead
        allowed = catalogue_actions(context.operation) if context.operation else any_operation_actions()
        jobs = f"{context.operation} jobs never use" if context.operation else "no S3 Batch Operations job uses (whatever its operation)"
        for part, role_policy in enumerate(context.policies):
            for statement in role_policy.policy.allow_statements():
                extra: list[str] = []
                inert = set(ineffective_actions(statement))  # S3B103's: they grant nothing, so nothing new
                for action in statement.actions or ():
                    if action not in inert:
                        extra.extend(_beyond(action, allowed))
                if extra:
                    yield Issue(f"{statement.label} grants {_names(extra)}, which {jobs}", statement, part)


def _beyond(action: str, allowed: frozenset[str]) -> list[str]:
    if has_placeholder(action):
        return []
    if is_pattern(action):
        return [a for a in expand(action) if a.lower() not in allowed]
    # Unknown actions are S3B104's; they grant nothing.
    return [action] if action.lower() not in allowed and known(action) else []


def _names(actions: list[str]) -> str:
    unique = list(dict.fromkeys(actions))
    shown = ", ".join(unique[:_SHOWN])
    return shown if len(unique) <= _SHOWN else f"{shown} and {len(unique) - _SHOWN} more"
