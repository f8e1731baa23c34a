"""Polling DescribeJob: backoff, Suspended explanation, exit codes, timeout; a fake clock, never a real sleep.

Last, `--timeout` as a promise also when the endpoint is unreachable (issue 11: `job wait --timeout 20` took 624 s):
a real local port that refuses connections stands in for a killed stack, time is the fake clock moved only by the
waiter's own sleeps, so nothing here waits for real."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from datetime import datetime, timezone
from http.server import ThreadingHTTPServer
from typing import Any

import pytest
from botocore.stub import Stubber

from s3batch.cli import main
from s3batch.jobs.target import Clients, JobTarget
from s3batch_core.aws import make_client
from s3batch_core.errors import S3BatchError
from tests.loopback import answering
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


@pytest.mark.parametrize(("steps", "settings", "code", "message"), [
    ([_job("Active")] * 3, PollSettings(1.0, max_interval=1.0, timeout=2.0), 4, f"job {JOB} is still Active after 2s"),
    ([("TooManyRequestsException", 400)] * 5, PollSettings(1.0, max_interval=8.0, transient_patience=20.0), 2,
     f"job {JOB}: DescribeJob failed: "),  # retried for the patience, then given up
    ([("AccessDenied", 403)], PollSettings(1.0), 2, f"job {JOB}: DescribeJob failed: "),  # not retried
    ([("NotFoundException", 400)], PollSettings(1.0), 3,  # without the grace (job wait on a given id)
     f"job {JOB}: try again (wrong Region or account, or expired after 90 days?)"),
], ids=["timeout", "patience-over", "not-retryable", "unknown-job"])
def test_a_wait_that_ends_before_the_job_is_one_line_with_its_exit_code(
    steps: list[tuple[str, int] | dict[str, Any]], settings: PollSettings, code: int, message: str
) -> None:
    with pytest.raises(S3BatchError) as caught:
        _run(steps, settings)
    assert caught.value.exit_code == code and str(caught.value).startswith(message) and "\n" not in str(caught.value)


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


@pytest.mark.parametrize(("steps", "settings"), [
    ([_job("Active"), ("TooManyRequestsException", 400), ("InternalServiceException", 500), ("SlowDown", 503),
      _job("Complete", ok=10)], PollSettings(1.0, max_interval=8.0)),
    ([("NotFoundException", 400)] * 2 + [_job("Complete", ok=10)],  # without the grace: unknown-job above
     PollSettings(1.0, new_job_grace=60.0)),
], ids=["throttling-and-5xx", "just-created-not-found-yet"])
def test_transient_errors_are_waited_out_not_reported_as_the_jobs_end(
    steps: list[tuple[str, int] | dict[str, Any]], settings: PollSettings
) -> None:
    assert _run(steps, settings)[0]["Status"] == "Complete"


# ---- an unreachable endpoint -------------------------------------------------------------------------------------


@pytest.fixture
def refused_endpoint() -> str:
    """http://127.0.0.1:PORT where nothing listens (the port was bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def _poller(endpoint: str) -> object:
    return Clients(JobTarget(region="us-east-1", endpoint_url=endpoint, account_id_hint=ACCOUNT)).s3control_poller


def _wait_failing(endpoint: str, settings: PollSettings) -> tuple[S3BatchError, FakeClock, list[str]]:
    """Wait on a dead endpoint with a fake clock: the error it ends with, the clock, the lines it printed."""
    clock, out = FakeClock(), io.StringIO()
    with pytest.raises(S3BatchError) as caught:
        wait_for_job(_poller(endpoint), ACCOUNT, JOB, settings, display=PlainDisplay(out), clock=clock, sleep=clock.sleep)
    return caught.value, clock, out.getvalue().splitlines()


def test_the_timeout_holds_while_the_endpoint_refuses_connections(refused_endpoint: str) -> None:
    error, clock, lines = _wait_failing(refused_endpoint, PollSettings(min_interval=5, timeout=20))
    assert error.exit_code == ExitCode.TIMEOUT
    assert "after 20s" in str(error) and "DescribeJob is failing: endpoint unreachable" in str(error)
    assert clock.sleeps == [7.5, 11.25, 1.25] and clock.now == 20  # slept up to the deadline, not past it
    assert [line.split(" (")[0] for line in lines] == ["endpoint unreachable, retrying… 0 s",
                                                       "endpoint unreachable, retrying… 19 s"]  # progress while retrying
    assert lines[0].endswith(f"(Could not connect to the endpoint URL: \"{refused_endpoint}/v20180820/jobs/{JOB}\")")


def test_without_a_timeout_the_patience_runs_out_with_exit_2(refused_endpoint: str) -> None:
    error, clock, lines = _wait_failing(refused_endpoint, PollSettings(min_interval=5, transient_patience=60))
    assert error.exit_code == ExitCode.JOB_FAILED
    assert clock.sleeps == [7.5, 11.25, 16.875, 25.3125]  # the backoff grows; the attempt after 60 s is the last
    seconds = [int(line.split("retrying… ")[1].split(" s")[0]) for line in lines]
    assert seconds == [0, 19, 36]  # at once, then with each failed attempt 10 s or more after the last notice


@pytest.fixture
def stoppable_endpoint() -> Iterator[ThreadingHTTPServer]:
    body = f"<DescribeJobResult><Job><JobId>{JOB}</JobId><Status>Active</Status></Job></DescribeJobResult>"
    with answering(body.encode()) as (server, _):
        yield server


def test_a_stack_stopped_mid_wait_is_reported_and_the_timeout_holds(stoppable_endpoint: ThreadingHTTPServer) -> None:
    endpoint = f"http://127.0.0.1:{stoppable_endpoint.server_address[1]}"
    clock, out = FakeClock(), io.StringIO()
    polls = []

    def sleep(seconds: float) -> None:
        polls.append(seconds)
        if len(polls) == 2:  # the stack dies after two answers
            stoppable_endpoint.shutdown()
            stoppable_endpoint.server_close()
        clock.sleep(seconds)

    with pytest.raises(S3BatchError) as caught:
        wait_for_job(_poller(endpoint), ACCOUNT, JOB, PollSettings(min_interval=1, timeout=30),
                     display=PlainDisplay(out), clock=clock, sleep=sleep)
    assert caught.value.exit_code == ExitCode.TIMEOUT and clock.now == 30
    text = out.getvalue()
    assert text.startswith("Active: 0/0 tasks") and "endpoint unreachable, retrying…" in text


def test_job_wait_on_a_dead_endpoint_exits_4_with_progress(refused_endpoint: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["job", "wait", JOB, "--endpoint-url", refused_endpoint, "--region", "us-east-1",
                 "--account-id", ACCOUNT, "--timeout", "0.5", "--poll-interval", "0.1"])
    err = capsys.readouterr().err
    assert code == 4, err
    assert "endpoint unreachable, retrying…" in err
    assert err.strip().splitlines()[-1] == (f"s3batch: error: job {JOB} is still unknown (DescribeJob is failing: "
                                            "endpoint unreachable) after 0.5s")
