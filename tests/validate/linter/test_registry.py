"""The registry: explicit list, duplicate-id guard, complete metadata, and docs/linter.md in step."""

from __future__ import annotations

from pathlib import Path

import pytest

from validate.linter.findings import Severity
from validate.linter.registry import DuplicateRuleError, Registry, default_registry
from validate.linter.rule import DOCUMENT, Rule
from validate.linter.rules import RULES
from validate.linter.rules.s3b101_wildcard_action import WildcardAction

DOCS = Path(__file__).resolve().parents[3] / "docs" / "linter.md"


def test_duplicate_id_is_refused() -> None:
    copy = type("Copy", (Rule,), {"id": WildcardAction.id, "severity": Severity.ERROR, "title": "x", "fix_hint": "x",
                                  "target": DOCUMENT})
    registry = Registry([WildcardAction])
    with pytest.raises(DuplicateRuleError, match="S3B101 is used by both WildcardAction and Copy"):
        registry.register(copy)


@pytest.mark.parametrize(("rule_id", "target"), [("B001", DOCUMENT), ("S3B999", "nowhere")])
def test_bad_metadata_is_refused(rule_id: str, target: str) -> None:
    bad = type("Bad", (Rule,), {"id": rule_id, "severity": Severity.INFO, "title": "t", "fix_hint": "f", "target": target})
    with pytest.raises(ValueError):
        Registry([bad])


def test_every_shipped_rule_is_registered_with_metadata() -> None:
    registry = default_registry()
    assert len(registry.all()) == len(RULES)
    for rule in registry.all():
        assert rule.title and rule.fix_hint and isinstance(rule.severity, Severity)


def test_docs_table_lists_every_rule_with_its_severity() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for rule in default_registry().all():
        row = next((line for line in text.splitlines() if line.startswith(f"| {rule.id} ")), None)
        assert row is not None, f"{rule.id} missing from docs/linter.md"
        assert f"| {rule.severity.value} |" in row
