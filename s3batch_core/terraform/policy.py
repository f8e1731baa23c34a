"""The one converter of `data "aws_iam_policy_document"` blocks to IAM JSON, shaped as the AWS provider renders it.

The provider (terraform-provider-aws, data_source_iam_policy_document.go) reads actions, resources, principal
identifiers and condition values as sets: a one-element list becomes a string ("Action": "sts:AssumeRole"), a longer
one is deduplicated and sorted in reverse order (policyDecodeConfigStringList); principal blocks of one type merge
into one list, and a lone `type = "*"` principal is rendered as "Principal": "*". The static plan, the linter and the
terraform-aws-modules readers all use this, so one block gives one document everywhere.

A value may still be a Terraform expression ("${var.x}", the linter reads without a plan): it is kept as it is.

`assemble` is the one reading of a `data "aws_iam_policy_document"` block: statements in source order with their
lines, `dynamic` statement / principals / condition blocks expanded, source and override documents merged. How
values are evaluated is the caller's (`Values`): concretely by the static plan, over every value a variable can
take by the linter.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from s3batch_core.terraform.evaluate import Scope, Unsupported, evaluate_partial
from s3batch_core.terraform.load import Block
from s3batch_core.terraform.text import strip_interpolation

Line = int | None
Pairs = list[tuple[Any, Line]]  # (statement JSON, its line)

VERSION = "2012-10-17"
_LISTS = (("actions", "Action"), ("not_actions", "NotAction"), ("resources", "Resource"), ("not_resources", "NotResource"))
_PRINCIPALS = (("principals", "Principal"), ("not_principals", "NotPrincipal"))


def statement_json(block: Mapping[str, Any]) -> dict[str, Any]:
    """One `statement {}` block (python-hcl2's dict form) as an IAM policy statement."""
    statement: dict[str, Any] = {}
    if block.get("sid"):
        statement["Sid"] = block["sid"]
    statement["Effect"] = block.get("effect", "Allow")
    for source, target in _LISTS:
        if block.get(source) is not None:
            statement[target] = string_set(block[source])
    for source, target in _PRINCIPALS:
        if source in block:
            statement[target] = principals_json(as_list(block[source]))
    conditions: dict[str, dict[str, Any]] = {}
    for condition in as_list(block.get("condition")):
        if isinstance(condition, Mapping):
            tests = conditions.setdefault(str(condition.get("test")), {})
            variable = str(condition.get("variable"))
            tests[variable] = _joined(tests.get(variable), condition.get("values", []))
    if conditions:
        statement["Condition"] = conditions
    return statement


def principals_json(blocks: list[Any]) -> Any:
    """`principals {}` blocks as a Principal element: identifiers merged per type, "*" alone as "*"."""
    merged: dict[str, Any] = {}
    for block in blocks:
        if isinstance(block, Mapping):
            principal_type = str(block.get("type"))
            merged[principal_type] = _joined(merged.get(principal_type), block.get("identifiers", []))
    if list(merged) == ["*"]:
        return "*"  # the provider renders type "*" with identifiers ["*"] as Principal "*"
    return merged


def string_set(values: Any) -> Any:
    """A list as the provider renders a set of strings: one element as itself, more deduplicated, reverse-sorted."""
    if not isinstance(values, list):
        return values  # an expression not known without a plan
    unique = list(dict.fromkeys(values))
    return unique[0] if len(unique) == 1 else sorted(unique, key=str, reverse=True)


def _joined(rendered: Any, values: Any) -> Any:
    """Add the values of one more block to what earlier blocks of the same key rendered."""
    if rendered is None:
        return string_set(values)
    return string_set([*as_list(rendered), *as_list(values)])


def combined_statements(sources: list[Pairs], own: Pairs, overrides: list[Pairs]) -> Pairs:
    """The statements of a document with source_policy_documents and override_policy_documents, as the provider
    merges them: the sources' statements, the document's own replacing those with the same non-blank Sid, then each
    override document's likewise; the rest appended."""
    merged = [pair for document in sources for pair in document]
    for document in (own, *overrides):
        merged = _merge(merged, document)
    return merged


def _merge(base: Pairs, overrides: Pairs) -> Pairs:
    merged = list(base)
    for pair in overrides:
        key = _sid(pair)
        index = next((i for i, existing in enumerate(base) if key and _sid(existing) == key), None)
        if index is None:
            merged.append(pair)
        else:
            merged[index] = pair
    return merged


def _sid(pair: tuple[Any, Line]) -> Any:
    return pair[0].get("Sid") if isinstance(pair[0], dict) else None


def as_list(value: Any) -> list[Any]:
    """None as [], a list as itself, anything else as a one-element list (HCL's single block or value)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# ---- one aws_iam_policy_document block ---------------------------------------------------------------------

_NESTED_DYNAMIC = ("principals", "not_principals", "condition")  # blocks a statement may generate dynamically


class Values(Protocol):
    """How the values of a policy document block are evaluated."""

    def statement(self, raw: dict) -> dict:
        """A statement body (dynamic blocks expanded) with its values evaluated."""

    def items(self, for_each: object) -> list[tuple[object, object]] | None:
        """The (key, value) pairs a dynamic block's for_each iterates (`iterate`); None when not known."""


@dataclass
class Assembly:
    """A rendered policy document, the line of each statement, and the dynamic blocks not expanded (why, line)."""

    document: dict[str, Any]
    lines: list[Line]
    unread: list[tuple[str, Line]] = field(default_factory=list)


def assemble(block: Block, values: Values, sources: list[Pairs] = (), overrides: list[Pairs] = ()) -> Assembly:
    """The document of one aws_iam_policy_document block; `sources` / `overrides`: the statements (with lines) of
    its source_policy_documents / override_policy_documents, read by the caller."""
    unread: list[tuple[str, Line]] = []
    own: Pairs = []
    for body, dynamic, line in _parts(block):
        bodies = _dynamic_bodies(block, values, body, "statement", line, unread) if dynamic else [body]
        own += [(statement_json(values.statement(_expand_nested(block, values, raw, line, unread))), line)
                for raw in bodies]
    pairs = combined_statements(list(sources), own, list(overrides))
    document = {"Version": block.body.get("version", VERSION), "Statement": [s for s, _ in pairs]}
    return Assembly(document, [line for _, line in pairs], unread)


def _parts(block: Block) -> list[tuple[dict, bool, Line]]:
    """(body, is dynamic, line) of each statement block; source order when the text lines match the parse."""
    static = [s for s in as_list(block.body.get("statement")) if isinstance(s, dict)]
    entries = [d for d in as_list(block.body.get("dynamic")) if isinstance(d, dict)]
    dynamic = [d["statement"] for d in entries if isinstance(d.get("statement"), dict)]
    headers = block.statement_headers()
    if sum(1 for is_dynamic, _ in headers if is_dynamic) != len(dynamic) or len(headers) != len(static) + len(dynamic):
        return [(s, False, block.line) for s in static] + [(d, True, block.line) for d in dynamic]
    by_kind = {False: iter(static), True: iter(dynamic)}
    return [(next(by_kind[is_dynamic]), is_dynamic, line) for is_dynamic, line in headers]


def _expand_nested(block: Block, values: Values, raw: dict, line: Line, unread: list) -> dict:
    """The statement with its dynamic principals / not_principals / condition blocks expanded."""
    entries = [e for e in as_list(raw.get("dynamic")) if isinstance(e, dict)]
    if not entries:
        return raw
    out = {k: v for k, v in raw.items() if k != "dynamic"}
    for entry in entries:
        for block_type, spec in entry.items():
            nested = block_type in _NESTED_DYNAMIC and isinstance(spec, dict)
            bodies = _dynamic_bodies(block, values, spec, block_type, line, unread) if nested else []
            if bodies:  # none (or unknown): no empty Principal / Condition element
                out[block_type] = as_list(out.get(block_type)) + bodies
    return out


def _dynamic_bodies(block: Block, values: Values, spec: dict, block_type: str, line: Line, unread: list) -> list[dict]:
    """One content body per for_each element, iterator references filled in; [] and an unread part if unknown."""
    items = values.items(spec.get("for_each"))
    if items is None:
        shown = strip_interpolation(str(spec.get("for_each"))) or spec.get("for_each")
        unread.append((f'{block.address}: dynamic "{block_type}" for_each = {shown} is known only at plan time', line))
        return []
    iterator = spec.get("iterator")
    name = (strip_interpolation(iterator) or iterator) if isinstance(iterator, str) else block_type
    content = next((c for c in as_list(spec.get("content")) if isinstance(c, dict)), {})
    return [_bind(content, name, key, value) for key, value in items]


def iterate(collection: list | dict, is_set: bool) -> list[tuple[object, object]]:
    """Terraform's iteration: maps by sorted key, sets with key = value (sorted), lists by index."""
    if isinstance(collection, dict):
        return [(key, collection[key]) for key in sorted(collection)]
    if is_set:
        unique = {json.dumps(v, sort_keys=True, default=str): v for v in collection}
        return [(unique[k], unique[k]) for k in sorted(unique)]
    return list(enumerate(collection))


def _bind(value: object, iterator: str, key: object, element: object) -> object:
    """The value with `<iterator>.key` / `<iterator>.value[...]` filled in (recursively), by partial evaluation:
    other references stay "${...}"; strings that do not name the iterator stay as they are."""
    if isinstance(value, dict):
        return {k: _bind(v, iterator, key, element) for k, v in value.items()}
    if isinstance(value, list):
        return [_bind(v, iterator, key, element) for v in value]
    if not isinstance(value, str) or "${" not in value or iterator not in value:
        return value

    def resolve(path: tuple) -> object:
        if len(path) >= 2 and path[0] == iterator and path[1] in ("key", "value"):
            current = key if path[1] == "key" else element
            for step in path[2:]:
                current = current[step]  # KeyError/IndexError/TypeError: unknown
            return current
        raise Unsupported(".".join(map(str, path)))

    try:
        return evaluate_partial(value, Scope({}, resolve=resolve, partial=True))
    except Exception:  # noqa: BLE001 - a value python-hcl2 cannot re-read stays as it is
        return value
