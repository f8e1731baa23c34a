"""Explicit rule registration: rules/__init__.py lists every rule class in RULES; nothing registers on import.

The registry refuses two rules with one id, so a copied rule module cannot silently shadow another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from validate.linter.rule import TARGETS, Rule

RULE_ID = re.compile(r"^S3B\d{3}$")


class DuplicateRuleError(ValueError):
    """Two rules claim the same id."""


class Registry:
    """Rules by id, in registration order."""

    def __init__(self, rules: Iterable[type[Rule]] = ()) -> None:
        self._rules: dict[str, Rule] = {}
        for rule in rules:
            self.register(rule)

    def register(self, rule_class: type[Rule]) -> None:
        """Add one rule class; raises DuplicateRuleError or ValueError on a bad id or target."""
        rule_id = rule_class.id
        if not RULE_ID.match(rule_id):
            raise ValueError(f"rule id {rule_id!r} must look like S3B001")
        if rule_class.target not in TARGETS:
            raise ValueError(f"rule {rule_id} has unknown target {rule_class.target!r}")
        if rule_id in self._rules:
            existing = type(self._rules[rule_id]).__name__
            raise DuplicateRuleError(f"rule id {rule_id} is used by both {existing} and {rule_class.__name__}")
        self._rules[rule_id] = rule_class()

    def get(self, rule_id: str) -> Rule | None:
        return self._rules.get(rule_id)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules

    def all(self) -> tuple[Rule, ...]:
        return tuple(sorted(self._rules.values(), key=lambda r: r.id))

    def for_target(self, *targets: str) -> tuple[Rule, ...]:
        """The rules checking any of these targets, sorted by id."""
        return tuple(r for r in self.all() if r.target in targets)


@cache
def default_registry() -> Registry:
    """The registry of the shipped rules (built once)."""
    from validate.linter.rules import RULES

    return Registry(RULES)
