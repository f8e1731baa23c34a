"""CreateJob's rules beyond the model (s3batch_core.contract.create_job), one table run against both sides: the
emulator's CreateJob (BadRequestException) and the job tooling's request check (InputError, exit 3)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from s3batch.emulator.service.exceptions import BadRequestException
from s3batch.emulator.api.validation import validate_create_job
from s3batch.jobs.spec import check_create_job_request
from s3batch_core.errors import InputError

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:f:1"
VALID: dict[str, Any] = {
    "AccountId": "123456789012", "ConfirmationRequired": False, "Priority": 10,
    "RoleArn": "arn:aws:iam::123456789012:role/batch", "ClientRequestToken": "t",
    "Operation": {"LambdaInvoke": {"FunctionArn": FUNCTION, "InvocationSchemaVersion": "2.0"}},
    "Manifest": {"Spec": {"Format": "S3BatchOperations_CSV_20180820", "Fields": ["Bucket", "Key"]},
                 "Location": {"ObjectArn": "arn:aws:s3:::m/manifest.csv", "ETag": "0" * 32}},
    "Report": {"Enabled": True, "Bucket": "arn:aws:s3:::r", "Format": "Report_CSV_20180820", "ReportScope": "AllTasks"},
}
SUPPORTED = frozenset({"LambdaInvoke", "S3PutObjectTagging", "S3ComputeObjectChecksum"})


def _changed(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    request = copy.deepcopy(VALID)
    holder = request
    for part in path[:-1]:
        holder = holder[part]
    if value is None:
        holder.pop(path[-1])
    else:
        holder[path[-1]] = value
    return request


# name -> (request, the problem both sides name)
CASES: dict[str, tuple[dict[str, Any], str]] = {
    "user arguments need schema 2.0": (_changed(("Operation", "LambdaInvoke"), {
        "FunctionArn": FUNCTION, "InvocationSchemaVersion": "1.0", "UserArguments": {"k": "v"}}),
        "UserArguments requires InvocationSchemaVersion 2.0"),
    "manifest and generator": (_changed(("ManifestGenerator",), {"S3JobManifestGenerator": {
        "SourceBucket": "arn:aws:s3:::d", "EnableManifestOutput": False}}), "Give exactly one of Manifest and ManifestGenerator"),
    "report without scope": (_changed(("Report", "ReportScope"), None), "ReportScope must be given"),
    "51 tags": (_changed(("Tags",), [{"Key": f"k{i}", "Value": "v"} for i in range(51)]), "at most 50 tags; got 51"),
    "repeated tag key": (_changed(("Tags",), [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]), "tag keys must be unique"),
    "reserved tag prefix": (_changed(("Tags",), [{"Key": "AWS:x", "Value": "1"}]), "reserved for AWS"),
    "checksum type the algorithm lacks": (_changed(("Operation",), {"S3ComputeObjectChecksum": {
        "ChecksumAlgorithm": "CRC64NVME", "ChecksumType": "COMPOSITE"}}),
        "Operation.S3ComputeObjectChecksum: ChecksumAlgorithm CRC64NVME supports only ChecksumType FULL_OBJECT"),
}


def test_the_valid_request_passes_both_sides() -> None:
    validate_create_job(copy.deepcopy(VALID), SUPPORTED)
    check_create_job_request(copy.deepcopy(VALID))


@pytest.mark.parametrize("case", CASES)
def test_both_sides_refuse_with_the_same_problem(case: str) -> None:
    request, problem = CASES[case]
    with pytest.raises(BadRequestException) as emulator:
        validate_create_job(copy.deepcopy(request), SUPPORTED)
    with pytest.raises(InputError) as tooling:
        check_create_job_request(copy.deepcopy(request))
    assert problem in str(emulator.value) and problem in str(tooling.value)
