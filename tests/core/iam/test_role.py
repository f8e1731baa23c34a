"""One trust evaluation (s3batch_core.iam.role), one table of trust policies, run against every side that judges a
batch role: the job tooling's preflight and the emulator's role check must agree on each (moto's IAM)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from s3batch.emulator.engine import role_check
from s3batch.emulator.engine.failures import JobFailure
from s3batch.jobs.manifest import ManifestLocation
from s3batch.jobs.preflight import check_role
from s3batch.jobs.submit import JobOptions, ReportSettings, build_create_job_request
from s3batch_core.iam.catalogue import BATCH_SERVICE_PRINCIPAL
from s3batch_core.iam.role import batch_context, trust_denial

ACCOUNT, REGION = "123456789012", "us-east-1"
ASSUME = {"Effect": "Allow", "Principal": {"Service": BATCH_SERVICE_PRINCIPAL}, "Action": "sts:AssumeRole"}


def trust(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


# name -> (trust policy, does S3 Batch Operations get to assume the role?)
TRUST_CASES: dict[str, tuple[dict[str, Any], bool]] = {
    "batch operations": (trust(ASSUME), True),
    "another service": (trust({**ASSUME, "Principal": {"Service": "lambda.amazonaws.com"}}), False),
    "the right aws:SourceAccount": (trust({**ASSUME, "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}), True),
    "a wrong aws:SourceAccount": (trust({**ASSUME, "Condition": {"StringEquals": {"aws:SourceAccount": "999999999999"}}}), False),
    "aws:SourceArn of this account's jobs": (trust({**ASSUME, "Condition": {"ArnLike": {
        "aws:SourceArn": f"arn:aws:s3:{REGION}:{ACCOUNT}:job/*"}}}), True),
    "aws:SourceArn of another Region": (trust({**ASSUME, "Condition": {"ArnLike": {
        "aws:SourceArn": f"arn:aws:s3:eu-west-1:{ACCOUNT}:job/*"}}}), False),
    "an explicit deny": (trust(ASSUME, {**ASSUME, "Effect": "Deny"}), False),
    "another action only": (trust({**ASSUME, "Action": "sts:TagSession"}), False),
}


@pytest.fixture
def iam() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("iam", region_name=REGION)


def _role(iam: Any, document: dict[str, Any]) -> str:
    return iam.create_role(RoleName="batch-role", AssumeRolePolicyDocument=json.dumps(document))["Role"]["Arn"]


def _preflight_problems(iam: Any, role_arn: str) -> list[Any]:
    request = build_create_job_request(
        account_id=ACCOUNT, role_arn=role_arn, operation={"S3PutObjectTagging": {"TagSet": []}},
        report=ReportSettings("rep-bkt", "reports"), options=JobOptions(),
        manifest=ManifestLocation("man-bkt", "manifests/m.csv", "0" * 32))
    return check_role(iam, request, REGION, ())


def _preflight_trusted(iam: Any, role_arn: str) -> bool:
    return not [p for p in _preflight_problems(iam, role_arn) if p.check == "trust"]


def _emulator_trusted(iam: Any, role_arn: str) -> bool:
    document, _ = role_check.load_role(iam, role_arn)
    try:
        role_check.check_trust(role_arn, document, batch_context(account_id=ACCOUNT, region=REGION,
                                                                  role_arn=role_arn, job_id="job-1"))
    except JobFailure:
        return False
    return True


@pytest.mark.parametrize("case", TRUST_CASES)
def test_preflight_and_emulator_agree_on_trust(iam: Any, case: str) -> None:
    document, trusted = TRUST_CASES[case]
    role_arn = _role(iam, document)
    assert _preflight_trusted(iam, role_arn) is trusted
    assert _emulator_trusted(iam, role_arn) is trusted


@pytest.mark.parametrize("role_arn", [f"arn:aws:iam::{ACCOUNT}:role/nobody", f"arn:aws:iam::{ACCOUNT}:role/ops/batch-role"])
def test_preflight_and_emulator_refuse_a_role_they_cannot_load(iam: Any, role_arn: str) -> None:
    """No role of that name, or the role of that name at another ARN (here another path): `role.load` for both."""
    _role(iam, TRUST_CASES["batch operations"][0])
    assert [p.check for p in _preflight_problems(iam, role_arn)] == ["role"]
    with pytest.raises(JobFailure, match=f"Cannot assume role {role_arn}: "):
        role_check.load_role(iam, role_arn)


def test_a_denial_names_the_principal_and_the_reason() -> None:
    arn = f"arn:aws:iam::{ACCOUNT}:role/batch-role"
    denial = trust_denial(arn, TRUST_CASES["an explicit deny"][0], batch_context(account_id=ACCOUNT, region=REGION,
                                                                                 role_arn=arn))
    assert denial == (f"its trust policy does not let {BATCH_SERVICE_PRINCIPAL} call sts:AssumeRole "
                      "(denied by statement #2 in policy \"trust policy\")")


def test_the_context_carries_the_roles_partition() -> None:
    """Preflight and the engine both build the context here, so a job in China is judged alike on both sides."""
    role_arn = f"arn:aws-cn:iam::{ACCOUNT}:role/r"
    context = batch_context(account_id=ACCOUNT, region="cn-north-1", role_arn=role_arn, job_id="j")
    assert context["aws:SourceArn"] == f"arn:aws-cn:s3:cn-north-1:{ACCOUNT}:job/j"


def test_preflight_evaluates_permissions_in_the_jobs_context(iam: Any) -> None:
    """Permission conditions on the request context (here aws:SourceAccount) hold in preflight as in the engine,
    which evaluates every requirement in `batch_context` too."""
    role_arn = _role(iam, TRUST_CASES["batch operations"][0])
    allow_all = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    for account, problems in ((ACCOUNT, []), ("999999999999", ["permission"])):
        condition = {"StringEquals": {"aws:SourceAccount": account}}
        iam.put_role_policy(RoleName="batch-role", PolicyName="all", PolicyDocument=json.dumps(
            trust({**allow_all, "Condition": condition})))
        assert sorted({p.check for p in _preflight_problems(iam, role_arn)}) == problems
