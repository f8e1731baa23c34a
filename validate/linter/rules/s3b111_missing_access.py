"""S3B111: the batch role lacks an access the catalogue says every job of its operation makes."""

from __future__ import annotations

from collections.abc import Iterator

from validate.linter.findings import Severity
from validate.linter.rule import ROLE, Issue, Rule, RoleContext
from validate.linter.rules._shape import role_unmet


class MissingAccess(Rule, id="S3B111", severity=Severity.ERROR, target=ROLE):
    title = "Batch role lacks a permission its operation needs (the job will fail)"
    fix_hint = "Add the missing grant, or generate the policy: s3batch policy OPERATION ... (make policies)"

    def check(self, context: RoleContext) -> Iterator[Issue]:
        if not context.complete or context.operation is None:
            return  # a policy we cannot read may grant it (S3B114); without an operation nothing is required
        seen: set[tuple[str, str]] = set()
        for requirement, reason in role_unmet(context):
            key = (requirement.action.lower(), requirement.purpose)
            if key in seen:
                continue
            seen.add(key)
            yield Issue(
                f"{_consequence(context.operation, requirement.purpose)}: the role cannot {requirement.action} "
                f"to {requirement.purpose} ({reason})"
            )


# What AWS documents happens without the access (aws-s3-batch-operations.md §2.4, §3.2, §4.6): a manifest
# that cannot be read fails the job; a report that cannot be written leaves a completed job without it; a
# task that is denied fails, and the job fails only past the task-failure threshold.
_MANIFEST_WORDS = ("manifest", "inventory data files")


def _consequence(operation: str, purpose: str) -> str:
    from s3batch_core.iam.catalogue import REPORT_WRITE_PURPOSE

    if purpose == REPORT_WRITE_PURPOSE:
        return f"this {operation} job cannot deliver its completion report (AWS: the job completes without it)"
    if any(word in purpose for word in _MANIFEST_WORDS):
        return f"this {operation} job will fail"
    return f"each task of this {operation} job will fail, and the job may fail"
