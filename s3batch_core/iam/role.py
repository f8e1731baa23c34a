"""The one evaluation of a batch job's role, used by the job tooling's preflight and the emulator's engine alike,
so the two cannot disagree: the trust policy is evaluated (not linted) for the request S3 Batch Operations makes
when it assumes the role, and the permission policies are loaded the same way for `evaluate.unmet` against the
catalogue's requirements. Each side turns the answers into its own error (a preflight Problem, a JobFailure).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from botocore.exceptions import ClientError

from s3batch_core.contract import arns
from s3batch_core.iam.catalogue import BATCH_SERVICE_PRINCIPAL
from s3batch_core.iam.catalogue.build import EXAMPLE_JOB_ID
from s3batch_core.iam import evaluate as evaluation

ANY_JOB_ID = EXAMPLE_JOB_ID  # stands in for the job id before the job exists (preflight) or where it does not matter

Policies = list[tuple[str, dict[str, Any]]]


def batch_context(*, account_id: str, region: str, role_arn: str, job_id: str = ANY_JOB_ID) -> dict[str, str]:
    """The request context of S3 Batch Operations assuming the role for a job (the keys its trust policy's
    conditions may name: aws:SourceAccount, aws:SourceArn, as the User Guide's confused-deputy example does).
    The job's ARN is in the role's partition (a job in China names arn:aws-cn:s3:…)."""
    return {"aws:SourceAccount": account_id,
            "aws:SourceArn": arns.job(region, account_id, job_id, arns.partition(role_arn)),
            "aws:PrincipalArn": role_arn, "aws:RequestedRegion": region}


def decoded(document: Any) -> dict[str, Any]:
    """IAM returns policy documents URL-encoded in XML; botocore usually decodes them already."""
    return document if isinstance(document, dict) else json.loads(unquote(document))


def role_policies(iam: Any, name: str) -> Policies:
    """The role's inline and attached (default version) permission policies, as (name, document)."""
    policies: Policies = []
    for page in iam.get_paginator("list_role_policies").paginate(RoleName=name):
        for policy_name in page["PolicyNames"]:
            document = iam.get_role_policy(RoleName=name, PolicyName=policy_name)["PolicyDocument"]
            policies.append((policy_name, decoded(document)))
    for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=name):
        for attached in page["AttachedPolicies"]:
            policy = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]
            version = iam.get_policy_version(PolicyArn=attached["PolicyArn"], VersionId=policy["DefaultVersionId"])
            policies.append((attached["PolicyName"], decoded(version["PolicyVersion"]["Document"])))
    return policies


@dataclass(frozen=True)
class BatchRole:
    """A role as IAM returns it: its trust policy and its permission policies."""

    trust: dict[str, Any]
    policies: Policies


@dataclass(frozen=True)
class RoleUnavailable:
    """Why a role was not loaded: GetRole's error `code` (NoSuchEntity: no role of that name), or, when the role of
    that name has another ARN (another path or account), that `arn`."""

    code: str = ""
    arn: str = ""

    @property
    def missing(self) -> bool:
        return self.code == "NoSuchEntity"


def load(iam: Any, role_arn: str) -> BatchRole | RoleUnavailable:
    """The role at `role_arn` with its policies; each side turns a RoleUnavailable into its own error."""
    name = arns.role_name(role_arn)
    try:
        found = iam.get_role(RoleName=name)["Role"]
    except ClientError as error:
        return RoleUnavailable(code=str(error.response.get("Error", {}).get("Code", "")))
    if (found.get("Arn") or role_arn) != role_arn:
        return RoleUnavailable(arn=found["Arn"])
    return BatchRole(decoded(found.get("AssumeRolePolicyDocument") or {}), role_policies(iam, name))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _names_batch_operations(statement: dict[str, Any]) -> bool:
    principal = statement.get("Principal")
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    return (BATCH_SERVICE_PRINCIPAL in _as_list(principal.get("Service", []))
            or "*" in _as_list(principal.get("AWS", [])))


def trust_denial(role_arn: str, trust: dict[str, Any], context: dict[str, str]) -> str | None:
    """None when the trust policy lets batchoperations.s3.amazonaws.com call sts:AssumeRole in this context,
    else why not. Statements naming the service principal are evaluated as identity statements on the role."""
    statements = [s for s in _as_list(trust.get("Statement", [])) if isinstance(s, dict) and _names_batch_operations(s)]
    relevant = [{k: v for k, v in s.items() if k not in ("Principal", "NotPrincipal")} | {"Resource": "*"}
                for s in statements]
    decision = evaluation.evaluate([("trust policy", {"Version": "2012-10-17", "Statement": relevant})],
                                   "sts:AssumeRole", role_arn, context)
    if decision.allowed:
        return None
    return f"its trust policy does not let {BATCH_SERVICE_PRINCIPAL} call sts:AssumeRole ({decision.reason})"
