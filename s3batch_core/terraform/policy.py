"""The one converter of `data "aws_iam_policy_document"` blocks to IAM JSON, shaped as the AWS provider renders it.

The provider (terraform-provider-aws, data_source_iam_policy_document.go) reads actions, resources, principal
identifiers and condition values as sets: a one-element list becomes a string ("Action": "sts:AssumeRole"), a longer
one is deduplicated and sorted in reverse order (policyDecodeConfigStringList); principal blocks of one type merge
into one list, and a lone `type = "*"` principal is rendered as "Principal": "*". The static plan, the linter and the
terraform-aws-modules readers all use this, so one block gives one document everywhere.

A value may still be a Terraform expression ("${var.x}", the linter reads without a plan): it is kept as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

T = TypeVar("T")

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


def combined_statements(sources: list[list[T]], own: list[T], overrides: list[list[T]],
                        sid: Callable[[T], Any] = lambda statement: statement.get("Sid")) -> list[T]:
    """The statements of a document with source_policy_documents and override_policy_documents, as the provider
    merges them: the sources' statements, the document's own replacing those with the same non-blank Sid, then each
    override document's likewise; the rest appended. `sid` reads a statement's Sid (callers may carry extras)."""
    merged = [statement for document in sources for statement in document]
    for document in (own, *overrides):
        merged = _merge(merged, document, sid)
    return merged


def _merge(base: list[T], overrides: list[T], sid: Callable[[T], Any]) -> list[T]:
    merged = list(base)
    for statement in overrides:
        key = sid(statement)
        index = next((i for i, existing in enumerate(base) if key and sid(existing) == key), None)
        if index is None:
            merged.append(statement)
        else:
            merged[index] = statement
    return merged


def as_list(value: Any) -> list[Any]:
    """None as [], a list as itself, anything else as a one-element list (HCL's single block or value)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
