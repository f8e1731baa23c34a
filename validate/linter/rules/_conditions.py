"""Condition keys that scope a statement to resources as a Resource ARN would (shared by the wildcard rules).

`iam:AWSServiceName` limits iam:CreateServiceLinkedRole to one service's role, `aws:ResourceTag/...` to tagged
resources, `kms:ViaService` to calls through one service: a statement with Resource "*" and such a condition
is scoped, so the wildcard-resource rule does not report it.
"""

from __future__ import annotations

from validate.linter.model import Statement

SCOPING_KEY_PARTS = ("resourcetag/", "requesttag/", "awsservicename", "passedtoservice", "resourceaccount",
                     "resourceorgid", "resourceorgpaths", "viaservice", "calleraccount")


def scoping_conditions(statement: Statement) -> list[str]:
    """The condition keys of the statement that scope it to resources (lower-cased)."""
    return sorted(k for k in statement.condition_keys() if any(part in k for part in SCOPING_KEY_PARTS))
