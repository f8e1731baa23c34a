"""The catalogue: operations match botocore, policies are least-privilege, requirements agree with policies."""

from __future__ import annotations

import json

import botocore.session
import pytest

from s3batch_core.iam.catalogue import (
    OPERATIONS,
    JobScope,
    build_policy,
    job_requirements,
    missing_flags,
    operation_actions,
    submitter_policy,
    task_requirements,
    trust_policy,
)
from s3batch_core.iam.evaluate import evaluate, unmet

KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:sentiment:3"


def scope(operation: str, /, **overrides: object) -> JobScope:
    """A scope with every field an operation may need."""
    values: dict[str, object] = {
        "operation": operation,
        "manifest_bucket": "manifest-bucket",
        "manifest_key": "manifests/job.csv",
        "report_bucket": "report-bucket",
        "report_prefix": "reports",
        "bucket": "data-bucket",
        "destination_bucket": "copy-bucket",
        "function_arn": FUNCTION,
    }
    values.update(overrides)
    return JobScope(**values)  # type: ignore[arg-type]


def statements(policy: dict) -> dict[str, dict]:
    return {s["Sid"]: s for s in policy["Statement"]}


def test_operations_are_botocore_job_operation_members() -> None:
    model = botocore.session.get_session().get_service_model("s3control")
    assert set(OPERATIONS) == set(model.shape_for("JobOperation").members)
    assert len(OPERATIONS) == 11


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("versioned", [False, True])
@pytest.mark.parametrize("kms", [False, True])
def test_no_over_grant_and_deterministic(operation: str, versioned: bool, kms: bool) -> None:
    policy = build_policy(scope(operation, versioned=versioned, kms_key_arns=(KEY,) if kms else ()))
    again = build_policy(scope(operation, versioned=versioned, kms_key_arns=(KEY,) if kms else ()))
    assert json.dumps(again) == json.dumps(policy)  # the same bytes, key order included
    sids = [s["Sid"] for s in policy["Statement"]]
    assert len(sids) == len(set(sids))
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        assert statement["Action"] == sorted(statement["Action"])
        for action in statement["Action"]:
            assert "*" not in action
        for resource in statement["Resource"]:
            assert resource != "*"
            assert not resource.startswith("arn:aws:s3:::*")


def test_tagging_policy_exactly() -> None:
    policy = build_policy(scope("S3PutObjectTagging"))
    assert policy == {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "ReadManifest", "Effect": "Allow", "Action": ["s3:GetObject"],
             "Resource": ["arn:aws:s3:::manifest-bucket/manifests/job.csv"]},
            {"Sid": "WriteReport", "Effect": "Allow", "Action": ["s3:PutObject"],
             "Resource": ["arn:aws:s3:::report-bucket/reports*"]},
            {"Sid": "TagObjects", "Effect": "Allow", "Action": ["s3:PutObjectTagging"],
             "Resource": ["arn:aws:s3:::data-bucket/*"]},
        ],
    }


CHINA = {"partition": "aws-cn", "region": "cn-north-1", "function_arn": None,
         "kms_key_arns": ("arn:aws-cn:kms:cn-north-1:123456789012:key/abc",)}
INVENTORY = {"manifest_key": "inventory/data-bucket/weekly/2024-01-01T00-00Z/manifest.json",
             "manifest_format": "inventory"}
REPLICATION_GENERATOR = {"manifest_generator": True, "manifest_key": "generated/"}
UNQUALIFIED = FUNCTION.removesuffix(":3")


def invoke(*resources: str) -> dict:
    return {"Sid": "InvokeFunction", "Effect": "Allow", "Action": ["lambda:InvokeFunction"],
            "Resource": list(resources)}


# name -> (operation, scope fields, Sid, the statement's member (None: the whole statement), its value)
STATEMENTS: dict[str, tuple[str, dict, str, str | None, object]] = {
    "copy reads the source objects": ("S3PutObjectCopy", {}, "ReadSourceObjects", "Resource",
                                      ["arn:aws:s3:::data-bucket/*"]),
    "copy lists the source bucket": ("S3PutObjectCopy", {}, "ListSourceBucket", None, {
        "Sid": "ListSourceBucket", "Effect": "Allow", "Action": ["s3:ListBucket"],
        "Resource": ["arn:aws:s3:::data-bucket"]}),
    "copy writes the destination": ("S3PutObjectCopy", {}, "WriteDestinationObjects", "Resource",
                                    ["arn:aws:s3:::copy-bucket/*"]),
    "unversioned manifest read": ("S3PutObjectCopy", {}, "ReadManifest", "Action", ["s3:GetObject"]),
    "versioned manifest read": ("S3PutObjectCopy", {"versioned": True}, "ReadManifest", "Action",
                                ["s3:GetObject", "s3:GetObjectVersion"]),
    "versioned source reads": ("S3PutObjectCopy", {"versioned": True}, "ReadSourceObjects", "Action", [
        "s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectTagging", "s3:GetObjectVersion", "s3:GetObjectVersionAcl",
        "s3:GetObjectVersionTagging"]),
    # the copy's destination objects are new: no version-specific writes
    "versioned copy writes": ("S3PutObjectCopy", {"versioned": True}, "WriteDestinationObjects", "Action",
                              ["s3:PutObject", "s3:PutObjectAcl", "s3:PutObjectTagging"]),
    "legal hold reads the lock configuration": ("S3PutObjectLegalHold", {}, "ReadObjectLockConfiguration", "Resource",
                                                ["arn:aws:s3:::data-bucket"]),
    "retention reads the lock configuration": ("S3PutObjectRetention", {}, "ReadObjectLockConfiguration", "Resource",
                                               ["arn:aws:s3:::data-bucket"]),
    "KMS keys through S3 only": ("S3PutObjectTagging", {"kms_key_arns": (KEY,), "region": "eu-west-1"}, "UseKmsKeys",
                                 None, {
        "Sid": "UseKmsKeys", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": [KEY],
        "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}}),
    "China's DNS suffix": ("S3PutObjectTagging", CHINA, "UseKmsKeys", "Condition",
                           {"StringEquals": {"kms:ViaService": "s3.cn-north-1.amazonaws.com.cn"}}),
    "China's S3 ARNs": ("S3PutObjectTagging", CHINA, "TagObjects", "Resource", ["arn:aws-cn:s3:::data-bucket/*"]),
    "encryption updates re-encrypt": ("S3UpdateObjectEncryption", {"kms_key_arns": (KEY,)}, "UseKmsKeys", "Action", [
        "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"]),
    "inventory manifest.json and data files": ("S3PutObjectTagging", INVENTORY, "ReadManifest", "Resource", [
        "arn:aws:s3:::manifest-bucket/inventory/data-bucket/weekly/2024-01-01T00-00Z/manifest.json",
        "arn:aws:s3:::manifest-bucket/inventory/data-bucket/weekly/data/*"]),
    "replication's documented generator set": ("S3ReplicateObject", REPLICATION_GENERATOR, "GenerateManifest", None, {
        "Sid": "GenerateManifest", "Effect": "Allow",
        "Action": ["s3:GetReplicationConfiguration", "s3:PutInventoryConfiguration"],
        "Resource": ["arn:aws:s3:::data-bucket"]}),
    "generated manifest written": ("S3ReplicateObject", REPLICATION_GENERATOR, "WriteGeneratedManifest", "Resource",
                                   ["arn:aws:s3:::manifest-bucket/generated/*"]),
    "generated manifest read": ("S3ReplicateObject", REPLICATION_GENERATOR, "ReadManifest", "Resource",
                                ["arn:aws:s3:::manifest-bucket/generated/*"]),
    "other operations' generator": ("S3PutObjectTagging", {"manifest_generator": True, "manifest_key": "gen/*"},
                                    "GenerateManifest", "Action", ["s3:PutInventoryConfiguration"]),
    "a function version exactly": ("LambdaInvoke", {}, "InvokeFunction", None, invoke(FUNCTION)),
    "an unqualified function, any version": ("LambdaInvoke", {"function_arn": UNQUALIFIED}, "InvokeFunction", None,
                                             invoke(UNQUALIFIED, f"{UNQUALIFIED}:*")),
    "a function alias exactly": ("LambdaInvoke", {"function_arn": f"{UNQUALIFIED}:live"}, "InvokeFunction", None,
                                 invoke(f"{UNQUALIFIED}:live")),
    "an empty report prefix": ("S3PutObjectTagging", {"report_prefix": ""}, "WriteReport", "Resource",
                               ["arn:aws:s3:::report-bucket/*"]),
}


@pytest.mark.parametrize("case", STATEMENTS)
def test_policy_statement(case: str) -> None:
    operation, fields, sid, member, expected = STATEMENTS[case]
    statement = statements(build_policy(scope(operation, **fields)))[sid]
    assert (statement if member is None else statement[member]) == expected


def test_copy_setting_object_lock_needs_retention_and_legal_hold() -> None:
    plain = statements(build_policy(scope("S3PutObjectCopy")))
    assert "SetCopyRetention" not in plain and "SetCopyLegalHold" not in plain
    locked = statements(build_policy(scope("S3PutObjectCopy", operation_options=("ObjectLockMode", "ObjectLockLegalHoldStatus"))))
    assert locked["SetCopyRetention"]["Action"] == ["s3:PutObjectRetention"]
    assert locked["SetCopyLegalHold"]["Resource"] == ["arn:aws:s3:::copy-bucket/*"]
    needed = {r.action for r in task_requirements(scope("S3PutObjectCopy", operation_options=("ObjectLockMode",)), "data-bucket", "k", None)}
    assert "s3:PutObjectRetention" in needed and "s3:PutObjectLegalHold" not in needed
    assert {"s3:PutObjectRetention", "s3:PutObjectLegalHold"} <= operation_actions("S3PutObjectCopy", False)["object"]


def test_operation_options_are_checked() -> None:
    with pytest.raises(ValueError, match="ObjectLockMode"):
        scope("S3PutObjectTagging", operation_options=("ObjectLockMode",))


def test_lambda_invoke_touches_no_objects() -> None:
    policy = build_policy(scope("LambdaInvoke"))
    assert [s["Sid"] for s in policy["Statement"]] == ["ReadManifest", "WriteReport", "InvokeFunction"]


def test_inventory_manifest_key_must_be_a_manifest_json() -> None:
    with pytest.raises(ValueError, match="manifest_key"):
        build_policy(scope("S3PutObjectTagging", manifest_key="inventory/list.csv", manifest_format="inventory"))


@pytest.mark.parametrize(
    ("field", "value"),
    [("manifest_bucket", "Bad_Bucket"), ("operation", "S3DeleteObject"), ("function_arn", "sentiment"),
     ("kms_key_arns", ("arn:aws:kms:us-east-1:123456789012:alias/mine",)), ("manifest_format", "parquet"),
     ("manifest_key", "")],
)
def test_bad_scope_names_the_field(field: str, value: object) -> None:
    overrides = {} if field == "operation" else {field: value}
    operation = str(value) if field == "operation" else "S3PutObjectTagging"
    with pytest.raises(ValueError, match=field):
        scope(operation, **overrides)


def test_missing_target_bucket_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="bucket: required for S3PutObjectTagging"):
        build_policy(scope("S3PutObjectTagging", bucket=None))


@pytest.mark.parametrize(
    ("operation", "given", "missing"),
    [
        ("LambdaInvoke", {"manifest": "s3://m/k", "report": "s3://r/p"}, ["--function-arn"]),
        ("LambdaInvoke", {"manifest": "s3://m/k", "report": "s3://r/p", "function_arn": FUNCTION}, []),
        ("LambdaInvoke", {"manifest": "s3://m/k", "report": "s3://r/p", "function_arn": FUNCTION,
                          "manifest_generator": True}, ["--bucket"]),
        ("S3PutObjectCopy", {"manifest": "s3://m/k"}, ["--report", "--bucket", "--destination-bucket"]),
        ("S3PutObjectTagging", {"manifest": "s3://m/k", "report": "s3://r/p", "bucket": "b"}, []),
        ("S3UpdateObjectEncryption", {"manifest": "s3://m/k", "report": "s3://r/p", "bucket": "b"}, ["--kms-key-arn"]),
        ("S3UpdateObjectEncryption", {"manifest": "s3://m/k", "report": "s3://r/p", "bucket": "b",
                                      "kms_key_arns": (KEY,)}, []),
        ("S3ReplicateObject", {}, ["--manifest", "--report", "--bucket"]),
    ],
)
def test_missing_flags(operation: str, given: dict, missing: list[str]) -> None:
    assert missing_flags(operation, **given) == missing


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("versioned", [False, True])
def test_generated_policy_meets_every_requirement(operation: str, versioned: bool) -> None:
    job = scope(operation, versioned=versioned, kms_key_arns=(KEY,))
    policies = [("batch-role", build_policy(job))]
    requirements = job_requirements(job) + task_requirements(job, "data-bucket", "in/a b.txt", "v1" if versioned else None)
    assert unmet(policies, requirements) == []


@pytest.mark.parametrize("operation", OPERATIONS)
def test_policy_refuses_other_buckets(operation: str) -> None:
    job = scope(operation)
    policies = [("batch-role", build_policy(job))]
    failures = unmet(policies, task_requirements(job, "someone-elses-bucket", "k", None))
    assert len(failures) == len([r for r in task_requirements(job, "x-bucket", "k", None)
                                 if r.resource.startswith("arn:aws:s3:::x-bucket")])


def test_versioned_task_needs_versioned_policy() -> None:
    job = scope("S3PutObjectTagging")
    failures = unmet([("role", build_policy(job))], task_requirements(job, "data-bucket", "k", "v1"))
    assert [(r.action, d.reason) for r, d in failures] == [
        ("s3:PutObjectVersionTagging", "no statement allows s3:PutObjectVersionTagging on arn:aws:s3:::data-bucket/k")]


def test_kms_requirement_carries_via_service_context() -> None:
    job = scope("S3PutObjectTagging", kms_key_arns=(KEY,))
    kms = [r for r in job_requirements(job) if r.action.startswith("kms:")]
    assert {r.action for r in kms} == {"kms:Decrypt", "kms:GenerateDataKey"}
    assert all(dict(r.context) == {"kms:ViaService": "s3.us-east-1.amazonaws.com"} for r in kms)
    policy = [("role", build_policy(job))]
    assert not evaluate(policy, "kms:Decrypt", KEY, {"kms:ViaService": "ec2.us-east-1.amazonaws.com"}).allowed


def test_report_requirement_follows_aws_layout() -> None:
    report = [r for r in job_requirements(scope("S3PutObjectTagging")) if r.purpose == "write the report"]
    assert report[0].resource == (
        "arn:aws:s3:::report-bucket/reports/job-00000000-0000-0000-0000-000000000000/manifest.json")
    no_prefix = [r for r in job_requirements(scope("S3PutObjectTagging", report_prefix=""), job_id="abc")
                 if r.purpose == "write the report"]
    assert no_prefix[0].resource == "arn:aws:s3:::report-bucket/job-abc/manifest.json"


def test_operation_actions() -> None:
    assert operation_actions("S3PutObjectTagging", False) == {
        "object": frozenset({"s3:PutObjectTagging"}), "bucket": frozenset(), "other": frozenset()}
    assert operation_actions("S3PutObjectTagging", True)["object"] == {"s3:PutObjectTagging", "s3:PutObjectVersionTagging"}
    assert operation_actions("LambdaInvoke", False)["other"] == {"lambda:InvokeFunction"}
    assert operation_actions("S3PutObjectRetention", False)["bucket"] == {"s3:GetBucketObjectLockConfiguration"}
    with pytest.raises(ValueError, match="unknown operation"):
        operation_actions("Nope", False)


def test_trust_policy() -> None:
    assert trust_policy() == {"Version": "2012-10-17", "Statement": [{
        "Sid": "BatchOperationsAssumeRole", "Effect": "Allow",
        "Principal": {"Service": "batchoperations.s3.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    conditioned = trust_policy("123456789012")["Statement"][0]
    assert conditioned["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    with pytest.raises(ValueError, match="source_account"):
        trust_policy("12345")


def test_submitter_policy() -> None:
    role = "arn:aws:iam::123456789012:role/batch"
    policy = statements(submitter_policy(role, region="eu-west-1"))
    assert policy["CreateAndListJobs"]["Resource"] == "*"
    assert policy["ManageJobs"]["Resource"] == ["arn:aws:s3:eu-west-1:123456789012:job/*"]
    assert policy["PassBatchRole"]["Resource"] == [role]
    assert policy["PassBatchRole"]["Condition"] == {
        "StringEquals": {"iam:PassedToService": "batchoperations.s3.amazonaws.com"}}
    with pytest.raises(ValueError, match="role_arn"):
        submitter_policy("arn:aws:iam::123456789012:user/bob")
    allowed = [("submitter", submitter_policy(role))]
    ctx = {"iam:PassedToService": "batchoperations.s3.amazonaws.com"}
    assert evaluate(allowed, "iam:PassRole", role, ctx).allowed
    assert not evaluate(allowed, "iam:PassRole", "arn:aws:iam::123456789012:role/admin", ctx).allowed
    assert not evaluate(allowed, "iam:PassRole", role, {"iam:PassedToService": "ec2.amazonaws.com"}).allowed


def test_every_unconfirmed_choice_is_documented() -> None:
    from pathlib import Path

    from s3batch_core.iam.catalogue import unconfirmed_choices

    docs = (Path(__file__).resolve().parents[3] / "docs" / "policies.md").read_text(encoding="utf-8")
    undocumented = [name for name in unconfirmed_choices() if f"`{name}`" not in docs]
    assert undocumented == []
