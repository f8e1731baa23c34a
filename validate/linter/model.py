"""Normalise an IAM policy document once, so rules see clean frozen dataclasses.

IAM JSON allows a string or a list almost everywhere, a single statement object instead of a list,
and several Principal forms. `parse_policy` never raises: anything it cannot understand is recorded in
`Policy.problems` (reported by the malformed-policy rule) and the rest is still parsed.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from collections.abc import Mapping
from dataclasses import dataclass, field

from s3batch_core.contract.limits import MAX_JSON_DEPTH, MAX_STATEMENTS, nesting_depth

TRUST = "trust"
PERMISSION = "permission"
RESOURCE = "resource"  # a resource-based policy with a Principal (bucket, key, VPC endpoint): neither of the above
ASSUME_ACTION_PREFIX = "sts:assumerole"  # sts:AssumeRole, sts:AssumeRoleWithWebIdentity, sts:AssumeRoleWithSAML

POLICY_KEYS = frozenset({"Version", "Id", "Statement"})
STATEMENT_KEYS = frozenset(
    {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}
)
VERSIONS = frozenset({"2012-10-17", "2008-10-17"})
PRINCIPAL_TYPES = frozenset({"AWS", "Service", "Federated", "CanonicalUser"})


def has_placeholder(value: str) -> bool:
    """True when a value holds a Terraform interpolation such as ${var.bucket} (its value is unknown here)."""
    return "${" in value


@dataclass(frozen=True)
class Principal:
    """One principal: kind is "*" for the anonymous wildcard, else AWS/Service/Federated/CanonicalUser."""

    kind: str
    value: str

    @property
    def is_wildcard(self) -> bool:
        """True for "*" in any form (Principal: "*" or {"AWS": "*"})."""
        return self.value == "*"

    def __str__(self) -> str:
        return "*" if self.kind == "*" else f"{self.kind}:{self.value}"


@dataclass(frozen=True)
class Condition:
    """One condition test: operator (e.g. StringEquals), key (e.g. aws:SourceAccount), values as strings."""

    operator: str
    key: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Statement:
    """One statement. Element tuples are None when the key is absent (Action vs NotAction matters)."""

    index: int
    sid: str | None
    effect: str | None
    actions: tuple[str, ...] | None = None
    not_actions: tuple[str, ...] | None = None
    resources: tuple[str, ...] | None = None
    not_resources: tuple[str, ...] | None = None
    principals: tuple[Principal, ...] | None = None
    not_principals: tuple[Principal, ...] | None = None
    conditions: tuple[Condition, ...] = ()

    @property
    def label(self) -> str:
        """How messages name the statement: by Sid when it has one, else by its 1-based position."""
        return f'statement "{self.sid}"' if self.sid else f"statement #{self.index + 1}"

    @property
    def is_allow(self) -> bool:
        return self.effect == "Allow"

    @property
    def is_assume(self) -> bool:
        """True when the statement names an sts:AssumeRole* action (or a wildcard that covers it)."""
        return any(_covers_assume(a) for a in (self.actions or ()))

    @property
    def is_federated_assume(self) -> bool:
        """True for a web-identity or SAML statement: only Federated principals (an OIDC or SAML provider)."""
        return bool(self.principals) and all(p.kind == "Federated" for p in self.principals)

    def condition_keys(self) -> frozenset[str]:
        """The condition keys tested, lower-cased (IAM condition keys are case-insensitive)."""
        return frozenset(c.key.lower() for c in self.conditions)


@dataclass(frozen=True)
class Policy:
    """A parsed policy document plus the problems that make it malformed."""

    version: str | None
    statements: tuple[Statement, ...]
    problems: tuple[str, ...] = field(default=())

    @property
    def detected_kind(self) -> str:
        """trust when a statement with a Principal names sts:AssumeRole*; resource for other documents with a
        Principal (bucket, key and VPC endpoint policies); else permission."""
        with_principal = [s for s in self.statements if s.principals is not None or s.not_principals is not None]
        if any(s.is_assume or s.not_actions is not None or _names_batch_service(s) for s in with_principal):
            return TRUST
        return RESOURCE if with_principal else PERMISSION

    def allow_statements(self) -> tuple[Statement, ...]:
        return tuple(s for s in self.statements if s.is_allow)


def _names_batch_service(statement: Statement) -> bool:
    """A principal that looks like S3 Batch Operations (typos in the action do not make it a bucket policy)."""
    return any(p.kind == "Service" and "batchoperation" in p.value.lower() for p in statement.principals or ())


def _covers_assume(action: str) -> bool:
    lowered = action.lower()
    return lowered.startswith(ASSUME_ACTION_PREFIX) or fnmatchcase(ASSUME_ACTION_PREFIX, lowered)


def parse_policy(document: object) -> Policy:
    """Normalise an IAM policy document; never raises (problems are collected instead)."""
    problems: list[str] = []
    if not isinstance(document, Mapping):
        return Policy(None, (), (f"the policy is a JSON {type(document).__name__}, not an object",))
    if nesting_depth(document) > MAX_JSON_DEPTH:  # checked first: nothing below recurses into a deeper value
        return Policy(None, (), (f"the policy nests more than {MAX_JSON_DEPTH} levels deep",))
    for key in sorted(str(k) for k in set(document) - POLICY_KEYS):
        problems.append(f'unknown top-level key "{key}"')
    version = document.get("Version")
    if version is not None and not (isinstance(version, str) and version in VERSIONS):
        shown = f'"{version}"' if isinstance(version, str) else _shown(version)
        problems.append(f"Version {shown} is not 2012-10-17")
    raw_statements = document.get("Statement")
    if raw_statements is None:
        problems.append("the policy has no Statement")
        raw_statements = []
    elif isinstance(raw_statements, Mapping):
        raw_statements = [raw_statements]
    elif not isinstance(raw_statements, list):
        problems.append("Statement is neither an object nor a list")
        raw_statements = []
    if len(raw_statements) > MAX_STATEMENTS:
        return Policy(None, (), (f"the policy has {len(raw_statements)} statements, more than {MAX_STATEMENTS}",))
    statements = tuple(_parse_statement(i, raw, problems) for i, raw in enumerate(raw_statements))
    return Policy(version if isinstance(version, str) else None, statements, tuple(problems))


def _parse_statement(index: int, raw: object, problems: list[str]) -> Statement:
    label = f"statement #{index + 1}"
    if not isinstance(raw, Mapping):
        problems.append(f"{label} is not an object")
        return Statement(index, None, None)
    sid = raw.get("Sid") if isinstance(raw.get("Sid"), str) else None
    if sid:
        label = f'statement "{sid}"'
    for key in sorted(str(k) for k in set(raw) - STATEMENT_KEYS):
        problems.append(f'{label} has unknown key "{key}"')
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        problems.append(f"{label} has Effect {_shown(effect)}; it must be Allow or Deny")
        effect = effect if isinstance(effect, str) else None
    if ("Action" in raw) == ("NotAction" in raw):
        problems.append(f"{label} must have exactly one of Action or NotAction")
    if "Resource" in raw and "NotResource" in raw:
        problems.append(f"{label} has both Resource and NotResource")
    if "Principal" in raw and "NotPrincipal" in raw:
        problems.append(f"{label} has both Principal and NotPrincipal")
    return Statement(
        index=index, sid=sid, effect=effect, actions=_strings(raw, "Action", label, problems),
        not_actions=_strings(raw, "NotAction", label, problems), resources=_strings(raw, "Resource", label, problems),
        not_resources=_strings(raw, "NotResource", label, problems),
        principals=_principals(raw, "Principal", label, problems),
        not_principals=_principals(raw, "NotPrincipal", label, problems),
        conditions=_conditions(raw.get("Condition"), label, problems),
    )


def _strings(raw: Mapping, key: str, label: str, problems: list[str]) -> tuple[str, ...] | None:
    if key not in raw:
        return None
    value = raw[key]
    items = value if isinstance(value, list) else [value]
    good = tuple(item for item in items if isinstance(item, str))
    if len(good) != len(items):
        problems.append(f"{label}: every {key} entry must be a string")
    if not items:
        problems.append(f"{label}: {key} is empty")
    return good


def _principals(raw: Mapping, key: str, label: str, problems: list[str]) -> tuple[Principal, ...] | None:
    if key not in raw:
        return None
    value = raw[key]
    if value == "*":
        return (Principal("*", "*"),)
    if not isinstance(value, Mapping):
        problems.append(f'{label}: {key} must be "*" or an object such as {{"Service": "..."}}')
        return ()
    out: list[Principal] = []
    for kind, names in value.items():
        if kind not in PRINCIPAL_TYPES and not has_placeholder(str(kind)):  # "${each.value.type}": unknown, not wrong
            problems.append(f'{label}: unknown {key} type "{kind}"')
            continue
        for name in names if isinstance(names, list) else [names]:
            if isinstance(name, str):
                out.append(Principal(kind, name))
            else:
                problems.append(f"{label}: every {key} {kind} entry must be a string")
    return tuple(out)


def _conditions(value: object, label: str, problems: list[str]) -> tuple[Condition, ...]:
    if value is None:
        return ()
    if not isinstance(value, Mapping):
        problems.append(f"{label}: Condition must be an object")
        return ()
    out: list[Condition] = []
    for operator, tests in value.items():
        if not isinstance(tests, Mapping):
            problems.append(f"{label}: Condition {operator} must map keys to values")
            continue
        for key, values in tests.items():
            items = values if isinstance(values, list) else [values]
            out.append(Condition(str(operator), str(key), tuple(_condition_value(v) for v in items)))
    return tuple(out)


def _shown(value: object) -> str:
    """A value for a message: quoted, at most 80 characters (the value may be any JSON, of any size)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _condition_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
