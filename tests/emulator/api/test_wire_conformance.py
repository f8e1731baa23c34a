"""Round trips with botocore as the oracle: what a real client sends, we parse to the same params; what we
send, a real client parses to the same result. Covers every job operation."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import botocore.session
import pytest
from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from moto.core.parse import RestXMLParser
from moto.core.responses import get_service_model
from werkzeug.datastructures import Headers, MultiDict

from s3batch.emulator.service.exceptions import JobStatusException
from s3batch.emulator.api.responses import _serialize
from s3batch.emulator.api.routing import JOB_OPERATIONS, resolve

BOTO = botocore.session.get_session().get_service_model("s3control")
MOTO = get_service_model("s3control")
ACCOUNT = "123456789012"
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
OPERATION = {"LambdaInvoke": {"FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:f:3",
                              "InvocationSchemaVersion": "2.0", "UserArguments": {"Mode": "full"}}}
REPORT = {"Bucket": "arn:aws:s3:::reports", "Format": "Report_CSV_20180820", "Enabled": True,
          "Prefix": "reports", "ReportScope": "AllTasks"}
MANIFEST = {"Spec": {"Format": "S3BatchOperations_CSV_20180820", "Fields": ["Bucket", "Key", "VersionId"]},
            "Location": {"ObjectArn": "arn:aws:s3:::m/manifests/a b+c.csv", "ETag": '"abc"', "ObjectVersionId": "v1"}}
TAGS = [{"Key": "team", "Value": "data"}]

REQUESTS: dict[str, dict[str, Any]] = {
    "CreateJob": {"AccountId": ACCOUNT, "ConfirmationRequired": False, "Operation": OPERATION, "Report": REPORT,
                  "ClientRequestToken": "tok", "Manifest": MANIFEST, "Description": "d & <e>", "Priority": 10,
                  "RoleArn": "arn:aws:iam::123456789012:role/r", "Tags": TAGS},
    "DescribeJob": {"AccountId": ACCOUNT, "JobId": "job-00001"},
    "ListJobs": {"AccountId": ACCOUNT, "JobStatuses": ["Active", "Complete"], "NextToken": "abc=", "MaxResults": 5},
    "UpdateJobStatus": {"AccountId": ACCOUNT, "JobId": "job-00001", "RequestedJobStatus": "Cancelled",
                        "StatusUpdateReason": "not needed"},
    "UpdateJobPriority": {"AccountId": ACCOUNT, "JobId": "job-00001", "Priority": 42},
    "GetJobTagging": {"AccountId": ACCOUNT, "JobId": "job-00001"},
    "PutJobTagging": {"AccountId": ACCOUNT, "JobId": "job-00001", "Tags": TAGS},
    "DeleteJobTagging": {"AccountId": ACCOUNT, "JobId": "job-00001"},
}
PROGRESS = {"TotalNumberOfTasks": 10, "NumberOfTasksSucceeded": 7, "NumberOfTasksFailed": 1,
            "Timers": {"ElapsedTimeInActiveSeconds": 12}}
RESULTS: dict[str, dict[str, Any]] = {
    "CreateJob": {"JobId": "job-00001"},
    "DescribeJob": {"Job": {
        "JobId": "job-00001", "ConfirmationRequired": False, "Description": "d & <e>",
        "JobArn": "arn:aws:s3:us-east-1:123456789012:job/job-00001", "Status": "Failed", "Manifest": MANIFEST,
        "Operation": OPERATION, "Priority": 10, "ProgressSummary": PROGRESS, "StatusUpdateReason": "Job failed",
        "FailureReasons": [{"FailureCode": "X", "FailureReason": "row 3: bad"}], "Report": REPORT,
        "CreationTime": WHEN, "TerminationDate": WHEN, "RoleArn": "arn:aws:iam::123456789012:role/r",
        "SuspendedDate": WHEN, "SuspendedCause": "awaiting confirmation",
        "GeneratedManifestDescriptor": {"Format": "S3InventoryReport_CSV_20211130",
                                        "Location": {"ObjectArn": "arn:aws:s3:::m/g.json", "ETag": "e"}},
    }},
    "ListJobs": {"NextToken": "bmV4dA==", "Jobs": [{"JobId": "job-00001", "Description": "d", "Operation": "LambdaInvoke",
                                                    "Priority": 1, "Status": "Active", "CreationTime": WHEN,
                                                    "ProgressSummary": PROGRESS}]},
    "UpdateJobStatus": {"JobId": "job-00001", "Status": "Cancelling", "StatusUpdateReason": "not needed"},
    "UpdateJobPriority": {"JobId": "job-00001", "Priority": 42},
    "GetJobTagging": {"Tags": TAGS},
    "PutJobTagging": {},
    "DeleteJobTagging": {},
}


def test_every_job_operation_has_a_case() -> None:
    assert set(REQUESTS) == set(RESULTS) == set(JOB_OPERATIONS)


@pytest.mark.parametrize("name", JOB_OPERATIONS)
def test_we_parse_what_botocore_sends(name: str) -> None:
    sent = create_serializer("rest-xml").serialize_to_request(REQUESTS[name], BOTO.operation_model(name))
    path = sent["url_path"].split("?")[0]
    route = resolve(sent["method"], path)
    assert route is not None and route.operation.name == name
    parsed = RestXMLParser(route.operation).parse({
        "method": sent["method"], "url_path": path, "headers": Headers(sent["headers"]), "body": sent["body"],
        "values": MultiDict(sent["query_string"]), "url_params": route.url_params,
    })
    assert {k: v for k, v in parsed.items() if v is not None} == REQUESTS[name]


@pytest.mark.parametrize("name", JOB_OPERATIONS)
def test_botocore_parses_what_we_send_under_the_output_shapes_root_element_as_in_the_api_reference(name: str) -> None:
    response = _serialize(MOTO.operation_model(name), RESULTS[name], "REQ1")
    output = BOTO.operation_model(name).output_shape
    parsed = create_parser("rest-xml").parse(
        {"status_code": response.status_code, "headers": dict(response.headers), "body": response.get_data()}, output
    )
    parsed.pop("ResponseMetadata")
    assert parsed == RESULTS[name]
    body = response.get_data().decode()
    if body:  # PutJobTagging / DeleteJobTagging answer an empty 200
        assert re.search(rf"<{output.name}[ >]", body), body[:120]  # <DescribeJobResult>, not <DescribeJobResponse>


def test_errors_parse_as_modeled_errors_with_our_status() -> None:
    response = _serialize(MOTO.operation_model("UpdateJobStatus"), JobStatusException("no"), "REQ2")
    assert response.status_code == 400  # every client error: AWS's models give no other status (exceptions.py)
    parsed = create_parser("rest-xml").parse(
        {"status_code": 400, "headers": dict(response.headers), "body": response.get_data()},
        BOTO.operation_model("UpdateJobStatus").output_shape,
    )
    assert parsed["Error"] == {"Code": "JobStatusException", "Message": "no", "Type": "Sender"}
    assert parsed["ResponseMetadata"]["RequestId"] == "REQ2"
