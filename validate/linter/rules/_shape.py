"""Which of the catalogue's requirements a role's policies do not meet, exactly (a concrete JobScope, evaluated by
s3batch_core.iam.evaluate) or by ARN shape, leniently, never reporting a false "missing" (docs/linter.md, "How the
operation rules compare").
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from validate.linter.arns import replace_interpolations, s3_shape
from validate.linter.model import Policy
from validate.linter.rule import RoleContext
from validate.linter.rules._scope import minimal_scope

if TYPE_CHECKING:
    from s3batch_core.iam.catalogue import Requirement

_ARN_SERVICE = re.compile(r"^arn:[^:]*:(?P<service>[^:]+):")
_KIND_WORDS = {"object": "an object ARN", "bucket": "a bucket ARN"}
_POLICY_SHAPES = {"object": "arn:aws:s3:::B/*", "bucket": "arn:aws:s3:::B"}  # a policy's S3 resource as its shape
_REQUIRED_SHAPES = {"object": "arn:aws:s3:::B/K", "bucket": "arn:aws:s3:::B"}  # a requirement's, matched by those


def role_unmet(context: RoleContext) -> list[tuple[Requirement, str]]:
    """(Requirement, reason) for every requirement of the job the role's policies do not allow."""
    from s3batch_core.iam.catalogue import job_requirements, task_requirements
    from s3batch_core.iam.evaluate import unmet

    scope = context.scope or minimal_scope(context.operation)
    requirements = list(job_requirements(scope))
    requirements += task_requirements(scope, scope.bucket or "target-bucket", "data/object.txt", None)
    if context.scope is not None:
        documents = [(p.name, p.document) for p in context.policies]
        return [(req, decision.reason) for req, decision in unmet(documents, requirements)]
    shaped = [(p.name, shape_policy(p.policy)) for p in context.policies]
    canonical = {_canonical_requirement(r): r for r in requirements}
    return [
        (canonical[req], f"no Allow statement grants it on {_describe(canonical[req].resource)}")
        for req, _ in unmet(shaped, list(canonical))
    ]


def shape_policy(policy: Policy) -> dict:
    """The policy's Allow statements with resources reduced to shapes; no Deny, no conditions."""
    statements = []
    for statement in policy.allow_statements():
        shaped: dict[str, object] = {"Effect": "Allow"}
        if statement.actions is not None:
            shaped["Action"] = [_wild_placeholders(a) for a in statement.actions]
        elif statement.not_actions is not None:
            shaped["NotAction"] = [_wild_placeholders(a) for a in statement.not_actions]
        else:
            continue
        resources = statement.resources  # None (NotResource): assume it allows what the job needs
        shaped["Resource"] = "*" if resources is None else sorted({shape_resource(r) for r in resources})
        statements.append(shaped)
    return {"Version": "2012-10-17", "Statement": statements}


def shape_resource(resource: str) -> str:
    """An S3 bucket or object pattern reduced to arn:aws:s3:::B or arn:aws:s3:::B/*; other ARNs to arn:*:svc:*."""
    if resource == "*":
        return "*"
    shape = s3_shape(resource)
    if shape:
        return _POLICY_SHAPES[shape]
    match = _ARN_SERVICE.match(replace_interpolations(resource))
    return f"arn:*:{match.group('service')}:*" if match and match.group("service") != "X" else "*"


def _canonical_requirement(requirement: Requirement) -> Requirement:
    shape = s3_shape(requirement.resource)
    return replace(requirement, resource=_REQUIRED_SHAPES[shape]) if shape else requirement


def _describe(resource: str) -> str:
    shape = s3_shape(resource)
    if shape:
        return _KIND_WORDS[shape]
    match = _ARN_SERVICE.match(resource)
    return f"a {match.group('service')} ARN" if match else resource


def _wild_placeholders(action: str) -> str:
    return "*" if "${" in action else action
