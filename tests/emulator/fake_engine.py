"""A scriptable stand-in for `s3batch.emulator.engine.execution`, for control-plane tests only.

The manifest's object key picks the behaviour, so one CreateJob says what the engine will do:
  ok-<n>           n tasks, all succeed          partial          3 tasks, 1 fails
  fail-prepare     JobFailure in prepare          fail-execute     JobFailure in execute
  crash            RuntimeError in execute        block            2 tasks done, then wait for release() or cancel
  report-fails     3 tasks succeed, the report cannot be written
Also what the control-plane tests share: `job_params` (a CreateJob for a script) and `error_of` (a call's error).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError

from s3batch.emulator.engine.contract import ExecutionResult, JobFailure, JobRequest, ProgressSink
from s3batch.emulator.engine.failures import REPORT_WRITE_FAILED
from s3batch.emulator.local.defaults import ACCOUNT_ID
ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/batch"
SUPPORTED = frozenset({"LambdaInvoke", "S3PutObjectTagging", "S3DeleteObjectTagging"})


@dataclass
class FakePrepared:
    """A prepared job (`contract.Prepared`) carrying its script; `discarded` once the service dropped it."""

    request: JobRequest
    script: str
    total: int
    discarded: bool = False

    def discard(self) -> None:
        self.discarded = True


class FakeEngine:
    def __init__(self) -> None:
        self.requests: list[JobRequest] = []
        self.prepared: list[FakePrepared] = []
        self.executed: list[str] = []  # job ids in the order execute() started
        self.broken = False  # supported_operations() raises: drives the 500 path
        self._gates: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def supported_operations(self) -> frozenset[str]:
        if self.broken:
            raise RuntimeError("engine unavailable")
        return SUPPORTED

    def prepare(self, request: JobRequest) -> FakePrepared:
        with self._lock:
            self.requests.append(request)
        script = behaviour(request)
        if script == "fail-prepare":
            raise JobFailure("InvalidManifestContent", "Manifest row 2: the key is empty")
        total = int(script.split("-")[1]) if script.startswith("ok-") else 3
        prepared = FakePrepared(request, script, total)
        with self._lock:
            self.prepared.append(prepared)
        return prepared

    def execute(self, prepared: FakePrepared, progress: ProgressSink) -> ExecutionResult:
        job_id = prepared.request.job_id
        with self._lock:
            self.executed.append(job_id)
        script = prepared.script
        progress.set_total(prepared.total)
        if script == "fail-execute":
            raise JobFailure("ThresholdExceeded", "More than 50% of at least 1000 tasks failed")
        if script == "crash":
            raise RuntimeError("engine bug")
        if script == "block":
            progress.task_finished(True)
            progress.task_finished(False)
            gate = self.gate(job_id)
            while not gate.wait(0.01):  # the fake's own loop: released by the test, or stopped by a cancel
                if progress.stop_requested():
                    return ExecutionResult(succeeded=1, failed=1, cancelled=True)
            return ExecutionResult(succeeded=1, failed=1)
        failed = 1 if script == "partial" else 0
        for index in range(prepared.total):
            progress.task_finished(index >= failed)
        report_failure = JobFailure(REPORT_WRITE_FAILED, "The report bucket is gone") if script == "report-fails" else None
        return ExecutionResult(succeeded=prepared.total - failed, failed=failed, report_failure=report_failure)

    def gate(self, job_id: str) -> threading.Event:
        with self._lock:
            return self._gates.setdefault(job_id, threading.Event())

    def release(self, job_id: str) -> None:
        self.gate(job_id).set()

    def shutdown(self) -> None:
        for gate in list(self._gates.values()):
            gate.set()

    def clear(self) -> None:
        with self._lock:
            self.requests.clear()
            self.prepared.clear()
            self.executed.clear()
            self.broken = False


def behaviour(request: JobRequest) -> str:
    arn = (request.manifest or {}).get("Location", {}).get("ObjectArn", "")
    return arn.rsplit("/", 1)[-1]


def job_params(script: str = "ok-3", **overrides: Any) -> dict[str, Any]:
    """A valid CreateJob request whose manifest key tells the fake engine what to do."""
    return {
        "AccountId": ACCOUNT_ID,
        "ConfirmationRequired": False,
        "Operation": {"S3PutObjectTagging": {"TagSet": [{"Key": "k", "Value": "v"}]}},
        "Report": {"Enabled": False},
        "Manifest": {
            "Spec": {"Format": "S3BatchOperations_CSV_20180820", "Fields": ["Bucket", "Key"]},
            "Location": {"ObjectArn": f"arn:aws:s3:::manifests/{script}", "ETag": "0123456789abcdef"},
        },
        "Priority": 10,
        "RoleArn": ROLE_ARN,
        **overrides,
    }


def error_of(call: Any, **kwargs: Any) -> tuple[str, int, str]:
    """The (Code, HTTP status, Message) of the ClientError that `call(**kwargs)` must raise."""
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    error = caught.value.response
    return error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Message"]
