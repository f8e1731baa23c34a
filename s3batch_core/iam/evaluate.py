"""IAM identity-policy evaluation, offline: does this set of policies allow `action` on `resource`?

Follows the IAM evaluation logic for identity policies: an explicit Deny wins, then an Allow, else an implicit
deny. Supported: Action/NotAction (wildcards, case-insensitive), Resource/NotResource (wildcards, case-sensitive,
ARNs matched per colon-separated segment), policy variables (${aws:username}, ${*}, ${?}, ${$}, defaults), and
the condition operators String*, Arn*, Numeric*, Date*, Bool, IpAddress/NotIpAddress and Null, with ...IfExists
and the ForAnyValue:/ForAllValues: set qualifiers. A key missing from the request context makes a condition
false, except for negated operators (true, as AWS documents), ...IfExists (true), ForAllValues (true) and Null.
An operator outside that list raises PolicyError rather than guessing.
"""

from __future__ import annotations

import datetime as _dt
import functools
import ipaddress
import operator
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from s3batch_core.iam.catalogue.scope import Requirement

Context = Mapping[str, "str | Sequence[str]"]


class PolicyError(ValueError):
    """A policy this evaluator cannot read (malformed, or an unsupported condition operator)."""


@dataclass(frozen=True)
class Decision:
    """The outcome for one request, with a reason naming the deciding statement."""

    allowed: bool
    reason: str


# ---- pattern matching -------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\$\{([^}]*)\}|\*|\?|[^$*?]+|\$")
_SPECIAL_VARIABLES = {"*": "*", "?": "?", "$": "$"}
_VARIABLE_DEFAULT = re.compile(r"^\s*([^,]+?)\s*,\s*'(.*)'\s*$")


def _variable_value(name: str, context: Mapping[str, object]) -> str | None:
    if name in _SPECIAL_VARIABLES:
        return _SPECIAL_VARIABLES[name]
    default = None
    with_default = _VARIABLE_DEFAULT.match(name)
    if with_default:
        name, default = with_default.group(1), with_default.group(2)
    value = context.get(name.strip().lower())
    return value if isinstance(value, str) else default  # multi-valued keys cannot be policy variables


@functools.lru_cache(maxsize=8192)
def _static_regex(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    body = "".join(_wildcard(t.group(0)) for t in _TOKEN.finditer(pattern))
    return re.compile(body, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def _wildcard(text: str) -> str:
    return {"*": ".*", "?": "."}.get(text) or re.escape(text)


def _substituted(text: str, context: Mapping[str, object], literal: Callable[[str], str] = str,
                 variable: Callable[[str], str] = str) -> str | None:
    """The text with its policy variables replaced (each part through `literal` or `variable`); None when one cannot
    be resolved."""
    if "$" not in text and literal is str:
        return text  # the common case, with no tokenizing
    parts: list[str] = []
    for token in _TOKEN.finditer(text):
        if token.group(1) is None:
            parts.append(literal(token.group(0)))
            continue
        value = _variable_value(token.group(1), context)
        if value is None:
            return None
        parts.append(variable(value))
    return "".join(parts)


def _like(pattern: str, value: str, context: Mapping[str, object]) -> bool:
    """IAM wildcard matching (* and ?), case-sensitive; policy variables are substituted as literals (even "*"
    from ${*}), and one that cannot be resolved makes the element match nothing."""
    if "$" not in pattern:
        return bool(_static_regex(pattern, False).fullmatch(value))
    body = _substituted(pattern, context, _wildcard, re.escape)
    return body is not None and bool(re.compile(body, re.DOTALL).fullmatch(value))


def action_matches(pattern: str, action: str) -> bool:
    """IAM Action matching: wildcards * and ?, case-insensitive."""
    return bool(_static_regex(pattern, True).fullmatch(action))


def arn_matches(pattern: str, arn: str, context: Mapping[str, object] | None = None) -> bool:
    """IAM resource / ArnLike matching: case-sensitive, each of the six ARN segments matched on its own."""
    context = context or {}
    if pattern == "*":
        return True
    if not (pattern.startswith("arn:") and arn.startswith("arn:")):
        return _like(pattern, arn, context)
    if "$" not in pattern:
        return bool(_static_arn_regex(pattern).fullmatch(arn))
    wanted, given = pattern.split(":", 5), arn.split(":", 5)
    if len(wanted) > len(given):
        return False
    # A pattern with fewer segments matches the rest of the ARN with its last segment ("arn:aws:s3:*").
    given = given[: len(wanted) - 1] + [":".join(given[len(wanted) - 1 :])]
    return all(_like(w, g, context) for w, g in zip(wanted, given, strict=True))


@functools.lru_cache(maxsize=8192)
def _static_arn_regex(pattern: str) -> re.Pattern[str]:
    """One regex for a segment-wise ARN pattern: wildcards stay inside their segment, except in the last one."""
    segments = pattern.split(":", 5)
    inner = {"*": "[^:]*", "?": "[^:]"}
    parts = ["".join(inner.get(t.group(0)) or re.escape(t.group(0)) for t in _TOKEN.finditer(seg)) for seg in segments[:-1]]
    parts.append(_static_regex(segments[-1], False).pattern)
    return re.compile(":".join(parts), re.DOTALL)


# ---- conditions ---------------------------------------------------------------------------------------------------


def _date(text: str) -> _dt.datetime:
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return _dt.datetime.fromtimestamp(float(text), tz=_dt.timezone.utc)
    parsed = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=_dt.timezone.utc)


def _ordered(parse: Callable[[str], object], compare: Callable[[object, object], bool]) -> Callable[..., bool]:
    def test(ctx: str, policy: str, _context: Mapping[str, object]) -> bool:
        try:
            return compare(parse(ctx), parse(policy))
        except (ValueError, TypeError, OverflowError):
            return False  # an unparsable value never matches, as in IAM

    return test


def _ip(ctx: str, policy: str, _context: Mapping[str, object]) -> bool:
    try:
        return ipaddress.ip_address(ctx) in ipaddress.ip_network(policy, strict=False)
    except ValueError:
        return False


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "Equals": operator.eq, "LessThan": operator.lt, "LessThanEquals": operator.le, "GreaterThan": operator.gt,
    "GreaterThanEquals": operator.ge,
}

# operator -> (positive test(context value, policy value, context), negated)
_OPERATORS: dict[str, tuple[Callable[[str, str, Mapping[str, object]], bool], bool]] = {
    "StringEquals": (lambda c, p, x: _substituted(p, x) == c, False),
    "StringEqualsIgnoreCase": (lambda c, p, x: (_substituted(p, x) or "").casefold() == c.casefold(), False),
    "StringLike": (lambda c, p, x: _like(p, c, x), False),
    "ArnEquals": (lambda c, p, x: arn_matches(p, c, x), False),
    "ArnLike": (lambda c, p, x: arn_matches(p, c, x), False),
    "Bool": (lambda c, p, _x: c.lower() == p.lower(), False),
    "IpAddress": (_ip, False),
    "BinaryEquals": (lambda c, p, _x: c == p, False),
}
for _name, _compare in _COMPARISONS.items():
    _OPERATORS[f"Numeric{_name}"] = (_ordered(float, _compare), False)
    _OPERATORS[f"Date{_name}"] = (_ordered(_date, _compare), False)
_NEGATIONS = {negated: negated.replace("Not", "", 1) for negated in (  # StringNotLike negates StringLike, ...
    "StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike", "NumericNotEquals",
    "DateNotEquals", "NotIpAddress")}
for _negated, _positive in _NEGATIONS.items():
    _OPERATORS[_negated] = (_OPERATORS[_positive][0], True)


def _values(value: object) -> list[str]:
    """A policy's or a context's value(s) as strings; booleans as IAM writes them (true, false)."""
    items = value if isinstance(value, (list, tuple)) else [value]
    return [str(v).lower() if isinstance(v, bool) else str(v) for v in items]


def _condition_holds(operator: str, key: str, expected: object, context: Mapping[str, object]) -> bool:
    set_qualifier, _, base = operator.rpartition(":")
    if set_qualifier not in ("", "ForAnyValue", "ForAllValues"):
        raise PolicyError(f"unsupported condition operator {operator!r}")
    if_exists = base.endswith("IfExists") and base != "IfExists"
    base = base.removesuffix("IfExists") if if_exists else base
    present = key.lower() in context
    if base == "Null":
        return any((not present) if want == "true" else present for want in (v.lower() for v in _values(expected)))
    if base not in _OPERATORS:
        raise PolicyError(f"unsupported condition operator {operator!r}")
    test, negated = _OPERATORS[base]
    if not present:
        if if_exists or set_qualifier == "ForAllValues":
            return True
        return negated and set_qualifier != "ForAnyValue"
    wanted = _values(expected)

    def one(value: str) -> bool:
        return any(test(value, w, context) for w in wanted) is not negated

    # Every value must pass for ForAllValues, and for a negated operator without a qualifier (none may match: NOR).
    every = set_qualifier == "ForAllValues" or (negated and not set_qualifier)
    return (all if every else any)(one(v) for v in _values(context[key.lower()]))


# ---- statements -----------------------------------------------------------------------------------------------


def _as_list(value: object, field: str, label: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise PolicyError(f"{label}: {field} must be a string or a list of strings")


def _element_applies(statement: Mapping[str, object], name: str, label: str, matches: Callable[[str], bool]) -> bool:
    """Action/NotAction or Resource/NotResource; a statement with neither matches nothing (an identity policy
    statement without Resource included)."""
    for field, negated in ((name, False), (f"Not{name}", True)):
        if field in statement:
            return any(matches(p) for p in _as_list(statement[field], field, label)) is not negated
    return False


def _statement_applies(statement: Mapping[str, object], label: str, action: str, resource: str, context: Mapping[str, object]) -> bool:
    if not (_element_applies(statement, "Action", label, lambda p: action_matches(p, action))
            and _element_applies(statement, "Resource", label, lambda p: arn_matches(p, resource, context))):
        return False
    conditions = statement.get("Condition", {})
    if not isinstance(conditions, Mapping):
        raise PolicyError(f"{label}: Condition must be an object")
    for operator, entries in conditions.items():
        if not isinstance(entries, Mapping):
            raise PolicyError(f"{label}: Condition operator {operator!r} must map keys to values")
        try:
            if not all(_condition_holds(operator, key, value, context) for key, value in entries.items()):
                return False
        except PolicyError as exc:
            raise PolicyError(f"{label}: {exc}") from None
    return True


def _statements(name: str, document: object) -> Iterable[tuple[str, Mapping[str, object]]]:
    if not isinstance(document, Mapping):
        raise PolicyError(f'policy "{name}": a policy document must be a JSON object')
    statements = document.get("Statement", [])
    statements = [statements] if isinstance(statements, Mapping) else statements
    if not isinstance(statements, list):
        raise PolicyError(f'policy "{name}": Statement must be an object or a list')
    for index, statement in enumerate(statements, start=1):
        if not isinstance(statement, Mapping):
            raise PolicyError(f'policy "{name}": statement #{index} must be an object')
        sid = statement.get("Sid")
        label = f'statement "{sid}" in policy "{name}"' if sid else f'statement #{index} in policy "{name}"'
        if statement.get("Effect") not in ("Allow", "Deny"):
            raise PolicyError(f'{label}: Effect must be "Allow" or "Deny"')
        yield label, statement


def evaluate(
    policies: Sequence[tuple[str, dict]],
    action: str,
    resource: str,
    context: Context | None = None,
) -> Decision:
    """Decide one request against named identity policies: explicit Deny > Allow > implicit deny."""
    ctx = {key.lower(): value for key, value in (context or {}).items()}  # condition keys are case-insensitive
    allowed_by: str | None = None
    for name, document in policies:
        for label, statement in _statements(name, document):
            if not _statement_applies(statement, label, action, resource, ctx):
                continue
            if statement["Effect"] == "Deny":
                return Decision(False, f"denied by {label}")
            allowed_by = allowed_by or label
    if allowed_by:
        return Decision(True, f"allowed by {allowed_by}")
    return Decision(False, f"no statement allows {action} on {resource}")


def unmet(
    policies: Sequence[tuple[str, dict]],
    requirements: Iterable[Requirement],
    context: Context | None = None,
) -> list[tuple[Requirement, Decision]]:
    """The requirements the policies do not allow, each with its Decision (empty: the job's role is sufficient).

    Each requirement's own context (e.g. kms:ViaService) is laid over `context`.
    """
    base = dict(context or {})
    decisions = ((r, evaluate(policies, r.action, r.resource, {**base, **dict(r.context)})) for r in requirements)
    return [(requirement, decision) for requirement, decision in decisions if not decision.allowed]
