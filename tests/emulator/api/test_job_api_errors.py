"""Every modeled error of the job API, over real HTTP with stock boto3: code, HTTP status, message."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

import botocore.session
import pytest
from fake_engine import ACCOUNT_ID, FakeEngine, error_of, job_params

from s3batch.emulator.service.exceptions import HTTP_STATUS
from s3batch.emulator.api.routing import JOB_OPERATIONS

MODEL = botocore.session.get_session().get_service_model("s3control")


def test_status_table_covers_exactly_the_modeled_errors_of_the_job_operations() -> None:
    modeled = {shape.name for op in JOB_OPERATIONS for shape in MODEL.operation_model(op).error_shapes}
    modeled.add("InvalidNextTokenException")
    assert set(HTTP_STATUS) == modeled
    for code in HTTP_STATUS:
        assert MODEL.shape_for(code).metadata.get("exception") is True


def test_unknown_job_is_400_not_found(s3control: Any) -> None:
    code, status, message = error_of(s3control.describe_job, AccountId=ACCOUNT_ID, JobId="no-such-job")
    assert (code, status) == ("NotFoundException", 400)
    assert "no-such-job" in message
    for call in (s3control.get_job_tagging, s3control.delete_job_tagging):
        assert error_of(call, AccountId=ACCOUNT_ID, JobId="no-such-job")[:2] == ("NotFoundException", 400)
    assert error_of(s3control.update_job_priority, AccountId=ACCOUNT_ID, JobId="no-such-job", Priority=1)[1] == 400


def test_unsupported_operation_is_refused_naming_it_and_the_supported_ones(s3control: Any) -> None:
    params = job_params(Operation={"S3ReplicateObject": {}})
    code, status, message = error_of(s3control.create_job, **params)
    assert (code, status) == ("BadRequestException", 400)
    assert "S3ReplicateObject" in message and "LambdaInvoke, S3DeleteObjectTagging, S3PutObjectTagging" in message


# CreateJob's rules beyond the model are tested once, on both sides, by tests/core/contract/test_create_job.py; these
# cases are the model's constraints and the rest, over the wire.
@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"Manifest": None}, "exactly one of Manifest and ManifestGenerator"),
        ({"Operation": {"LambdaInvoke": {"FunctionArn": "f", "InvocationSchemaVersion": "3.0"}}}, "use 1.0 or 2.0"),
        ({"Report": {"Enabled": True, "Format": "Report_CSV_20180820"}}, "Bucket, ReportScope must be given"),
        ({"RoleArn": "arn:aws:iam::123456789012:user/someone"}, "RoleArn"),
        ({"Priority": 2147483648}, "input.Priority is 2147483648, more than the maximum"),
        ({"Tags": [{"Key": "bad<key>", "Value": "v"}]}, "does not match the pattern"),
        ({"Operation": {}}, "exactly one operation; got 0"),
        ({"RoleArn": None}, 'Missing required parameter in input: "RoleArn"'),
        ({"RoleArn": "not-an-arn:arn:aws:iam::123456789012:role/r"}, "RoleArn"),  # the pattern is anchored
    ],
)
def test_create_job_input_errors_are_bad_requests_naming_the_member(
    s3control_client: Any, stack: Any, overrides: dict[str, Any], words: str
) -> None:
    client = s3control_client(stack, parameter_validation=False)  # reach the server's own validation
    params = {k: v for k, v in job_params(**overrides).items() if v is not None}
    code, status, message = error_of(client.create_job, **params)
    assert (code, status) == ("BadRequestException", 400)
    assert words in message


def http_error(url: str, headers: dict[str, str] | None = None, method: str = "GET",
               body: bytes | None = None) -> urllib.error.HTTPError:
    """The error answer of a raw HTTP request (no boto3, so nothing is validated or retried client-side)."""
    request = urllib.request.Request(url, method=method, data=body, headers=headers or {})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310 (loopback)
    return caught.value


def test_account_id_header_is_required_and_must_be_12_digits(stack: Any) -> None:
    for headers, named in (({}, "x-amz-account-id"), ({"x-amz-account-id": "1234"}, "AccountId")):
        error = http_error(stack.endpoint_url + "/v20180820/jobs/abcde", headers)
        body = error.read().decode()
        assert error.code == 400 and "<Code>BadRequestException</Code>" in body and named in body


@pytest.mark.parametrize(("method", "path"), [("POST", "/v20180820/jobs"), ("PUT", "/v20180820/jobs/abcde/tagging")])
def test_a_body_that_is_not_xml_is_a_400_bad_request_not_a_server_error(stack: Any, method: str, path: str) -> None:
    error = http_error(stack.endpoint_url + path, {"x-amz-account-id": ACCOUNT_ID}, method, b"<notxml")
    body = error.read().decode()
    assert error.code == 400 and "<Code>BadRequestException</Code>" in body and "could not be parsed" in body


@pytest.mark.parametrize(("tags", "code", "words"), [
    ([{"Key": "AWS:Team", "Value": "x"}], "BadRequestException", "'AWS:Team'"),  # the reserved aws: prefix
    ([{"Key": f"k{i}", "Value": "v"} for i in range(51)], "TooManyTagsException", "at most 50 tags; got 51"),
], ids=["aws-prefix", "51-tags"])
def test_put_job_tagging_refuses_reserved_keys_and_too_many_tags(
    s3control: Any, tags: list[dict[str, str]], code: str, words: str
) -> None:
    job_id = s3control.create_job(**job_params())["JobId"]
    problem, status, message = error_of(s3control.put_job_tagging, AccountId=ACCOUNT_ID, JobId=job_id, Tags=tags)
    assert (problem, status) == (code, 400) and words in message


@pytest.mark.parametrize(("operation", "member", "value", "code"), [
    ("describe_job", "JobId", "abc de", "BadRequestException"),
    ("describe_job", "JobId", "abcde!!", "BadRequestException"),  # the pattern is anchored
    ("list_jobs", "MaxResults", 1001, "InvalidRequestException"),  # ListJobs models InvalidRequest, not BadRequest
    ("list_jobs", "JobStatuses", ["Sleeping"], "InvalidRequestException"),
    ("list_jobs", "NextToken", "bm90LWEtdG9rZW4=", "InvalidNextTokenException"),
])
def test_an_invalid_member_is_the_operations_modeled_error_naming_it(
    s3control_client: Any, stack: Any, operation: str, member: str, value: Any, code: str
) -> None:
    client = s3control_client(stack, parameter_validation=False)  # reach the server's own validation
    problem, status, message = error_of(getattr(client, operation), AccountId=ACCOUNT_ID, **{member: value})
    assert (problem, status) == (code, 400) and member in message


def test_idempotency_mismatch_is_400(s3control: Any) -> None:
    s3control.create_job(ClientRequestToken="token-1", **job_params())
    code, status, message = error_of(s3control.create_job, ClientRequestToken="token-1", **job_params(Priority=99))
    assert (code, status) == ("IdempotencyException", 400)
    assert "token-1" in message


def test_an_unexpected_server_error_is_a_modeled_500(s3control: Any, fake_engine: FakeEngine) -> None:
    fake_engine.broken = True
    code, status, message = error_of(s3control.create_job, **job_params())
    assert (code, status) == ("InternalServiceException", 500)
    assert "engine unavailable" in message


def test_unknown_method_on_a_jobs_path_is_405(stack: Any) -> None:
    error = http_error(stack.endpoint_url + "/v20180820/jobs/abcde/status")
    assert (error.code, error.headers["Allow"]) == (405, "POST")
