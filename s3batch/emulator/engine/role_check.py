"""The job role: exists, trusts S3 Batch Operations, and its policies allow what the job does.

The trust policy and the loading of the policies are `s3batch_core.iam.role`'s, the same the job tooling's
preflight uses. Policies are loaded once per job over IAM's HTTP API and evaluated with
`s3batch_core.iam.evaluate` against the requirements `s3batch_core.iam.catalogue` derives for the job (the single source
of truth for which action each access needs). AWS's own failures here are opaque; ours name the
action, the resource and the reason (e.g. which statement denies it).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from s3batch.emulator.engine.failures import ACCESS_DENIED, JobFailure
from s3batch_core.contract.report import TaskResult
from s3batch_core.contract.arns import role_name
from s3batch_core.iam import role
from s3batch_core.iam.catalogue import JobScope, job_requirements, task_requirements
from s3batch_core.iam.evaluate import unmet
from s3batch_core.iam.role import ANY_JOB_ID as _ANY_JOB


def load_role(iam: Any, role_arn: str) -> tuple[dict, role.Policies]:
    """(trust policy, [(policy name, permission document)]) of the role; JobFailure when it cannot be loaded."""
    loaded = role.load(iam, role_arn)
    if isinstance(loaded, role.BatchRole):
        return loaded.trust, loaded.policies
    if loaded.arn:
        raise JobFailure(ACCESS_DENIED, f"Cannot assume role {role_arn}: the role named {role_name(role_arn)} is {loaded.arn}")
    if loaded.missing:
        raise JobFailure(ACCESS_DENIED, f"Cannot assume role {role_arn}: {loaded.code}: the role does not exist")
    raise JobFailure(ACCESS_DENIED, f"Cannot read role {role_arn}: {loaded.code}")


def check_trust(role_arn: str, trust: dict, context: dict[str, str]) -> None:
    """JobFailure unless the trust policy lets batchoperations.s3.amazonaws.com call sts:AssumeRole."""
    denial = role.trust_denial(role_arn, trust, context)
    if denial:
        raise JobFailure(ACCESS_DENIED, f"Cannot assume role {role_arn}: {denial}")


@dataclass
class RoleAccess:
    """A job's role with its policies loaded once; answers the job-level and per-task checks."""

    role_arn: str
    policies: list[tuple[str, dict]]
    scope: JobScope
    context: dict[str, str] = field(default_factory=dict)

    def denials(self, requirements: list[Any]) -> list[tuple[Any, Any]]:
        return unmet(self.policies, requirements, self.context)

    def _job_requirements(self, scope: Any, job_id: str) -> list[Any]:
        try:
            return job_requirements(scope, job_id=job_id)
        except ValueError as error:  # the scope lacks what the catalogue needs (e.g. no usable bucket)
            raise JobFailure(ACCESS_DENIED, f"Cannot check the job role's permissions: {error}") from None

    def _manifest_requirements(self, job_id: str) -> set[Any]:
        """Manifest reads, plus for a generator what generating and writing the manifest needs.

        Generator needs = the job's requirements minus those of the same job with a given manifest; before
        the manifest is read its objects' bucket is unknown, so the manifest bucket stands in for it.
        """
        scope = self.scope if self.scope.bucket else replace(self.scope, bucket=self.scope.manifest_bucket)
        everything = self._job_requirements(scope, job_id)
        reads = {r for r in everything if r.action.startswith("s3:GetObject")
                 and r.resource.startswith(f"arn:{scope.partition}:s3:::{scope.manifest_bucket}/")}
        if not scope.manifest_generator:
            return reads
        plain = replace(scope, manifest_generator=False, manifest_key=scope.manifest_key.rstrip("*") or "x")
        return reads | (set(everything) - set(self._job_requirements(plain, job_id)))

    def manifest_denials(self) -> list[tuple[Any, Any]]:
        """Unmet requirements of reading (or generating) the manifest."""
        return self.denials(sorted(self._manifest_requirements(_ANY_JOB), key=lambda r: (r.action, r.resource)))

    def run_denials(self, job_id: str) -> tuple[list[tuple[Any, Any]], list[tuple[Any, Any]]]:
        """(unmet report writes, other unmet job-level requirements such as lambda:InvokeFunction)."""
        manifest = self._manifest_requirements(job_id)
        report_key = f"job-{job_id}/manifest.json"
        missing = [(r, d) for r, d in self.denials(self._job_requirements(self.scope, job_id)) if r not in manifest]
        report = [(r, d) for r, d in missing if r.action == "s3:PutObject" and r.resource.endswith(report_key)]
        return report, [(r, d) for r, d in missing if (r, d) not in report]

    def task_denial(self, bucket: str, key: str, version_id: str | None) -> TaskResult | None:
        """None when the role may act on this object, else the 403 AccessDenied row naming what is missing.

        Only requirements naming this object's ARN are evaluated here. Those that are the same for every task
        (e.g. LambdaInvoke's lambda:InvokeFunction on the function ARN) are job-level: `run_denials` decides
        them once per job and every task inherits that result. A per-job memo of these per-object decisions
        would therefore never hit (each row names another object) and would only grow with the manifest.
        """
        missing = self.denials(task_requirements(self.scope, bucket, key, version_id))
        return denied_result(missing) if missing else None


def describe(missing: list[tuple[Any, Any]]) -> str:
    """`s3:GetObject, s3:GetObjectVersion on arn:… (read the manifest): no statement allows it; …`

    Requirements on the same resource, purpose and reason are grouped, so the 256-character
    FailureReason keeps what matters.
    """
    groups: dict[tuple[str, str, str], list[str]] = {}
    for requirement, decision in missing:
        reason = decision.reason
        if reason.startswith("no statement allows"):
            reason = "no statement allows it"
        groups.setdefault((requirement.resource, requirement.purpose, reason), []).append(requirement.action)
    return "; ".join(f"{', '.join(actions)} on {resource} ({purpose}): {reason}"
                     for (resource, purpose, reason), actions in groups.items())


def denied_result(missing: list[tuple[Any, Any]]) -> TaskResult:
    return TaskResult(False, 403, "AccessDenied", f"Access Denied: the job role lacks {describe(missing)}")
