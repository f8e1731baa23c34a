"""Engine test helpers: a Stack of boto3 clients over real HTTP with shortcuts to build jobs.

The engine reaches the stack only over HTTP (except for reading a function's zip from moto's Lambda
backend, which lives in this process as it does in the real stack's server process).
"""

from __future__ import annotations

import csv
import io
import json
import threading
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from s3batch.emulator.engine import execution
from s3batch.emulator.engine.contract import ExecutionResult, JobRequest
from s3batch.emulator.engine.failures import JobFailure

ACCOUNT = "123456789012"
REGION = "us-east-1"
HANDLERS = Path(__file__).parent / "handlers"
TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
    "Service": "batchoperations.s3.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


class Progress:
    """A ProgressSink that records what the engine reported; `cancel_after` asks for a stop. It never asks for a
    pause: pausing is tested through the job service (test_pausing.py)."""

    def __init__(self, cancel_after: int | None = None) -> None:
        self.total: int | None = None
        self.finished: list[bool] = []
        self.cancel_after = cancel_after
        self.lock = threading.Lock()

    def set_total(self, total: int) -> None:
        self.total = total

    def task_finished(self, succeeded: bool) -> None:
        with self.lock:
            self.finished.append(succeeded)

    def stop_requested(self) -> bool:
        return self.cancel_after is not None and len(self.finished) >= self.cancel_after

    def pause_requested(self) -> bool:
        return False

    def wait_until_resumed(self) -> None:
        raise AssertionError("no pause was asked")


def zip_handler(*names: str) -> bytes:
    """A deployment package holding the named files from handlers/."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.write(HANDLERS / name, name)
    return buffer.getvalue()


@dataclass
class Stack:
    """A fresh moto state plus shortcuts to set a job up."""

    endpoint: str
    s3: Any
    iam: Any
    lam: Any
    data_bucket: str = "data-bucket"
    manifest_bucket: str = "manifest-bucket"
    report_bucket: str = "report-bucket"
    roles: dict[str, str] = field(default_factory=dict)

    def role(self, name: str = "batch-role", trust: dict | None = None, policy: dict | None = ALLOW_ALL) -> str:
        if name in self.roles:
            return self.roles[name]
        arn = self.roles[name] = self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust or TRUST))["Role"]["Arn"]
        if policy is not None:
            self.iam.put_role_policy(RoleName=name, PolicyName="permissions", PolicyDocument=json.dumps(policy))
        return arn

    def role_allowing(self, name: str, *statements: dict) -> str:
        """A role that may read the manifest and write the report, and do what `statements` allow."""
        return self.role(name, policy={"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion"],
             "Resource": f"arn:aws:s3:::{self.manifest_bucket}/*"},
            {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": f"arn:aws:s3:::{self.report_bucket}/*"},
            *statements]})

    def function(self, name: str = "behaviours", module: str = "behaviours.py", handler: str = "behaviours.handler",
                 timeout: int = 3, env: dict[str, str] | None = None, publish: bool = True,
                 runtime: str = "python3.12") -> str:
        lambda_role = self.iam.create_role(RoleName=f"fn-{name}", AssumeRolePolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                                    "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
        created = self.lam.create_function(
            FunctionName=name, Runtime=runtime, Role=lambda_role, Handler=handler,
            Code={"ZipFile": zip_handler(module)}, Timeout=timeout, MemorySize=256,
            Environment={"Variables": env or {}}, Publish=publish)
        return f"{created['FunctionArn']}:{created['Version']}" if publish else created["FunctionArn"]

    def put(self, key: str, body: bytes = b"text", bucket: str | None = None, **extra: Any) -> dict:
        """PutObject into the data bucket (or `bucket`); `extra`: more PutObject parameters."""
        return self.s3.put_object(Bucket=bucket or self.data_bucket, Key=key, Body=body, **extra)

    def versioned(self, *buckets: str) -> None:
        """Turn versioning on for `buckets` (the data bucket when none is named)."""
        for bucket in buckets or (self.data_bucket,):
            self.s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})

    def manifest(self, text: str | bytes, key: str = "manifests/manifest.csv", fields: list[str] | None = None,
                 **extra: Any) -> dict:
        """A CSV manifest written to the manifest bucket (`extra`: more PutObject parameters) and the job's Manifest
        naming it: its ETag, and its version when the bucket keeps versions."""
        body = text.encode() if isinstance(text, str) else text
        put = self.s3.put_object(Bucket=self.manifest_bucket, Key=key, Body=body, **extra)
        spec = {"Format": "S3BatchOperations_CSV_20180820", **({"Fields": fields} if fields else {})}
        location = {"ObjectArn": f"arn:aws:s3:::{self.manifest_bucket}/{key}", "ETag": put["ETag"]}
        if put.get("VersionId"):
            location["ObjectVersionId"] = put["VersionId"]
        return {"Spec": spec, "Location": location}

    def request(self, operation: dict, manifest: dict | None, role_arn: str, report: dict | None = None,
                generator: dict | None = None) -> JobRequest:
        return JobRequest(
            job_id=str(uuid.uuid4()), account_id=ACCOUNT, region=REGION, role_arn=role_arn, operation=operation,
            report=report if report is not None else self.report_all(), manifest=manifest,
            manifest_generator=generator, endpoint_url=self.endpoint)

    def report_all(self, prefix: str = "reports", scope: str = "AllTasks") -> dict:
        return {"Enabled": True, "Bucket": f"arn:aws:s3:::{self.report_bucket}", "Format": "Report_CSV_20180820",
                "Prefix": prefix, "ReportScope": scope}

    def report_rows(self, keys: list[str]) -> dict[str, bytes]:
        return {key: self.s3.get_object(Bucket=self.report_bucket, Key=key)["Body"].read() for key in keys}

    def result_rows(self, keys: list[str]) -> list[list[str]]:
        """Every result row (both statuses) of the report written to `keys`, parsed, in file order."""
        return [row for key, body in self.report_rows(keys).items() if key.endswith(".csv")
                for row in csv.reader(io.StringIO(body.decode(), newline=""))]

    def rows_by_key(self, keys: list[str]) -> dict[str, list[str]]:
        """The report's result rows (both statuses), keyed by their Key column."""
        return {row[1]: row for row in self.result_rows(keys)}

    def run_rows(self, operation: dict, lines: str, role_arn: str | None = None) -> dict[str, list[str]]:
        """Run `operation` over a CSV manifest of `lines` (the allow-all role by default); rows keyed by Key."""
        result = self.run(self.request(operation, self.manifest(lines), role_arn or self.role()))
        return self.rows_by_key(result.report_keys)

    def run(self, request: JobRequest, progress: Progress | None = None) -> ExecutionResult:
        prepared = execution.prepare(request)
        return execution.execute(prepared, progress or Progress())


def job_failure(request: JobRequest) -> JobFailure:
    """The JobFailure that preparing `request` raises (the test fails if the job prepares)."""
    with pytest.raises(JobFailure) as caught:
        execution.prepare(request)
    return caught.value


def lambda_op(function_arn: str, schema: str = "2.0", user_arguments: dict | None = None) -> dict:
    config: dict[str, Any] = {"FunctionArn": function_arn, "InvocationSchemaVersion": schema}
    if user_arguments:
        config["UserArguments"] = user_arguments
    return {"LambdaInvoke": config}
