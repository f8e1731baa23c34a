"""S3B003: the batch role's trust policy trusts another principal beside the S3 Batch service: split the role.

One finding per trust policy, naming every other principal: one problem, one fix. AWS's trust policy for the
Batch Operations role names only batchoperations.s3.amazonaws.com (batch-ops-iam-role-policies).
"""

from __future__ import annotations

from collections.abc import Iterator

from s3batch_core.iam.catalogue import BATCH_SERVICE_PRINCIPAL
from validate.linter.findings import Severity
from validate.linter.model import Policy, Principal, has_placeholder
from validate.linter.rule import BATCH_TRUST, DocumentContext, Issue, Rule


def extra_principals(policy: Policy) -> list[Principal]:
    """The principals beside S3 Batch Operations that Allow statements let assume the role ("*" is S3B002's)."""
    found: list[Principal] = []
    for statement in policy.allow_statements():
        for principal in statement.principals or ():
            if principal.is_wildcard or has_placeholder(principal.kind):
                continue  # "*" is S3B002's; a principal type known only at plan time may be the batch service
            if principal.kind == "Service" and (principal.value == BATCH_SERVICE_PRINCIPAL
                                                or has_placeholder(principal.value)):
                continue
            if principal not in found:
                found.append(principal)
    return found


class TrustExtraPrincipal(Rule, id="S3B003", severity=Severity.ERROR, target=BATCH_TRUST):
    title = "The batch role is shared: its trust policy trusts another principal beside S3 Batch Operations"
    fix_hint = (
        "Split the role: one role trusted only by batchoperations.s3.amazonaws.com for the jobs, and separate roles "
        "for replication, Lambda, accounts or CI (AWS's Batch Operations trust policy names only that service)"
    )

    def check(self, context: DocumentContext) -> Iterator[Issue]:
        extra = extra_principals(context.policy)
        if not extra:
            return
        first = next(s for s in context.policy.allow_statements() if any(p in extra for p in s.principals or ()))
        yield Issue(
            f"the batch role is shared: it also trusts {', '.join(str(p) for p in extra)}; split the role "
            "so S3 Batch Operations has one of its own",
            first,
        )
