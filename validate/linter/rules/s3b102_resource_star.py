"""S3B102: Resource "*" or every S3 bucket/object on actions that support resource-level permissions (linter.md)."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.arns import is_every_s3_resource
from validate.linter.findings import Severity
from validate.linter.model import Statement
from validate.linter.rule import PERMISSION, StatementRule
from validate.linter.rules._iam import expand, is_pattern, supports_resource_level
from validate.linter.rules.s3b101_wildcard_action import is_service_wildcard

# Condition keys that scope a statement to resources as a Resource ARN would: `iam:AWSServiceName` limits
# iam:CreateServiceLinkedRole to one service's role, `aws:ResourceTag/...` to tagged resources, `kms:ViaService` to
# calls through one service. A statement with Resource "*" and such a condition is scoped.
_SCOPING_KEY_PARTS = ("resourcetag/", "requesttag/", "awsservicename", "passedtoservice", "resourceaccount",
                      "resourceorgid", "resourceorgpaths", "viaservice", "calleraccount")


class ResourceStar(StatementRule, id="S3B102", severity=Severity.ERROR, target=PERMISSION):
    title = 'Resource "*" or every S3 bucket/object on actions that can be scoped to resources'
    fix_hint = "Scope the statement to the bucket, object prefix, function or key ARNs it needs"

    def problems(self, statement: Statement) -> Iterator[str]:
        if any(part in key for key in statement.condition_keys() for part in _SCOPING_KEY_PARTS):
            return
        resources = statement.resources or ()
        if "*" in resources:
            scopable = [a for a in statement.actions or () if _scopable(a)]
            where = 'Resource "*"'
        else:
            every_s3 = [r for r in resources if is_every_s3_resource(r)]
            scopable = [a for a in statement.actions or () if a.lower().startswith("s3:") and _scopable(a)]
            where = f"every S3 {'object' if all('/' in r for r in every_s3) else 'bucket'} ({', '.join(every_s3)})"
            if not every_s3:
                return
        if scopable:
            yield _message(statement, scopable, where)


def _scopable(action: str) -> bool:
    if is_service_wildcard(action):
        return False  # "*" and "s3:*" are S3B101's
    if is_pattern(action):  # s3:GetObject* yes; ec2:Describe* no (most Describe actions take only "*")
        expanded = expand(action)
        return bool(expanded) and all(supports_resource_level(a) for a in expanded)
    return supports_resource_level(action)


def _message(statement: Statement, actions: list[str], where: str) -> str:
    return f"{statement.label} grants {', '.join(actions)} on {where}; these actions support resource-level permissions"
