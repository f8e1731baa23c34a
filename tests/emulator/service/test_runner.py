"""The scheduler and job runner on their own: each job driven from New to its end by the scripted engine, no HTTP.

What the engine returns (fake_engine.py: the contract's own types) decides the job's status, counts and
FailureReasons; a job that will not run has its prepared files discarded.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fake_engine import ACCOUNT_ID, FakeEngine, job_params

from s3batch.emulator.service.job import Job, JobStatus
from s3batch.emulator.service.runner import Scheduler

ENDPOINT = "http://127.0.0.1:9"
LIMIT = timedelta(days=30)
S = JobStatus


@pytest.fixture()
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture()
def scheduler(engine: FakeEngine) -> Iterator[Scheduler]:
    scheduler = Scheduler(engine, ENDPOINT, LIMIT, max_active_jobs=1)
    yield scheduler
    engine.shutdown()
    assert scheduler.join_all(30) == []


def new_job(script: str, *, confirm: bool = False) -> Job:
    params = job_params(script)
    return Job(job_id=f"job-{script}", account_id=ACCOUNT_ID, region="us-east-1",
               request={k: v for k, v in params.items() if k != "AccountId"}, confirmation_required=confirm,
               priority=params["Priority"], tags=[], sequence=1)


def wait_for(job: Job, *statuses: JobStatus) -> None:
    """Block until the job's status is one of `statuses` (status changes notify `job.changed`); 30 s at most."""
    with job.lock:
        assert job.changed.wait_for(lambda: job.status in statuses, timeout=30), f"job is {job.status.value}"


def run(scheduler: Scheduler, script: str) -> Job:
    job = new_job(script)
    scheduler.start(job)
    wait_for(job, S.COMPLETE, S.FAILED, S.CANCELLED)
    return job


@pytest.mark.parametrize(("script", "code", "reason"), [
    ("fail-prepare", "InvalidManifestContent", "Manifest row 2: the key is empty"),
    ("fail-execute", "ThresholdExceeded", "More than 50% of at least 1000 tasks failed"),
    ("crash", "InternalError", "RuntimeError: engine bug"),   # an engine bug ends the job visibly
])
def test_a_job_level_failure_fails_the_job_with_its_code_and_reason(scheduler: Scheduler, script: str, code: str,
                                                                     reason: str) -> None:
    job = run(scheduler, script)
    assert job.status is S.FAILED and job.termination_date is not None
    assert job.failure_reasons == [{"FailureCode": code, "FailureReason": reason}]


def test_a_report_that_cannot_be_written_completes_the_job_with_a_failure_reason(scheduler: Scheduler) -> None:
    job = run(scheduler, "report-fails")
    assert (job.status, job.succeeded) == (S.COMPLETE, 3)
    assert job.failure_reasons == [{"FailureCode": "ReportWriteFailed", "FailureReason": "The report bucket is gone"}]


@pytest.mark.parametrize("confirmed", [False, True], ids=["cancelled", "confirmed"])
def test_a_suspended_job_runs_only_once_confirmed_and_its_prepared_files_go_if_it_never_runs(
        scheduler: Scheduler, engine: FakeEngine, confirmed: bool) -> None:
    job = new_job("ok-5", confirm=True)
    scheduler.start(job)
    wait_for(job, S.SUSPENDED)
    assert job.total_tasks == 5  # shown once Preparing is done
    with job.lock:
        job.cancel_requested = not confirmed
        job.move_to(S.READY if confirmed else S.CANCELLING)
    wait_for(job, S.COMPLETE if confirmed else S.CANCELLED)
    assert engine.executed == ([job.job_id] if confirmed else [])
    assert [prepared.discarded for prepared in engine.prepared] == [not confirmed]  # a run job's: execute removes them


def test_a_scheduler_needs_a_slot(engine: FakeEngine) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Scheduler(engine, ENDPOINT, LIMIT, max_active_jobs=0)

