"""`--timeout` is a promise also when the endpoint is unreachable (issue 11: `job wait --timeout 20` took 624 s).

A real local port that refuses connections stands in for a killed stack; time is a fake clock moved only by the
waiter's own sleeps, so nothing here waits for real.
"""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest

from s3batch.cli import main
from s3batch_core.errors import S3BatchError
from s3batch.jobs.target import Clients, JobTarget
from s3batch.jobs.wait import ExitCode, PlainDisplay, PollSettings, wait_for_job
from tests.jobs.test_wait import ACCOUNT, JOB, FakeClock
from tests.loopback import answering


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
