"""The Rule base classes: metadata given as class keywords, and StatementRule walking a policy's statements."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.findings import Severity
from validate.linter.model import Statement, parse_policy
from validate.linter.rule import PERMISSION, DocumentContext, StatementRule

POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"},
        {"Effect": "Allow", "Action": ["s3:PutObject", "s3:PutObjectTagging"], "Resource": "*"},
    ],
}


class EveryAction(StatementRule, id="S3B199", severity=Severity.WARNING, target=PERMISSION):
    title = fix_hint = "test rule: one message per action"

    def problems(self, statement: Statement) -> Iterator[str]:
        yield from (f"{statement.label}: {action}" for action in statement.actions or ())


class EveryActionOfEveryEffect(EveryAction):
    every_effect = True


def _messages(rule: StatementRule) -> list[tuple[str, int | None]]:
    context = DocumentContext(parse_policy(POLICY), "permission")
    return [(issue.message, issue.statement.index if issue.statement else None) for issue in rule.check(context)]


def test_class_keywords_set_the_metadata() -> None:
    assert (EveryAction.id, EveryAction.severity, EveryAction.target) == ("S3B199", Severity.WARNING, PERMISSION)
    assert EveryActionOfEveryEffect.id == "S3B199"  # inherited like any class attribute


def test_a_statement_rule_sees_allow_statements_and_files_each_message_under_its_statement() -> None:
    assert _messages(EveryAction()) == [
        ("statement #1: s3:GetObject", 0), ("statement #3: s3:PutObject", 2), ("statement #3: s3:PutObjectTagging", 2)]


def test_every_effect_includes_deny_statements() -> None:
    assert [index for _, index in _messages(EveryActionOfEveryEffect())] == [0, 1, 2, 2]
