"""The two policies around the batch role: who may assume it (trust) and who may submit jobs with it."""

from __future__ import annotations

from s3batch_core.contract import arns
from s3batch_core.iam.catalogue.build import POLICY_VERSION

BATCH_SERVICE_PRINCIPAL = "batchoperations.s3.amazonaws.com"

# IAM reference: s3:CreateJob and s3:ListJobs support only Resource "*"; the others take the job ARN.
JOB_WILDCARD_ACTIONS: tuple[str, ...] = ("s3:CreateJob", "s3:ListJobs")
JOB_RESOURCE_ACTIONS: tuple[str, ...] = (
    "s3:DeleteJobTagging",
    "s3:DescribeJob",
    "s3:GetJobTagging",
    "s3:PutJobTagging",
    "s3:UpdateJobPriority",
    "s3:UpdateJobStatus",
)
PASSED_TO_SERVICE_WHY = (
    "UNCONFIRMED: AWS does not document the iam:PassedToService value for S3 Batch Operations; "
    f"{BATCH_SERVICE_PRINCIPAL} (the role's trust principal) is the natural value. If CreateJob answers AccessDenied "
    "on iam:PassRole, test without the condition once."
)
SOURCE_ACCOUNT_WHY = (
    "UNCONFIRMED: AWS's Batch Operations pages show no aws:SourceAccount condition and do not say whether the "
    "service sets it when assuming the role. Off by default (the documented trust policy); opt in with "
    "source_account and test on a small job first."
)


def trust_policy(source_account: str | None = None) -> dict:
    """Trust policy letting S3 Batch Operations (and nothing else) assume the role; see SOURCE_ACCOUNT_WHY."""
    statement: dict = {
        "Sid": "BatchOperationsAssumeRole",
        "Effect": "Allow",
        "Principal": {"Service": BATCH_SERVICE_PRINCIPAL},
        "Action": "sts:AssumeRole",
    }
    if source_account is not None:
        if not arns.is_account(source_account):
            raise ValueError(f"source_account: {source_account!r} is not a 12-digit account id")
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": source_account}}
    return {"Version": POLICY_VERSION, "Statement": [statement]}


def submitter_policy(
    role_arn: str,
    *,
    region: str = "us-east-1",
    account_id: str | None = None,
    partition: str | None = None,
) -> dict:
    """Policy for whoever calls CreateJob with `role_arn`: job management plus iam:PassRole on that role only.

    account_id and partition default to the role ARN's (jobs live in the role's account).
    """
    role = arns.parse(role_arn)
    if role is None or not arns.is_role(role_arn):
        raise ValueError(f"role_arn: {role_arn!r} is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)")
    job_arn = arns.job(region, account_id or role.account, "*", partition or role.partition)
    return {
        "Version": POLICY_VERSION,
        "Statement": [
            {"Sid": "CreateAndListJobs", "Effect": "Allow", "Action": list(JOB_WILDCARD_ACTIONS), "Resource": "*"},
            {"Sid": "ManageJobs", "Effect": "Allow", "Action": list(JOB_RESOURCE_ACTIONS), "Resource": [job_arn]},
            {
                "Sid": "PassBatchRole",
                "Effect": "Allow",
                "Action": ["iam:PassRole"],
                "Resource": [role_arn],
                "Condition": {"StringEquals": {"iam:PassedToService": BATCH_SERVICE_PRINCIPAL}},
            },
        ],
    }
