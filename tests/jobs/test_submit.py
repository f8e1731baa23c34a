"""CreateJob requests for every operation (validated by botocore's Stubber), token stability, the call."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.stub import Stubber

from s3batch_core.aws import make_client
from s3batch_core.errors import InputError, S3BatchError
from s3batch.jobs.manifest import ManifestLocation
from s3batch.jobs.spec import OperationFlags, operation_from_flags
from s3batch.jobs.submit import (
    GeneratorSettings,
    JobOptions,
    ReportSettings,
    build_create_job_request,
    create_job,
)
from tests.jobs.test_spec import ACCOUNT, FLAGS_BY_OPERATION, FUNCTION

ROLE = f"arn:aws:iam::{ACCOUNT}:role/batch-role"
MANIFEST = ManifestLocation("man-bkt", "manifests/manifest-abc.csv", "0123456789abcdef0123456789abcdef")
REPORT = ReportSettings("rep-bkt", "reports/")


def _request(operation: dict[str, Any], *, role_arn: str = ROLE, report: ReportSettings = REPORT,
             manifest: ManifestLocation | None = MANIFEST, generator: GeneratorSettings | None = None,
             **options: Any) -> dict[str, Any]:
    return build_create_job_request(account_id=ACCOUNT, role_arn=role_arn, operation=operation, report=report,
                                    options=JobOptions(**options), manifest=manifest, generator=generator)


@pytest.mark.parametrize("name", sorted(FLAGS_BY_OPERATION))
def test_create_job_shape_for_each_operation(name: str) -> None:
    operation = operation_from_flags(name, FLAGS_BY_OPERATION[name])
    request = _request(operation, description=f"{name} job", tags=(("owner", "me"),), priority=42)
    assert request["ConfirmationRequired"] is False
    assert request["Report"] == {"Bucket": "arn:aws:s3:::rep-bkt", "Format": "Report_CSV_20180820", "Enabled": True,
                                 "ReportScope": "AllTasks", "Prefix": "reports"}
    assert re.fullmatch(r"s3batch-[0-9a-f]{56}", request["ClientRequestToken"])  # 64 characters, the model's maximum
    client = make_client("s3control", region="us-east-1")
    with Stubber(client) as stub:  # the Stubber validates the request against the s3control model
        stub.add_response("create_job", {"JobId": "job-0001"}, expected_params=request)
        assert create_job(client, request) == "job-0001"
        stub.assert_no_pending_responses()


def test_token_is_stable_and_changes_with_the_job_identity() -> None:
    operation = operation_from_flags("LambdaInvoke", FLAGS_BY_OPERATION["LambdaInvoke"])
    base = _request(operation)["ClientRequestToken"]
    assert _request(operation)["ClientRequestToken"] == base
    assert _request(operation, priority=99, description="other")["ClientRequestToken"] == base
    assert _request(operation, new=True)["ClientRequestToken"] != base
    assert _request(operation, new=True)["ClientRequestToken"] != _request(operation, new=True)["ClientRequestToken"]
    other_etag = _request(operation, manifest=ManifestLocation(MANIFEST.bucket, MANIFEST.key, "ffff"))
    assert other_etag["ClientRequestToken"] != base
    other_function = operation_from_flags("LambdaInvoke", OperationFlags(function_arn=FUNCTION[:-1] + "4", schema_version="2.0",
                                                                         user_arguments=(("Mode", "head"),)))
    assert _request(other_function)["ClientRequestToken"] != base
    assert len(base) <= 64


def test_confirmation_required_is_sent_explicitly_both_ways() -> None:
    operation = operation_from_flags("S3DeleteObjectTagging", OperationFlags())
    assert _request(operation)["ConfirmationRequired"] is False
    assert _request(operation, confirmation_required=True)["ConfirmationRequired"] is True


def test_manifest_generator_request() -> None:
    generator = GeneratorSettings("src-bkt", {"KeyNameConstraint": {"MatchAnyPrefix": ["in/"]}}, output_bucket="man-bkt",
                                  output_prefix="generated")
    request = _request({"S3DeleteObjectTagging": {}}, manifest=None, generator=generator)
    assert "Manifest" not in request
    assert request["ManifestGenerator"]["S3JobManifestGenerator"]["ManifestOutputLocation"]["ManifestFormat"] == \
        "S3InventoryReport_CSV_20211130"
    client = make_client("s3control", region="us-east-1")
    with Stubber(client) as stub:
        stub.add_response("create_job", {"JobId": "job-0002"}, expected_params=request)
        assert create_job(client, request) == "job-0002"


def test_disabled_report_is_still_sent() -> None:
    request = _request({"S3DeleteObjectTagging": {}}, report=ReportSettings("rep-bkt", enabled=False))
    assert request["Report"] == {"Enabled": False}


def test_idempotency_exception_is_one_line() -> None:
    client = make_client("s3control", region="us-east-1")
    request = _request({"S3DeleteObjectTagging": {}})
    with Stubber(client) as stub:
        stub.add_client_error("create_job", "IdempotencyException", "Idempotency token already used", 400)
        with pytest.raises(S3BatchError, match="re-run with --new") as caught:
            create_job(client, request)
    assert "\n" not in str(caught.value)


def test_s3_arns_follow_the_roles_partition() -> None:
    from s3batch.jobs.preflight import job_scope

    china_role = f"arn:aws-cn:iam::{ACCOUNT}:role/batch-role"
    copy = operation_from_flags("S3PutObjectCopy", FLAGS_BY_OPERATION["S3PutObjectCopy"])
    request = _request(copy, role_arn=china_role)
    assert request["Manifest"]["Location"]["ObjectArn"] == "arn:aws-cn:s3:::man-bkt/manifests/manifest-abc.csv"
    assert request["Report"]["Bucket"] == "arn:aws-cn:s3:::rep-bkt"
    assert request["Operation"]["S3PutObjectCopy"]["TargetResource"] == "arn:aws-cn:s3:::dest-bkt"
    assert job_scope(request, "cn-north-1", [])["partition"] == "aws-cn"
    assert "operation_options" not in job_scope(request, "cn-north-1", [])
    locked = {**request, "Operation": {"S3PutObjectCopy": {**copy["S3PutObjectCopy"], "ObjectLockLegalHoldStatus": "ON"}}}
    assert job_scope(locked, "cn-north-1", [])["operation_options"] == ("ObjectLockLegalHoldStatus",)
    generated = _request({"S3DeleteObjectTagging": {}}, role_arn=china_role, manifest=None,
                         generator=GeneratorSettings("src-bkt", {}, output_bucket="man-bkt"))
    spec = generated["ManifestGenerator"]["S3JobManifestGenerator"]
    assert spec["SourceBucket"] == "arn:aws-cn:s3:::src-bkt"
    assert spec["ManifestOutputLocation"]["Bucket"] == "arn:aws-cn:s3:::man-bkt"
    plain = _request(copy)
    assert plain["Report"]["Bucket"] == "arn:aws:s3:::rep-bkt"


def test_report_expected_bucket_owner_is_sent_and_checked_against_the_model() -> None:
    report = ReportSettings("rep-bkt", "reports", expected_owner=ACCOUNT)
    request = _request({"S3DeleteObjectTagging": {}}, report=report)
    assert request["Report"]["ExpectedBucketOwner"] == ACCOUNT
    with pytest.raises(InputError, match="ExpectedBucketOwner"):  # the model's pattern: 12 digits
        _request({"S3DeleteObjectTagging": {}}, report=ReportSettings("rep-bkt", expected_owner="someone"))
