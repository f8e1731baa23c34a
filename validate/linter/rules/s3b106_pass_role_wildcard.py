"""S3B106: a job submitter's policy (it grants s3:CreateJob) lets iam:PassRole pass any role, or every role matching a
wildcard, without iam:PassedToService: submitters can hand those roles to any service (privilege escalation)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator

from validate.linter.arns import replace_interpolations
from validate.linter.findings import Severity
from validate.linter.model import Statement
from validate.linter.rule import PERMISSION, DocumentContext, Issue, Rule
from validate.linter.rules._batch import CREATE_JOB

_ANY_ROLE = re.compile(r"^arn:[^:]*:iam::[^:]*:role/(?:.*/)?\*$")
_ROLE_PATTERN = re.compile(r"^arn:[^:]*:iam::([^:]*):role/(.*)$")
PASS_ROLE = "iam:passrole"


class PassRoleWildcard(Rule, id="S3B106", severity=Severity.ERROR, target=PERMISSION):
    title = "Submitter policy passes any role (iam:PassRole on a wildcard role ARN without iam:PassedToService)"
    fix_hint = (
        'Name the batch role: "Resource": "arn:aws:iam::ACCOUNT:role/BATCH-ROLE", or add '
        '"Condition": {"StringEquals": {"iam:PassedToService": "batchoperations.s3.amazonaws.com"}}'
    )

    def check(self, context: DocumentContext) -> Iterator[Issue]:
        allows = context.policy.allow_statements()
        if not any(_grants(s, CREATE_JOB) for s in allows):
            return
        for statement in allows:
            if not _grants(statement, PASS_ROLE) or "iam:passedtoservice" in statement.condition_keys():
                continue
            wild = [r for r in statement.resources or () if _is_wildcard_role(r)]
            if wild:
                which = "any role" if any(_is_any_role(r) for r in wild) else "every role matching"
                yield Issue(
                    f"{statement.label} lets job submitters pass {which} ({', '.join(wild)}) to any service; "
                    "name the batch role or add an iam:PassedToService condition",
                    statement,
                )


def _is_any_role(resource: str) -> bool:
    return resource == "*" or bool(_ANY_ROLE.match(replace_interpolations(resource)))


def _is_wildcard_role(resource: str) -> bool:
    """"*", or a role ARN whose account or path/name has an IAM wildcard (interpolations are not wildcards)."""
    if _is_any_role(resource):
        return True
    match = _ROLE_PATTERN.match(replace_interpolations(resource))
    return bool(match) and any(c in part for part in match.groups() for c in "*?")


def _grants(statement: Statement, action: str) -> bool:
    # "*" and "iam:*" are S3B101's; partial patterns (iam:Pass*) still pass roles
    return any(a.lower() not in ("*", "iam:*") and fnmatch.fnmatchcase(action, a.lower()) for a in statement.actions or ()) or (
        action == CREATE_JOB and any(a.lower() in ("*", "s3:*") for a in statement.actions or ())
    )
