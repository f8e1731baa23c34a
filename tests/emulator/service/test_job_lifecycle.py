"""Job statuses as AWS documents them, driven through the real HTTP API with a scripted engine. How each job-level
failure of the engine ends the job is tested on the runner itself (test_runner.py)."""

from __future__ import annotations

import urllib.request
from datetime import datetime, timedelta, timezone
from typing import Any

import botocore.session
import pytest
from fake_engine import ACCOUNT_ID, ROLE_ARN, FakeEngine, error_of, job_params

from s3batch.emulator.service.job import TERMINAL, TRANSITIONS, USER_REQUESTS, JobStatus

MODEL = botocore.session.get_session().get_service_model("s3control")


def describe(client: Any, job_id: str) -> dict[str, Any]:
    return client.describe_job(AccountId=ACCOUNT_ID, JobId=job_id)["Job"]


def test_status_enum_is_the_models_and_every_status_has_transitions() -> None:
    assert sorted(s.value for s in JobStatus) == sorted(MODEL.shape_for("JobStatus").enum)
    assert set(TRANSITIONS) == set(JobStatus)
    assert {s for s, targets in TRANSITIONS.items() if not targets} == TERMINAL
    assert set(USER_REQUESTS) == set(MODEL.shape_for("RequestedJobStatus").enum)


def test_job_runs_to_complete_with_progress_dates_and_the_request_echoed(
    s3control: Any, fake_engine: FakeEngine, wait_for_status: Any, stack: Any
) -> None:
    params = job_params("partial", Description="tag the photos", Priority=7)
    job_id = s3control.create_job(**params)["JobId"]
    job = wait_for_status(s3control, job_id, {"Complete"})
    assert job["JobArn"] == f"arn:aws:s3:us-east-1:{ACCOUNT_ID}:job/{job_id}"
    assert job["ProgressSummary"]["TotalNumberOfTasks"] == 3
    assert job["ProgressSummary"]["NumberOfTasksSucceeded"] == 2
    assert job["ProgressSummary"]["NumberOfTasksFailed"] == 1  # task failures do not fail the job
    assert "FailureReasons" not in job
    assert job["CreationTime"].utcoffset().total_seconds() == 0
    assert job["TerminationDate"] >= job["CreationTime"]
    assert (job["Description"], job["Priority"], job["RoleArn"]) == ("tag the photos", 7, ROLE_ARN)
    assert job["Operation"] == params["Operation"] and job["Manifest"] == params["Manifest"]
    assert job["ConfirmationRequired"] is False
    request = fake_engine.requests[-1]
    assert (request.job_id, request.account_id, request.region) == (job_id, ACCOUNT_ID, "us-east-1")
    assert request.endpoint_url == stack.endpoint_url and request.role_arn == ROLE_ARN
    assert (request.operation, request.manifest, request.report) == (
        params["Operation"], params["Manifest"], params["Report"])


def test_timestamps_are_utc_on_the_wire(s3control: Any, stack: Any) -> None:
    job_id = s3control.create_job(**job_params())["JobId"]
    request = urllib.request.Request(
        f"{stack.endpoint_url}/v20180820/jobs/{job_id}", headers={"x-amz-account-id": ACCOUNT_ID}
    )
    body = urllib.request.urlopen(request, timeout=10).read().decode()  # noqa: S310 (loopback)
    assert body.split("<CreationTime>")[1].split("</CreationTime>")[0].endswith("Z")


def test_omitted_confirmation_means_suspended_until_confirmed(s3control: Any, wait_for_status: Any) -> None:
    params = job_params()
    del params["ConfirmationRequired"]
    job_id = s3control.create_job(**params)["JobId"]
    job = wait_for_status(s3control, job_id, {"Suspended"})
    assert job["ConfirmationRequired"] is True
    assert job["SuspendedDate"] >= job["CreationTime"]
    assert "UpdateJobStatus" in job["SuspendedCause"]
    assert job["ProgressSummary"]["TotalNumberOfTasks"] == 3  # counted while Preparing
    answer = s3control.update_job_status(
        AccountId=ACCOUNT_ID, JobId=job_id, RequestedJobStatus="Ready", StatusUpdateReason="looks right"
    )
    assert answer["JobId"] == job_id and answer["StatusUpdateReason"] == "looks right"
    assert answer["Status"] in {"Ready", "Active", "Completing", "Complete"}
    job = wait_for_status(s3control, job_id, {"Complete"})
    assert job["StatusUpdateReason"] == "looks right"


def test_cancel_a_suspended_job(s3control: Any, wait_for_status: Any, fake_engine: FakeEngine) -> None:
    job_id = s3control.create_job(**job_params(ConfirmationRequired=True))["JobId"]
    wait_for_status(s3control, job_id, {"Suspended"})
    answer = s3control.update_job_status(
        AccountId=ACCOUNT_ID, JobId=job_id, RequestedJobStatus="Cancelled", StatusUpdateReason="wrong manifest"
    )
    assert answer["Status"] in {"Cancelling", "Cancelled"}
    job = wait_for_status(s3control, job_id, {"Cancelled"})
    assert job["StatusUpdateReason"] == "wrong manifest" and "TerminationDate" in job
    assert job_id not in fake_engine.executed


def test_an_active_job_shows_live_progress_refuses_ready_and_stops_on_cancel_with_the_tasks_done(
    s3control: Any, wait_for_status: Any
) -> None:
    job_id = s3control.create_job(**job_params("block"))["JobId"]
    summary = wait_for_status(s3control, job_id, {"Active"}, done=2)["ProgressSummary"]
    assert (summary["TotalNumberOfTasks"], summary["NumberOfTasksSucceeded"], summary["NumberOfTasksFailed"]) == (3, 1, 1)
    assert isinstance(summary["Timers"]["ElapsedTimeInActiveSeconds"], int)
    ready = error_of(s3control.update_job_status, AccountId=ACCOUNT_ID, JobId=job_id, RequestedJobStatus="Ready")
    assert ready == ("JobStatusException", 400,  # Ready is only for Suspended jobs
                     f"Job {job_id} is Active; RequestedJobStatus Ready is allowed only from Suspended")
    answer = s3control.update_job_status(AccountId=ACCOUNT_ID, JobId=job_id, RequestedJobStatus="Cancelled")
    assert answer["Status"] == "Cancelling"
    summary = wait_for_status(s3control, job_id, {"Cancelled"})["ProgressSummary"]
    assert (summary["NumberOfTasksSucceeded"], summary["NumberOfTasksFailed"]) == (1, 1)


def test_waiting_jobs_start_by_priority_then_creation(
    s3control: Any, wait_for_status: Any, fake_engine: FakeEngine
) -> None:
    blocker = s3control.create_job(**job_params("block"))["JobId"]
    wait_for_status(s3control, blocker, {"Active"})
    low = s3control.create_job(**job_params(Priority=1))["JobId"]
    high = s3control.create_job(**job_params(Priority=5))["JobId"]
    late = s3control.create_job(**job_params(Priority=1))["JobId"]
    for job_id in (low, high, late):
        wait_for_status(s3control, job_id, {"Ready"})
    answer = s3control.update_job_priority(AccountId=ACCOUNT_ID, JobId=late, Priority=9)
    assert answer == {**answer, "JobId": late, "Priority": 9}
    fake_engine.release(blocker)
    for job_id in (low, high, late):
        wait_for_status(s3control, job_id, {"Complete"})
    assert fake_engine.executed == [blocker, late, high, low]
    assert describe(s3control, late)["Priority"] == 9


class FakeClock:
    """The service's clock for one test, moved by hand; `advance` tells the stack the time changed."""

    def __init__(self, service: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = datetime(2025, 1, 1, tzinfo=timezone.utc)
        self.service = service
        monkeypatch.setattr(service, "clock", self)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta
        self.service.tick()


def test_a_job_suspended_for_more_than_30_days_fails(
    s3control: Any, stack: Any, wait_for_status: Any, fake_engine: FakeEngine, monkeypatch: Any
) -> None:
    clock = FakeClock(stack.service, monkeypatch)
    job_id = s3control.create_job(**job_params(ConfirmationRequired=True))["JobId"]
    job = wait_for_status(s3control, job_id, {"Suspended"})
    assert job["SuspendedDate"] == job["CreationTime"] == clock.now
    clock.advance(timedelta(days=30))
    assert describe(s3control, job_id)["Status"] == "Suspended"  # exactly 30 days is not more than 30 days
    clock.advance(timedelta(seconds=1))
    job = wait_for_status(s3control, job_id, {"Failed"})
    assert job["FailureReasons"] == [{"FailureCode": "SuspendedTooLong", "FailureReason": (
        "The job waited in Suspended for more than 30 days without confirmation "
        "(UpdateJobStatus RequestedJobStatus=Ready)")}]
    assert job["TerminationDate"] == clock.now
    assert job_id not in fake_engine.executed


def test_a_finished_job_is_deleted_90_days_after_it_ended(
    s3control: Any, stack: Any, wait_for_status: Any, monkeypatch: Any
) -> None:
    clock = FakeClock(stack.service, monkeypatch)
    job_id = s3control.create_job(**job_params(ConfirmationRequired=False, ClientRequestToken="kept-90-days"))["JobId"]
    wait_for_status(s3control, job_id, {"Complete"})
    clock.advance(timedelta(days=90) - timedelta(seconds=1))
    assert describe(s3control, job_id)["Status"] == "Complete"
    assert job_id in [j["JobId"] for j in s3control.list_jobs(AccountId=ACCOUNT_ID)["Jobs"]]
    clock.advance(timedelta(seconds=1))
    assert job_id not in [j["JobId"] for j in s3control.list_jobs(AccountId=ACCOUNT_ID)["Jobs"]]
    assert error_of(s3control.describe_job, AccountId=ACCOUNT_ID, JobId=job_id)[0] == "NotFoundException"
    # its ClientRequestToken went with it: the same request now creates a new job
    again = s3control.create_job(**job_params(ConfirmationRequired=False, ClientRequestToken="kept-90-days"))["JobId"]
    assert again != job_id
