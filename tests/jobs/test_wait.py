"""Polling DescribeJob: backoff, Suspended explanation, exit codes, timeout; a fake clock, never a real sleep."""

from __future__ import annotations

import io
from datetime import datetime, timezone
from typing import Any

import pytest
from botocore.stub import Stubber

from s3batch_core.aws import make_client
from s3batch_core.errors import S3BatchError
from s3batch.jobs.wait import (
    ExitCode,
    PlainDisplay,
    PollSettings,
    Progress,
    exit_code_for,
    outcome_lines,
    wait_for_job,
)

ACCOUNT = "123456789012"
JOB = "job-0001"


def _job(status: str, total: int = 10, ok: int = 0, failed: int = 0, elapsed: int = 0, **extra: Any) -> dict[str, Any]:
    job: dict[str, Any] = {
        "JobId": JOB, "Status": status, "Priority": 10, "CreationTime": datetime(2026, 1, 1, tzinfo=timezone.utc),
        "ProgressSummary": {"TotalNumberOfTasks": total, "NumberOfTasksSucceeded": ok, "NumberOfTasksFailed": failed,
                            "Timers": {"ElapsedTimeInActiveSeconds": elapsed}},
    }
    job.update(extra)
    return job


class FakeClock:
    """Time moves only when the waiter sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _run(steps: list[tuple[str, int] | dict[str, Any]], settings: PollSettings,
         until: frozenset[str] | None = None) -> tuple[dict[str, Any], FakeClock, str]:
    """Wait with a fake clock while DescribeJob answers each step: a job, or an error (code, HTTP status)."""
    client = make_client("s3control", region="us-east-1")
    clock, out = FakeClock(), io.StringIO()
    with Stubber(client) as stub:
        for step in steps:
            if isinstance(step, tuple):
                stub.add_client_error("describe_job", step[0], "try again", step[1])
            else:
                stub.add_response("describe_job", {"Job": step}, {"AccountId": ACCOUNT, "JobId": JOB})
        final = wait_for_job(client, ACCOUNT, JOB, settings, display=PlainDisplay(out), clock=clock, sleep=clock.sleep,
                             until=until)
        stub.assert_no_pending_responses()
    return final, clock, out.getvalue()


def test_backoff_while_unchanged_and_reset_on_progress() -> None:
    jobs = [_job("Preparing"), _job("Active", ok=1, elapsed=1), _job("Active", ok=1, elapsed=1),
            _job("Active", ok=1, elapsed=1), _job("Active", ok=5, elapsed=2), _job("Complete", ok=10, elapsed=3)]
    final, clock, output = _run(jobs, PollSettings(min_interval=5.0, max_interval=8.0))
    assert final["Status"] == "Complete"
    assert clock.sleeps == [5.0, 5.0, 7.5, 8.0, 5.0]
    assert "\x1b" not in output  # plain lines: no control codes
    assert output.splitlines()[-1] == "Complete: 10/10 tasks (10 succeeded, 0 failed, 3.3 tasks/s, ETA 0s)"
    assert output.count("Active: 1/10") == 1  # one line per change


def test_suspended_is_explained_once() -> None:
    jobs = [_job("Suspended", SuspendedCause="AwaitingConfirmation")] * 3 + [_job("Complete", ok=10)]
    _, _, output = _run(jobs, PollSettings(min_interval=0.2))
    assert output.count("is Suspended") == 1
    assert f"s3batch job confirm {JOB}" in output


def test_timeout_exits_4() -> None:
    jobs = [_job("Active")] * 3
    with pytest.raises(S3BatchError) as caught:
        _run(jobs, PollSettings(min_interval=1.0, max_interval=1.0, timeout=2.0))
    assert caught.value.exit_code == ExitCode.TIMEOUT == 4


@pytest.mark.parametrize(
    ("job", "code"),
    [
        (_job("Complete", ok=10), 0),
        (_job("Complete", ok=9, failed=1), 1),
        (_job("Complete", ok=10, FailureReasons=[{"FailureCode": "ReportWriteFailed", "FailureReason": "no report"}]), 1),
        (_job("Failed", FailureReasons=[{"FailureCode": "X", "FailureReason": "Reading the manifest is forbidden"}]), 2),
        (_job("Cancelled"), 2),
    ],
)
def test_exit_codes(job: dict[str, Any], code: int) -> None:
    assert exit_code_for(job) == code


def test_outcome_lines_include_failure_reasons() -> None:
    job = _job("Failed", FailureReasons=[{"FailureCode": "ManifestFailed", "FailureReason": "row 3: bad key"}],
               StatusUpdateReason="manifest unreadable")
    assert outcome_lines(job) == [f"job {JOB} Failed: 0 succeeded, 0 failed of 10",
                                  "  failure ManifestFailed: row 3: bad key", "  reason: manifest unreadable"]


def test_progress_rate_and_eta() -> None:
    progress = Progress.from_job(_job("Active", total=100, ok=40, failed=10, elapsed=10))
    assert progress.rate() == 5.0 and progress.eta() == 10.0
    assert Progress.from_job({"Status": "New"}).rate() is None


def test_until_stops_when_preparation_is_over() -> None:
    final, clock, _ = _run([_job("New"), _job("Preparing"), _job("Suspended")], PollSettings(0.2),
                           until=frozenset({"Suspended", "Ready", "Active", "Complete"}))
    assert final["Status"] == "Suspended" and len(clock.sleeps) == 2


def test_rich_display_draws_a_bar() -> None:
    from s3batch.jobs.wait import RichDisplay

    out = io.StringIO()
    display = RichDisplay(out, JOB)
    display.update(Progress.from_job(_job("Active", total=10, ok=4, failed=1, elapsed=5)))
    display.message("a note")
    display.close()
    text = out.getvalue()
    assert "5/10" in text and "4 ok" in text and "1 failed" in text and "a note" in text


def test_throttling_and_server_errors_are_waited_out_not_reported_as_the_jobs_end() -> None:
    steps = [_job("Active"), ("TooManyRequestsException", 400), ("InternalServiceException", 500),
             ("SlowDown", 503), _job("Complete", ok=10)]
    final, _, _ = _run(steps, PollSettings(1.0, max_interval=8.0))
    assert final["Status"] == "Complete"


def test_errors_that_do_not_stop_end_the_wait_with_exit_2_in_one_line() -> None:
    throttled = [("TooManyRequestsException", 400)] * 5
    with pytest.raises(S3BatchError) as caught:
        _run(throttled, PollSettings(1.0, max_interval=8.0, transient_patience=20.0))
    assert caught.value.exit_code == ExitCode.JOB_FAILED and "DescribeJob failed" in str(caught.value)
    with pytest.raises(S3BatchError) as caught:
        _run([("AccessDenied", 403)], PollSettings(1.0))
    assert caught.value.exit_code == ExitCode.JOB_FAILED


def test_a_job_created_a_moment_ago_may_be_not_found_at_first() -> None:
    steps = [("NotFoundException", 400), ("NotFoundException", 400), _job("Complete", ok=10)]
    final, _, _ = _run(steps, PollSettings(1.0, new_job_grace=60.0))
    assert final["Status"] == "Complete"
    with pytest.raises(S3BatchError) as caught:  # without the grace (job wait on a given id): unknown job at once
        _run([("NotFoundException", 400)], PollSettings(1.0))
    assert caught.value.exit_code == ExitCode.INPUT == 3
    assert str(caught.value) == f"job {JOB}: try again (wrong Region or account, or expired after 90 days?)"
