"""S3B103: object actions on bucket ARNs only, or bucket actions on object ARNs only (the grant does nothing)."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.arns import s3_shape
from validate.linter.findings import Severity
from validate.linter.rule import PERMISSION, DocumentContext, Issue, Rule
from validate.linter.rules._iam import s3_resource_kinds


class ResourceMismatch(Rule):
    id = "S3B103"
    severity = Severity.ERROR
    title = "S3 action on the wrong kind of ARN (object action on a bucket ARN or the reverse)"
    fix_hint = 'Object actions need "arn:aws:s3:::BUCKET/KEY-OR-PREFIX*"; bucket actions need "arn:aws:s3:::BUCKET"'
    target = PERMISSION

    def check(self, context: DocumentContext) -> Iterator[Issue]:
        for statement in context.policy.allow_statements():
            shapes = {s3_shape(r) for r in statement.resources or ()}
            if not shapes or None in shapes:
                continue  # "*", other services, access points or unknowable patterns: nothing certain
            for action in statement.actions or ():
                kinds = s3_resource_kinds(action)
                if kinds and not kinds & shapes:
                    wanted = " or ".join(sorted(kinds))
                    got = " and ".join(sorted(shapes))
                    yield Issue(
                        f"{statement.label}: {action} acts on {wanted} ARNs but the statement lists only {got} ARNs, "
                        "so it grants nothing",
                        statement,
                    )
