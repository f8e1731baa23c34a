"""The job's operation from flags or a spec file (s3batch.jobs.spec), checked against botocore's s3control model;
last, issue 11: the job tooling's own input files (stack outputs, job spec, price table) are read within the size
and nesting limits, one InputError line naming the file, never RecursionError."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from s3batch.jobs.cost import load_prices
from s3batch.jobs.spec import OperationFlags, load_spec, operation_from_flags, operation_names
from s3batch_core.contract.limits import MAX_JSON_DEPTH
from s3batch_core.contract.stack_outputs import load_outputs
from s3batch_core.errors import InputError, UsageError

ACCOUNT = "123456789012"
FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:sentiment:3"
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


def test_lambda_invoke_defaults_to_schema_1_and_needs_a_function() -> None:
    """The operations' own rules (UserArguments need schema 2.0, checksum types) are
    tests/core/contract/test_create_job.py's table, run against both sides."""
    assert operation_from_flags("LambdaInvoke", OperationFlags(function_arn=FUNCTION)) == {
        "LambdaInvoke": {"FunctionArn": FUNCTION, "InvocationSchemaVersion": "1.0"}}
    with pytest.raises(UsageError, match="--function-arn"):
        operation_from_flags("LambdaInvoke", OperationFlags())


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


def test_a_checksum_type_the_algorithm_computes_is_kept() -> None:
    assert operation_from_flags("S3ComputeObjectChecksum", OperationFlags(
        checksum_algorithm="CRC32", checksum_type="COMPOSITE")) == {
        "S3ComputeObjectChecksum": {"ChecksumAlgorithm": "CRC32", "ChecksumType": "COMPOSITE"}}


DEEP_JSON = '{"a":' + "[" * 1000 + "]" * 1000 + "}"
DEEP = f"nested more than {MAX_JSON_DEPTH} levels deep"


@pytest.mark.parametrize(("reader", "name"), [(load_outputs, "outputs.json"), (load_spec, "spec.json"),
                                              (load_prices, "prices.json")])
def test_deep_json_settings_are_one_input_error(tmp_path: Path, reader: object, name: str) -> None:
    path = tmp_path / name
    path.write_text(DEEP_JSON, encoding="utf-8")
    with pytest.raises(InputError, match=f"^{path}: {DEEP}"):
        reader(path)  # type: ignore[operator]


def test_deep_yaml_spec_is_one_input_error(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text("a: " + "[" * 100 + "]" * 100 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"^{path}: {DEEP}"):
        load_spec(path)
    path.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"^{path}: nested more than the parser can read"):
        load_spec(path)
