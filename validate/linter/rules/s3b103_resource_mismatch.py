"""S3B103: object actions on bucket ARNs only, or bucket actions on object ARNs only (the grant does nothing)."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.arns import s3_shape
from validate.linter.findings import Severity
from validate.linter.model import Statement
from validate.linter.rule import PERMISSION, StatementRule
from validate.linter.rules._iam import s3_resource_kinds


class ResourceMismatch(StatementRule, id="S3B103", severity=Severity.ERROR, target=PERMISSION):
    title = "S3 action on the wrong kind of ARN (object action on a bucket ARN or the reverse)"
    fix_hint = 'Object actions need "arn:aws:s3:::BUCKET/KEY-OR-PREFIX*"; bucket actions need "arn:aws:s3:::BUCKET"'

    def problems(self, statement: Statement) -> Iterator[str]:
        for action in ineffective_actions(statement):  # then every resource has an S3 shape
            wanted = " or ".join(sorted(s3_resource_kinds(action)))
            got = " and ".join(sorted(resource_shapes(statement)))  # type: ignore[arg-type]
            yield (f"{statement.label}: {action} acts on {wanted} ARNs but the statement lists only {got} ARNs, "
                   "so it grants nothing")


def resource_shapes(statement: Statement) -> set[str | None]:
    """The S3 ARN kinds ('bucket', 'object', None for anything else) of the statement's resources."""
    return {s3_shape(r) for r in statement.resources or ()}


def ineffective_actions(statement: Statement) -> list[str]:
    """S3 actions of the statement that none of its resources can match: they grant nothing (also used by
    S3B110, which does not call a grant that does nothing new access)."""
    shapes = resource_shapes(statement)
    if not shapes or None in shapes:
        return []  # "*", other services, access points or unknowable patterns: nothing certain
    return [a for a in statement.actions or () if s3_resource_kinds(a) and not s3_resource_kinds(a) & shapes]
