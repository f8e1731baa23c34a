"""CreateJob requests for every operation (validated by botocore's Stubber), token stability, spec files."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber

from s3batch_core.aws import make_client
from s3batch_core.errors import InputError, S3BatchError, UsageError
from s3batch.jobs.manifest import ManifestLocation
from s3batch.jobs.spec import OperationFlags, load_spec, operation_from_flags, operation_names
from s3batch.jobs.submit import (
    GeneratorSettings,
    JobOptions,
    ReportSettings,
    build_create_job_request,
    create_job,
)

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/batch-role"
FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:sentiment:3"
MANIFEST = ManifestLocation("man-bkt", "manifests/manifest-abc.csv", "0123456789abcdef0123456789abcdef")
REPORT = ReportSettings("rep-bkt", "reports/")
KMS = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"

FLAGS_BY_OPERATION: dict[str, OperationFlags] = {
    "LambdaInvoke": OperationFlags(function_arn=FUNCTION, schema_version="2.0", user_arguments=(("Mode", "head"),)),
    "S3PutObjectCopy": OperationFlags(target_bucket="dest-bkt", target_prefix="copied/", storage_class="STANDARD_IA",
                                      metadata_directive="COPY", checksum_algorithm="SHA256"),
    "S3PutObjectAcl": OperationFlags(canned_acl="bucket-owner-full-control"),
    "S3PutObjectTagging": OperationFlags(tags=(("team", "data"), ("pii", "no"))),
    "S3DeleteObjectTagging": OperationFlags(),
    "S3InitiateRestoreObject": OperationFlags(expiration_days=3, glacier_tier="BULK"),
    "S3PutObjectLegalHold": OperationFlags(legal_hold="ON"),
    "S3PutObjectRetention": OperationFlags(retention_mode="GOVERNANCE",
                                           retain_until=datetime(2030, 1, 1, tzinfo=timezone.utc), bypass_governance=True),
    "S3ReplicateObject": OperationFlags(),
    "S3ComputeObjectChecksum": OperationFlags(checksum_algorithm="CRC64NVME", checksum_type="FULL_OBJECT"),
    "S3UpdateObjectEncryption": OperationFlags(kms_key_arn=KMS, bucket_key_enabled=True),
}


def test_every_model_operation_has_flags() -> None:
    assert set(FLAGS_BY_OPERATION) == set(operation_names())


def _request(operation: dict[str, Any], **options: Any) -> dict[str, Any]:
    return build_create_job_request(
        account_id=ACCOUNT, role_arn=ROLE, operation=operation, report=REPORT,
        options=JobOptions(**options), manifest=MANIFEST,
    )


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


def test_lambda_invoke_defaults_and_user_arguments_need_schema_2() -> None:
    assert operation_from_flags("LambdaInvoke", OperationFlags(function_arn=FUNCTION)) == {
        "LambdaInvoke": {"FunctionArn": FUNCTION, "InvocationSchemaVersion": "1.0"}}
    with pytest.raises(InputError, match="UserArguments requires InvocationSchemaVersion 2.0"):
        operation_from_flags("LambdaInvoke", OperationFlags(function_arn=FUNCTION, user_arguments=(("a", "b"),)))
    with pytest.raises(UsageError, match="--function-arn"):
        operation_from_flags("LambdaInvoke", OperationFlags())


def test_token_is_stable_and_changes_with_the_job_identity() -> None:
    operation = operation_from_flags("LambdaInvoke", FLAGS_BY_OPERATION["LambdaInvoke"])
    base = _request(operation)["ClientRequestToken"]
    assert _request(operation)["ClientRequestToken"] == base
    assert _request(operation, priority=99, description="other")["ClientRequestToken"] == base
    assert _request(operation, new=True)["ClientRequestToken"] != base
    assert _request(operation, new=True)["ClientRequestToken"] != _request(operation, new=True)["ClientRequestToken"]
    other_etag = build_create_job_request(
        account_id=ACCOUNT, role_arn=ROLE, operation=operation, report=REPORT, options=JobOptions(),
        manifest=ManifestLocation(MANIFEST.bucket, MANIFEST.key, "ffff"),
    )
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
    request = build_create_job_request(
        account_id=ACCOUNT, role_arn=ROLE, operation={"S3DeleteObjectTagging": {}}, report=REPORT, options=JobOptions(),
        generator=generator,
    )
    assert "Manifest" not in request
    assert request["ManifestGenerator"]["S3JobManifestGenerator"]["ManifestOutputLocation"]["ManifestFormat"] == \
        "S3InventoryReport_CSV_20211130"
    client = make_client("s3control", region="us-east-1")
    with Stubber(client) as stub:
        stub.add_response("create_job", {"JobId": "job-0002"}, expected_params=request)
        assert create_job(client, request) == "job-0002"


def test_disabled_report_is_still_sent() -> None:
    request = build_create_job_request(
        account_id=ACCOUNT, role_arn=ROLE, operation={"S3DeleteObjectTagging": {}},
        report=ReportSettings("rep-bkt", enabled=False), options=JobOptions(), manifest=MANIFEST,
    )
    assert request["Report"] == {"Enabled": False}


def test_idempotency_exception_is_one_line() -> None:
    client = make_client("s3control", region="us-east-1")
    request = _request({"S3DeleteObjectTagging": {}})
    with Stubber(client) as stub:
        stub.add_client_error("create_job", "IdempotencyException", "Idempotency token already used", 400)
        with pytest.raises(S3BatchError, match="re-run with --new") as caught:
            create_job(client, request)
    assert "\n" not in str(caught.value)


def test_invalid_request_is_refused_before_sending() -> None:
    with pytest.raises(InputError, match="CreateJob request"):
        build_create_job_request(account_id=ACCOUNT, role_arn=ROLE, operation={"S3DeleteObjectTagging": {}},
                                 report=REPORT, options=JobOptions(priority=-1), manifest=MANIFEST)


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_spec_files(tmp_path: Path, suffix: str) -> None:
    doc = {"S3PutObjectTagging": {"TagSet": [{"Key": "a", "Value": "b"}]}}
    path = tmp_path / f"spec{suffix}"
    path.write_text(json.dumps(doc))  # JSON is valid YAML
    assert load_spec(path) == doc


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"S3PutObjectTagging": {"TagSet": [{"Key": "a"}]}}', 'Missing required parameter in S3PutObjectTagging.TagSet[0]: "Value"'),
        ('{"S3PutObjectLegalHold": {"LegalHold": {"Status": "MAYBE"}}}',
         "Operation.S3PutObjectLegalHold.LegalHold.Status is 'MAYBE', not one of: OFF, ON"),
        ('{"S3PutObjectTagging": {"TagSet": [{"Key": "a", "Value": "v!"}]}}', "does not match the pattern"),
        ('{"NotAnOperation": {}}', "Unknown parameter in input"),
        ('{"S3DeleteObjectTagging": {}, "S3ReplicateObject": {}}', "expected exactly one operation"),
        ("[1, 2", "not valid JSON"),
    ],
)
def test_spec_file_errors_name_the_file_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "spec.json"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_spec(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


def test_s3_arns_follow_the_roles_partition() -> None:
    from s3batch.jobs.preflight import job_scope

    china_role = f"arn:aws-cn:iam::{ACCOUNT}:role/batch-role"
    copy = operation_from_flags("S3PutObjectCopy", FLAGS_BY_OPERATION["S3PutObjectCopy"])
    request = build_create_job_request(account_id=ACCOUNT, role_arn=china_role, operation=copy, report=REPORT,
                                       options=JobOptions(), manifest=MANIFEST)
    assert request["Manifest"]["Location"]["ObjectArn"] == "arn:aws-cn:s3:::man-bkt/manifests/manifest-abc.csv"
    assert request["Report"]["Bucket"] == "arn:aws-cn:s3:::rep-bkt"
    assert request["Operation"]["S3PutObjectCopy"]["TargetResource"] == "arn:aws-cn:s3:::dest-bkt"
    assert job_scope(request, "cn-north-1", [])["partition"] == "aws-cn"
    assert "operation_options" not in job_scope(request, "cn-north-1", [])
    locked = {**request, "Operation": {"S3PutObjectCopy": {**copy["S3PutObjectCopy"], "ObjectLockLegalHoldStatus": "ON"}}}
    assert job_scope(locked, "cn-north-1", [])["operation_options"] == ("ObjectLockLegalHoldStatus",)
    generated = build_create_job_request(account_id=ACCOUNT, role_arn=china_role, operation={"S3DeleteObjectTagging": {}},
                                         report=REPORT, options=JobOptions(),
                                         generator=GeneratorSettings("src-bkt", {}, output_bucket="man-bkt"))
    spec = generated["ManifestGenerator"]["S3JobManifestGenerator"]
    assert spec["SourceBucket"] == "arn:aws-cn:s3:::src-bkt"
    assert spec["ManifestOutputLocation"]["Bucket"] == "arn:aws-cn:s3:::man-bkt"
    plain = build_create_job_request(account_id=ACCOUNT, role_arn=ROLE, operation=copy, report=REPORT,
                                     options=JobOptions(), manifest=MANIFEST)
    assert plain["Report"]["Bucket"] == "arn:aws:s3:::rep-bkt"


def test_report_expected_bucket_owner_is_sent_and_checked_against_the_model() -> None:
    report = ReportSettings("rep-bkt", "reports", expected_owner=ACCOUNT)
    request = build_create_job_request(account_id=ACCOUNT, role_arn=ROLE, operation={"S3DeleteObjectTagging": {}},
                                       report=report, options=JobOptions(), manifest=MANIFEST)
    assert request["Report"]["ExpectedBucketOwner"] == ACCOUNT
    with pytest.raises(InputError, match="ExpectedBucketOwner"):  # the model's pattern: 12 digits
        build_create_job_request(account_id=ACCOUNT, role_arn=ROLE, operation={"S3DeleteObjectTagging": {}},
                                 report=ReportSettings("rep-bkt", expected_owner="someone"), options=JobOptions(),
                                 manifest=MANIFEST)


def test_checksum_type_an_algorithm_cannot_compute_is_an_input_error() -> None:
    with pytest.raises(InputError, match="CRC64NVME supports only ChecksumType FULL_OBJECT"):
        operation_from_flags("S3ComputeObjectChecksum", OperationFlags(checksum_algorithm="CRC64NVME",
                                                                       checksum_type="COMPOSITE"))
    assert operation_from_flags("S3ComputeObjectChecksum", OperationFlags(
        checksum_algorithm="CRC32", checksum_type="COMPOSITE")) == {
        "S3ComputeObjectChecksum": {"ChecksumAlgorithm": "CRC32", "ChecksumType": "COMPOSITE"}}
