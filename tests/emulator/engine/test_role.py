"""The job role: existence, trust, and its real policies evaluated per job and per task."""

from __future__ import annotations

import json
from typing import Any

import pytest
from engine_support import Stack, job_failure, lambda_op

import s3batch_core.iam.evaluate
from s3batch.emulator.engine.failures import JobFailure

TAGGING = {"S3PutObjectTagging": {"TagSet": [{"Key": "k", "Value": "v"}]}}


def policy(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(actions: list[str], resource: str, sid: str = "") -> dict:
    statement = {"Effect": "Allow", "Action": actions, "Resource": resource}
    return {**statement, "Sid": sid} if sid else statement


MANIFEST_READ = allow(["s3:GetObject", "s3:GetObjectVersion"], "arn:aws:s3:::manifest-bucket/*", "ReadManifest")
REPORT_WRITE = allow(["s3:PutObject"], "arn:aws:s3:::report-bucket/*", "WriteReport")


def failing_prepare(stack: Stack, role_arn: str, operation: dict = TAGGING) -> JobFailure:
    stack.put("a")
    return job_failure(stack.request(operation, stack.manifest(f"{stack.data_bucket},a\n"), role_arn))


def test_missing_role_fails_the_job(stack: Stack) -> None:
    failure = failing_prepare(stack, "arn:aws:iam::123456789012:role/nobody")
    assert failure.failure_code == "AccessDenied"
    assert "role/nobody" in failure.reason and "does not exist" in failure.reason


def test_trust_is_evaluated_in_the_jobs_context_and_a_refusal_fails_the_job(stack: Stack) -> None:
    """Which trust policies let S3 Batch Operations in is tests/core/iam/test_role.py's table (run against the
    engine's check too); here: the context prepare builds from the job, and the job failure a refusal becomes."""
    trust = policy({"Effect": "Allow", "Principal": {"Service": "batchoperations.s3.amazonaws.com"},
                    "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:SourceAccount": "999999999999"}}})
    failure = failing_prepare(stack, stack.role("other-account", trust=trust))
    assert failure.failure_code == "AccessDenied" and failure.reason.startswith("Cannot assume role ")
    assert "trust policy does not let batchoperations.s3.amazonaws.com call sts:AssumeRole" in failure.reason
    trust["Statement"][0]["Condition"]["StringEquals"]["aws:SourceAccount"] = "123456789012"
    stack.put("a")
    request = stack.request(TAGGING, stack.manifest(f"{stack.data_bucket},a\n"), stack.role("same-account", trust=trust))
    assert stack.run(request).succeeded == 1


def test_manifest_read_denied_names_action_resource_and_reason(stack: Stack) -> None:
    role = stack.role("no-manifest", policy=policy(REPORT_WRITE, allow(["s3:PutObjectTagging"], "*")))
    failure = failing_prepare(stack, role)
    assert failure.failure_code == "AccessDenied"
    assert failure.reason.startswith("Reading the manifest is forbidden: AccessDenied.")  # FailureReason ≤ 256
    assert "s3:GetObject on arn:aws:s3:::manifest-bucket/manifests/manifest.csv" in failure.reason
    assert failure.reason.endswith("no statement allows it") and len(failure.reason) <= 256


def test_explicit_deny_wins_and_is_named(stack: Stack) -> None:
    deny = {"Sid": "NoManifests", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::manifest-bucket/*"}
    role = stack.role("denied", policy=policy(allow(["*"], "*"), deny))
    assert "NoManifests" in failing_prepare(stack, role).full_reason


def test_report_write_denied_the_job_completes_without_report(stack: Stack) -> None:
    stack.put("a")
    role = stack.role("no-report", policy=policy(MANIFEST_READ, allow(["s3:PutObjectTagging"], "*")))
    result = stack.run(stack.request(TAGGING, stack.manifest(f"{stack.data_bucket},a\n"), role))
    assert result.succeeded == 1 and result.report_keys == []
    assert result.report_failure is not None and result.report_failure.failure_code == "ReportWriteFailed"
    assert result.report_failure.full_reason.startswith(
        "The job report could not be written to your report bucket. Please check your permissions.")
    assert "s3:PutObject on arn:aws:s3:::report-bucket/reports/job-" in result.report_failure.full_reason
    assert stack.s3.list_objects_v2(Bucket=stack.report_bucket).get("KeyCount") == 0


def test_object_action_denied_fails_that_task_with_403(stack: Stack) -> None:
    stack.put("ok/a")
    stack.put("secret/b")
    role = stack.role("partial", policy=policy(MANIFEST_READ, REPORT_WRITE,
                                               allow(["s3:PutObjectTagging"], "arn:aws:s3:::data-bucket/ok/*")))
    rows = stack.run_rows(TAGGING, f"{stack.data_bucket},ok/a\n{stack.data_bucket},secret/b\n", role)
    assert rows["ok/a"][3] == "succeeded"
    assert rows["secret/b"][3:6] == ["failed", "403", "AccessDenied"]
    assert "s3:PutObjectTagging on arn:aws:s3:::data-bucket/secret/b" in rows["secret/b"][6]
    assert stack.s3.get_object_tagging(Bucket=stack.data_bucket, Key="secret/b")["TagSet"] == []


# name -> (operation, the one action the role lacks, rows with version ids): each per-object action the catalogue
# requires is evaluated per task, before the task runs; the row names that action on that object, and only it.
LACKING: dict[str, tuple[dict, str, bool]] = {
    "checksum": ({"S3ComputeObjectChecksum": {}}, "s3:GetObject", False),
    "checksum of a version": ({"S3ComputeObjectChecksum": {}}, "s3:GetObjectVersion", True),
    "restore": ({"S3InitiateRestoreObject": {"ExpirationInDays": 3, "GlacierJobTier": "BULK"}}, "s3:RestoreObject",
                False),
    "replication": ({"S3ReplicateObject": {}}, "s3:InitiateReplication", True),
}


@pytest.mark.parametrize("case", LACKING)
def test_a_role_lacking_one_object_action_fails_each_task_naming_only_it(stack: Stack, case: str) -> None:
    operation, action, versioned = LACKING[case]
    if versioned:
        stack.versioned()
    version = stack.put("k").get("VersionId") if versioned else None
    role = stack.role("lacking", policy=policy({"Effect": "Allow", "NotAction": action, "Resource": "*"},
                                               allow([action], "arn:aws:s3:::manifest-bucket/*")))
    row = stack.run_rows(operation, f"{stack.data_bucket},k{f',{version}' if version else ''}\n", role)["k"]
    assert row[3:6] == ["failed", "403", "AccessDenied"]
    assert row[6].startswith(f"Access Denied: the job role lacks {action} on arn:aws:s3:::{stack.data_bucket}/k (")
    assert row[6].endswith("): no statement allows it") and ";" not in row[6]


def test_attached_managed_policy_counts(stack: Stack) -> None:
    stack.put("a")
    role = stack.role("managed", policy=None)
    arn = stack.iam.create_policy(PolicyName="batch", PolicyDocument=json.dumps(policy(
        MANIFEST_READ, REPORT_WRITE, allow(["s3:PutObjectTagging"], "*"))))["Policy"]["Arn"]
    stack.iam.attach_role_policy(RoleName="managed", PolicyArn=arn)
    assert stack.run(stack.request(TAGGING, stack.manifest(f"{stack.data_bucket},a\n"), role)).succeeded == 1


def test_function_invoke_denied_fails_every_task_with_the_same_reason(stack: Stack) -> None:
    function_arn = stack.function()
    keys = [f"ok/{i}" for i in range(5)]
    role = stack.role("no-invoke", policy=policy(MANIFEST_READ, REPORT_WRITE))
    manifest = stack.manifest("".join(f"{stack.data_bucket},{k}\n" for k in keys))
    result = stack.run(stack.request(lambda_op(function_arn), manifest, role))
    assert (result.succeeded, result.failed) == (0, len(keys))
    rows = stack.rows_by_key(result.report_keys)
    assert sorted(rows) == keys
    assert {tuple(row[3:6]) for row in rows.values()} == {("failed", "403", "AccessDenied")}
    reasons = {row[6] for row in rows.values()}
    assert len(reasons) == 1 and f"lambda:InvokeFunction on {function_arn}" in reasons.pop()


@pytest.fixture()
def evaluated_actions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The action of every IAM evaluation the engine makes (s3batch_core.iam.evaluate.evaluate wrapped to count)."""
    calls: list[str] = []
    real = s3batch_core.iam.evaluate.evaluate

    def counting(policies: Any, action: str, resource: str, context: Any = None) -> Any:
        calls.append(action)
        return real(policies, action, resource, context)

    monkeypatch.setattr(s3batch_core.iam.evaluate, "evaluate", counting)
    return calls


def _job_evaluations(stack: Stack, calls: list[str], operation: dict, keys: list[str], role: str) -> list[str]:
    """The actions evaluated while preparing and running one job over `keys` (which must all succeed)."""
    for key in keys:
        stack.put(key)
    manifest = stack.manifest("".join(f"{stack.data_bucket},{k}\n" for k in keys), key=f"manifests/{len(keys)}.csv")
    calls.clear()
    assert stack.run(stack.request(operation, manifest, role)).succeeded == len(keys)
    return list(calls)


def test_object_independent_requirements_are_evaluated_once_per_job(stack: Stack, evaluated_actions: list[str]) -> None:
    """lambda:InvokeFunction on the function ARN is the same for every task: decided once, not per task."""
    operation = lambda_op(stack.function())
    role = stack.role()
    one = _job_evaluations(stack, evaluated_actions, operation, ["ok/only"], role)
    many = _job_evaluations(stack, evaluated_actions, operation, [f"ok/{i}" for i in range(200)], role)
    assert many.count("lambda:InvokeFunction") == 1
    assert sorted(many) == sorted(one)  # LambdaInvoke has no per-object requirement


def test_object_requirements_are_evaluated_once_per_task(stack: Stack, evaluated_actions: list[str]) -> None:
    """s3:PutObjectTagging names each object's ARN, so each task evaluates it once (and nothing else)."""
    role = stack.role()
    one = _job_evaluations(stack, evaluated_actions, TAGGING, ["a"], role)
    many = _job_evaluations(stack, evaluated_actions, TAGGING, [f"k{i}" for i in range(50)], role)
    extra = list(many)
    for action in one:
        extra.remove(action)
    assert extra == ["s3:PutObjectTagging"] * 49
