"""Preflight against moto's IAM/S3/Lambda with real policies, judged by s3batch_core.iam's catalogue and evaluator."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from s3batch.jobs.manifest import ManifestEntry, ManifestLocation
from s3batch_core.contract.manifest_rules import strip_etag
from s3batch.jobs.preflight import run_preflight
from s3batch.jobs.submit import JobOptions, ReportSettings, build_create_job_request
from s3batch.jobs.target import Clients, JobTarget

catalogue = pytest.importorskip("s3batch_core.iam.catalogue")

ACCOUNT = "123456789012"
REGION = "us-east-1"


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return {}\n")
    return buf.getvalue()


class World:
    """A stack in moto: buckets, the batch role with the catalogue's policy, the function, an uploaded manifest."""

    def __init__(self) -> None:
        self.s3 = boto3.client("s3", region_name=REGION)
        self.iam = boto3.client("iam", region_name=REGION)
        self.lambda_ = boto3.client("lambda", region_name=REGION)
        for bucket in ("data-bkt", "man-bkt", "rep-bkt"):
            self.s3.create_bucket(Bucket=bucket)
        fn_role = self.iam.create_role(RoleName="fn-role", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                   "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
        fn = self.lambda_.create_function(FunctionName="sentiment", Runtime="python3.12", Role=fn_role,
                                          Handler="handler.handler", Code={"ZipFile": _zip()}, Publish=True)
        self.function_arn = f"{fn['FunctionArn']}:{fn['Version']}" if not fn["FunctionArn"].endswith(fn["Version"]) else fn["FunctionArn"]
        put = self.s3.put_object(Bucket="man-bkt", Key="manifests/m.csv", Body=b"data-bkt,input/a.txt\n")
        self.manifest = ManifestLocation("man-bkt", "manifests/m.csv", strip_etag(put["ETag"]))
        self.role_arn = self.iam.create_role(RoleName="batch-role",
                                             AssumeRolePolicyDocument=json.dumps(catalogue.trust_policy()))["Role"]["Arn"]
        self.grant("LambdaInvoke", function_arn=self.function_arn)
        self.clients = Clients(JobTarget(region=REGION), _made={"s3": self.s3, "iam": self.iam, "lambda": self.lambda_})

    def request(self, **changes: Any) -> dict[str, Any]:
        values = {"account_id": ACCOUNT, "role_arn": self.role_arn,
                  "operation": {"LambdaInvoke": {"FunctionArn": self.function_arn, "InvocationSchemaVersion": "2.0"}},
                  "report": ReportSettings("rep-bkt", "reports"), "options": JobOptions(), "manifest": self.manifest}
        values.update(changes)
        return build_create_job_request(**values)

    def grant(self, operation: str, *, without: str | None = None, **scope: Any) -> None:
        """Give the batch role the catalogue's policy for `operation` on this stack, less the statements whose
        resources mention `without`."""
        policy = catalogue.build_policy(catalogue.JobScope(
            operation=operation, manifest_bucket="man-bkt", manifest_key="manifests/*", report_bucket="rep-bkt",
            report_prefix="reports", bucket="data-bkt", region=REGION, **scope))
        kept = [s for s in policy["Statement"] if without is None or without not in json.dumps(s["Resource"])]
        self.iam.put_role_policy(RoleName="batch-role", PolicyName="batch",
                                 PolicyDocument=json.dumps({**policy, "Statement": kept}))

    def result(self, request: dict[str, Any] | None = None, region: str = REGION, **kwargs: Any) -> Any:
        """Preflight of `request` (default: the sentiment job) with the manifest's one row as the sample."""
        return run_preflight(self.clients, request or self.request(), region=region,
                             sample=[ManifestEntry("data-bkt", "input/a.txt")], **kwargs)

    def preflight(self, request: dict[str, Any] | None = None, **kwargs: Any) -> list[str]:
        return [str(p) for p in self.result(request, **kwargs).problems]


@pytest.fixture
def world() -> Iterator[World]:
    with mock_aws():
        yield World()


def test_a_correct_stack_passes(world: World) -> None:
    assert world.preflight() == []


def test_missing_role(world: World) -> None:
    problems = world.preflight(world.request(role_arn=f"arn:aws:iam::{ACCOUNT}:role/nope"))
    assert problems == ["role: role nope does not exist; create it (terraform apply) or pass the right --role-arn"]


def test_missing_report_write_names_action_resource_and_fix(world: World) -> None:
    world.grant("LambdaInvoke", function_arn=world.function_arn, without="rep-bkt")
    problems = world.preflight()
    assert any(p.startswith("permission: role batch-role may not s3:PutObject on arn:aws:s3:::rep-bkt/reports/")
               and "(write the report)" in p and "allow it in the role's policy" in p for p in problems), problems


def test_explicit_deny_in_an_attached_policy_is_named(world: World) -> None:
    deny = {"Version": "2012-10-17", "Statement": [{"Sid": "NoInvoke", "Effect": "Deny", "Action": "lambda:InvokeFunction",
                                                     "Resource": "*"}]}
    arn = world.iam.create_policy(PolicyName="guardrail", PolicyDocument=json.dumps(deny))["Policy"]["Arn"]
    world.iam.attach_role_policy(RoleName="batch-role", PolicyArn=arn)
    problems = world.preflight()
    assert len(problems) == 1 and "lambda:InvokeFunction" in problems[0] and "NoInvoke" in problems[0]


def test_missing_object_access_for_a_task(world: World) -> None:
    request = world.request(operation={"S3PutObjectTagging": {"TagSet": [{"Key": "k", "Value": "v"}]}})
    world.grant("S3PutObjectTagging")
    assert world.preflight(request) == []
    world.grant("S3PutObjectTagging", without="data-bkt/")
    problems = world.preflight(request)
    assert any("s3:PutObjectTagging on arn:aws:s3:::data-bkt/input/a.txt" in p for p in problems), problems


def test_missing_function_and_wrong_region(world: World) -> None:
    missing = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:nope:1"
    op = {"LambdaInvoke": {"FunctionArn": missing, "InvocationSchemaVersion": "2.0"}}
    problems = world.preflight(world.request(operation=op))
    assert f"function: {missing} does not exist in {REGION}; deploy it or fix --function-arn" in problems
    elsewhere = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:sentiment:1"
    problems = world.preflight(world.request(operation={"LambdaInvoke": {"FunctionArn": elsewhere, "InvocationSchemaVersion": "2.0"}}))
    assert any(p.startswith(f"function: {elsewhere} is in eu-west-1 but the job runs in {REGION}") for p in problems)


def test_missing_report_bucket(world: World) -> None:
    problems = world.preflight(world.request(report=ReportSettings("no-such-bkt", "reports")))
    assert "report: report bucket no-such-bkt does not exist; create it or fix --report-bucket" in problems


def test_manifest_changed_after_pinning(world: World) -> None:
    request = world.request()
    world.s3.put_object(Bucket="man-bkt", Key="manifests/m.csv", Body=b"data-bkt,input/b.txt\n")
    problems = world.preflight(request)
    assert len(problems) == 1 and problems[0].startswith("manifest: s3://man-bkt/manifests/m.csv changed since it was pinned")


def test_probe_report_write_leaves_nothing_behind(world: World) -> None:
    assert world.preflight(probe_report_write=True) == []
    assert "Contents" not in world.s3.list_objects_v2(Bucket="rep-bkt")


def test_a_kms_encrypted_csv_manifest_is_refused(world: World) -> None:
    put = world.s3.put_object(Bucket="man-bkt", Key="manifests/m.csv", Body=b"data-bkt,input/a.txt\n",
                              ServerSideEncryption="aws:kms", SSEKMSKeyId="alias/data")
    world.manifest = ManifestLocation("man-bkt", "manifests/m.csv", strip_etag(put["ETag"]))
    problems = world.preflight(world.request())
    assert any("is encrypted with aws:kms" in p and "ServerSideEncryption=AES256" in p for p in problems), problems


def test_a_report_bucket_forbidden_to_the_caller_is_a_note_not_a_problem(world: World) -> None:
    from unittest import mock

    from botocore.exceptions import ClientError

    forbidden = ClientError({"Error": {"Code": "403", "Message": "Forbidden"}}, "HeadBucket")
    with mock.patch.object(world.s3, "head_bucket", side_effect=forbidden):
        result = world.result()
    assert result.problems == []
    assert any("HeadBucket is forbidden to you (403)" in note for note in result.notes)


def test_without_a_report_the_role_is_still_checked_for_everything_else(world: World) -> None:
    no_report = world.request(report=ReportSettings("rep-bkt", enabled=False))
    assert world.preflight(no_report) == []  # the full role passes, with no report write asked of it
    world.iam.delete_role_policy(RoleName="batch-role", PolicyName="batch")
    problems = world.preflight(no_report)
    assert problems and all("write the report" not in p for p in problems)
    assert any("s3:GetObject" in p and "read the manifest" in p for p in problems), problems


def test_a_copy_job_must_run_in_the_destination_region(world: World) -> None:
    world.s3.create_bucket(Bucket="dest-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    world.grant("S3PutObjectCopy", destination_bucket="dest-eu")
    copy = {"S3PutObjectCopy": {"TargetResource": "arn:aws:s3:::dest-eu"}}
    problems = world.preflight(world.request(operation=copy))
    assert problems == ["copy: destination bucket dest-eu is in eu-west-2 but the job would run in us-east-1; "
                        "copy jobs must be created in the destination Region (--region eu-west-2)"]
    world.s3.create_bucket(Bucket="dest-us")
    same = {"S3PutObjectCopy": {"TargetResource": "arn:aws:s3:::dest-us"}}
    assert not any(p.startswith("copy:") for p in world.preflight(world.request(operation=same)))


def test_restore_of_glacier_objects_needs_expiration_days(world: World) -> None:
    world.grant("S3InitiateRestoreObject")
    world.s3.put_object(Bucket="data-bkt", Key="input/a.txt", Body=b"a", StorageClass="GLACIER")
    without = world.request(operation={"S3InitiateRestoreObject": {"GlacierJobTier": "BULK"}})
    assert world.preflight(without) == [
        "restore: ExpirationInDays is required to restore an object in the GLACIER or DEEP_ARCHIVE storage class "
        "(s3://data-bkt/input/a.txt); give --expiration-days N"]
    with_days = world.request(operation={"S3InitiateRestoreObject": {"ExpirationInDays": 3, "GlacierJobTier": "BULK"}})
    assert world.preflight(with_days) == []


def test_restore_of_objects_not_archived_is_a_note(world: World) -> None:
    world.grant("S3InitiateRestoreObject")
    world.s3.put_object(Bucket="data-bkt", Key="input/a.txt", Body=b"a")
    result = world.result(world.request(operation={"S3InitiateRestoreObject": {"ExpirationInDays": 1}}))
    assert result.problems == []
    assert result.notes == ["restore: 1 of the first 1 objects are not archived (e.g. input/a.txt); their tasks will "
                            "fail with InvalidObjectState"]


def test_update_encryption_checks_the_role_on_the_kms_key(world: World) -> None:
    key_arn = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
    operation = {"S3UpdateObjectEncryption": {"ObjectEncryption": {"SSEKMS": {"KMSKeyArn": key_arn}}}}
    world.grant("S3UpdateObjectEncryption", kms_key_arns=(key_arn,))
    assert world.preflight(world.request(operation=operation)) == []
    world.grant("S3UpdateObjectEncryption", kms_key_arns=(key_arn,), without=":kms:")
    problems = world.preflight(world.request(operation=operation))
    assert any(f"may not kms:ReEncryptTo on {key_arn}" in p for p in problems), problems


def test_a_restore_job_must_run_in_the_objects_region(world: World) -> None:
    world.grant("S3InitiateRestoreObject")
    world.s3.put_object(Bucket="data-bkt", Key="input/a.txt", Body=b"a", StorageClass="GLACIER")
    request = world.request(operation={"S3InitiateRestoreObject": {"ExpirationInDays": 1}})
    assert world.preflight(request) == []
    result = world.result(request, region="eu-west-1")
    assert "restore: bucket data-bkt is in us-east-1 but the job would run in eu-west-1; restore jobs must be " \
           "created in the objects' Region (--region us-east-1)" in [str(p) for p in result.problems]
