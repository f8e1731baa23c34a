"""The single source of truth for S3 Batch Operations permissions; its public API (`__all__`) is in docs/policies.md."""

from s3batch_core.iam.catalogue.build import (
    REPORT_WRITE_PURPOSE,
    build_policy,
    job_requirements,
    missing_flags,
    operation_actions,
    task_requirements,
)
from s3batch_core.iam.catalogue.operations import OPERATIONS, operation_choices
from s3batch_core.iam.catalogue.scope import JobScope, Requirement, scope_resources
from s3batch_core.iam.catalogue.service_roles import (
    BATCH_SERVICE_PRINCIPAL,
    PASSED_TO_SERVICE_WHY,
    SOURCE_ACCOUNT_WHY,
    submitter_policy,
    trust_policy,
)


def unconfirmed_choices() -> dict[str, str]:
    """Every choice the catalogue makes where AWS documentation is silent or ambiguous, with its reason.

    Keys are stable names ("S3ComputeObjectChecksum:ComputeChecksums", "shared:kms", ...); docs/policies.md lists
    every one (a test checks that).
    """
    return {
        **operation_choices(),
        "trust:SourceAccount": SOURCE_ACCOUNT_WHY,
        "submitter:PassedToService": PASSED_TO_SERVICE_WHY,
    }

__all__ = [
    "BATCH_SERVICE_PRINCIPAL",
    "OPERATIONS",
    "REPORT_WRITE_PURPOSE",
    "JobScope",
    "Requirement",
    "scope_resources",
    "build_policy",
    "job_requirements",
    "missing_flags",
    "operation_actions",
    "submitter_policy",
    "task_requirements",
    "trust_policy",
    "unconfirmed_choices",
]
