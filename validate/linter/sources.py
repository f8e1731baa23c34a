"""Where policies come from: one PolicySource per document found, one RoleSource per batch role.

JSON files and Terraform extraction (validate.linter.terraform) both produce these; the engine lints
them without caring where they came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SUPPRESS_KEY = "S3BatchLintIgnore"
_COMMENT = re.compile(r"(?:#|//)\s*s3batch:ignore\b(?P<rest>.*)$")
_RULE_IDS = re.compile(r"^\s*(?P<ids>[A-Za-z0-9]+(?:\s*,\s*[A-Za-z0-9]+)*)(?P<reason>.*)$")


@dataclass(frozen=True)
class Suppression:
    """`rule` is suppressed for the block or document it sits in; an empty reason makes it invalid."""

    rule: str
    reason: str
    file: str
    line: int | None


@dataclass(frozen=True)
class UnreadPart:
    """Part of a policy that cannot be read here: a dynamic block whose for_each is known only at plan time."""

    description: str
    line: int | None


@dataclass(frozen=True)
class PolicySource:
    """One policy document and where it was found.

    document: the parsed JSON value, None when the text is not JSON (then `error` says why).
    kind: "trust" or "permission" when the location says so (assume_role_policy), else None (detect).
    for_batch: a trust policy meant for the S3 Batch role (batch-only trust rules apply).
    whole_role: the document is a role's entire permission policy (a JSON file): with an operation,
        the role rules check it on its own.
    statement_lines: the line of each statement when known (aws_iam_policy_document blocks, JSON files).
    unread: parts of the document left out because they cannot be read (S3B115); rules that need the
        whole document (missing permissions, the batch trust) stay silent for it.
    template_missing: set with `error` when the document is a template that cannot be read without its
        variables' values (S3B116, a warning, instead of S3B000): the variables it would need.
    """

    document: object
    file: str
    line: int | None = None
    resource: str | None = None
    kind: str | None = None
    error: str | None = None
    suppressions: tuple[Suppression, ...] = ()
    for_batch: bool = False
    whole_role: bool = False
    statement_lines: tuple[int, ...] = ()
    unread: tuple[UnreadPart, ...] = ()
    template_missing: tuple[str, ...] | None = None


@dataclass(frozen=True)
class RoleSource:
    """A role meant for S3 Batch Operations, for one operation its configuration can give it.

    operation: None when the role declares none (S3B113); unreadable: attached policies that cannot
    be read here (their ARN expressions), which turns off the missing-permission check.
    """

    address: str
    file: str
    line: int | None
    trust: tuple[PolicySource, ...]
    permissions: tuple[PolicySource, ...]
    operation: str | None
    operation_origin: str
    unreadable: tuple[str, ...] = ()
    suppressions: tuple[Suppression, ...] = ()

    @property
    def readable(self) -> list[PolicySource]:
        """The permission policies read as JSON objects."""
        return [s for s in self.permissions if s.error is None and isinstance(s.document, dict)]


def parse_comment_suppressions(text: str, file: str, first_line: int = 1) -> list[Suppression]:
    """Suppressions in `# s3batch:ignore S3B001[,S3B002] reason` comments (also `//`), with their line numbers."""
    found: list[Suppression] = []
    for offset, line in enumerate(text.splitlines()):
        match = _COMMENT.search(line)
        if match:
            found.extend(_parse_rest(match.group("rest"), file, first_line + offset))
    return found


def _parse_rest(rest: str, file: str, line: int) -> list[Suppression]:
    match = _RULE_IDS.match(rest)
    if not match:
        return [Suppression("", "", file, line)]
    ids = [i.strip().upper() for i in match.group("ids").split(",")]
    reason = match.group("reason").strip()
    return [Suppression(rule_id, reason, file, line) for rule_id in ids]


def split_json_suppressions(document: object, file: str, line: int | None = None) -> tuple[object, list[Suppression]]:
    """Remove the top-level S3BatchLintIgnore key: [{"rule": "S3B001", "reason": "..."}] and return its entries."""
    if not isinstance(document, dict) or SUPPRESS_KEY not in document:
        return document, []
    stripped = {k: v for k, v in document.items() if k != SUPPRESS_KEY}
    entries = document[SUPPRESS_KEY]
    found: list[Suppression] = []
    for entry in entries if isinstance(entries, list) else [entries]:
        rule, reason = (entry.get("rule"), entry.get("reason")) if isinstance(entry, dict) else (None, None)
        rule = rule.strip().upper() if isinstance(rule, str) else ""
        found.append(Suppression(rule, reason.strip() if isinstance(reason, str) else "", file, line))
    return stripped, found
