"""S3B000: the document is not a valid IAM policy (reported instead of crashing)."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.findings import Severity
from validate.linter.model import PERMISSION
from validate.linter.rule import DOCUMENT, DocumentContext, Issue, Rule


class MalformedPolicy(Rule, id="S3B000", severity=Severity.ERROR, target=DOCUMENT):
    title = "Malformed policy document"
    fix_hint = "Fix the document's structure: Version 2012-10-17, a Statement list, Effect, Action and Resource"

    def check(self, context: DocumentContext) -> Iterator[Issue]:
        for problem in context.policy.problems:
            yield Issue(problem)
        if context.kind != PERMISSION:
            return
        for statement in context.policy.statements:
            if statement.effect is not None and statement.resources is None and statement.not_resources is None:
                yield Issue(f"{statement.label} has neither Resource nor NotResource", statement)
