"""Wait for a job: poll DescribeJob politely, show progress, map the outcome to an exit code (`ExitCode`, listed
for people in `s3batch job wait --help` and docs/jobs.md).

Polling starts at the minimum interval (default: `target.JobTarget.default_poll_interval`) and backs off (x1.5,
up to `max_interval`) while nothing changes, and falls back to the minimum when progress moves.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, TextIO

from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotocoreConnectionError

from s3batch_core.aws import standard_mode_retries
from s3batch_core.errors import S3BatchError

TERMINAL = frozenset({"Complete", "Failed", "Cancelled"})
# Before these are over a job cannot be confirmed yet: S3 is still reading the manifest.
PREPARING = frozenset({"New", "Preparing"})
BACKOFF = 1.5


class ExitCode(IntEnum):
    """Exit codes of `job wait` and `job run`."""

    COMPLETE = 0
    TASKS_FAILED = 1
    JOB_FAILED = 2
    INPUT = 3
    TIMEOUT = 4


@dataclass(frozen=True)
class Progress:
    """ProgressSummary and status of one DescribeJob."""

    status: str
    total: int
    succeeded: int
    failed: int
    elapsed: int

    @property
    def done(self) -> int:
        return self.succeeded + self.failed

    @classmethod
    def from_job(cls, job: dict[str, Any]) -> Progress:
        summary = job.get("ProgressSummary") or {}
        return cls(
            status=str(job.get("Status", "")),
            total=int(summary.get("TotalNumberOfTasks", 0)),
            succeeded=int(summary.get("NumberOfTasksSucceeded", 0)),
            failed=int(summary.get("NumberOfTasksFailed", 0)),
            elapsed=int((summary.get("Timers") or {}).get("ElapsedTimeInActiveSeconds", 0)),
        )

    def rate(self) -> float | None:
        """Tasks per second while Active, when measurable."""
        return self.done / self.elapsed if self.elapsed else None

    def eta(self) -> float | None:
        """Seconds left at the current rate."""
        rate = self.rate()
        return (self.total - self.done) / rate if rate and self.total >= self.done else None


def exit_code_for(job: dict[str, Any]) -> ExitCode:
    """The documented exit code for a job in a terminal state.

    Complete is 0 only with no failed task and no FailureReasons: a job can complete with its report unwritten
    (reference §3.2), which is worth the same exit 1 as failed tasks.
    """
    progress = Progress.from_job(job)
    if progress.status == "Complete":
        return ExitCode.TASKS_FAILED if progress.failed or job.get("FailureReasons") else ExitCode.COMPLETE
    return ExitCode.JOB_FAILED


class PlainDisplay:
    """One line per change, no control codes (CI logs, pipes)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._last: Progress | None = None

    def update(self, progress: Progress) -> None:  # noqa: D102
        if progress == self._last:
            return
        self._last = progress
        rate, eta = progress.rate(), progress.eta()
        extra = (f", {rate:.1f} tasks/s" if rate else "") + (f", ETA {eta:.0f}s" if eta is not None else "")
        print(f"{progress.status}: {progress.done}/{progress.total} tasks "
              f"({progress.succeeded} succeeded, {progress.failed} failed{extra})", file=self._stream, flush=True)

    def message(self, text: str) -> None:  # noqa: D102
        print(text, file=self._stream, flush=True)

    def close(self) -> None:  # noqa: D102
        pass


class RichDisplay:
    """A rich progress bar: succeeded, failed, total, rate and ETA."""

    def __init__(self, stream: TextIO, job_id: str) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeRemainingColumn

        self._console = Console(file=stream)
        self._bar = Bar(
            # The status comes from the endpoint: plain text, never markup.
            TextColumn("{task.fields[status]:<10}", markup=False), BarColumn(), MofNCompleteColumn(),
            TextColumn("[green]{task.fields[ok]} ok[/] [red]{task.fields[bad]} failed[/] {task.fields[rate]}"),
            TimeRemainingColumn(), console=self._console, transient=False,
        )
        self._task = self._bar.add_task(job_id, total=None, status="", ok=0, bad=0, rate="")
        self._bar.start()

    def update(self, progress: Progress) -> None:  # noqa: D102
        rate = progress.rate()
        self._bar.update(
            self._task, total=progress.total or None, completed=progress.done, status=progress.status,
            ok=progress.succeeded, bad=progress.failed, rate=f"{rate:.1f}/s" if rate else "",
        )

    def message(self, text: str) -> None:  # noqa: D102
        self._bar.console.print(text, markup=False, highlight=False)

    def close(self) -> None:  # noqa: D102
        self._bar.stop()


Display = PlainDisplay | RichDisplay  # where progress goes


def make_display(stream: TextIO, job_id: str) -> Display:
    """A rich bar on a terminal, plain lines otherwise."""
    return RichDisplay(stream, job_id) if stream.isatty() else PlainDisplay(stream)


@dataclass(frozen=True)
class PollSettings:
    """Politeness and patience."""

    min_interval: float
    max_interval: float = 30.0
    timeout: float | None = None
    # A job just created may not be describable yet: AWS's troubleshooting page lists "checking job status
    # immediately after creation before the job is fully registered" among NoSuchJobException's causes and
    # advises retrying with backoff. Within this many seconds of the first poll, not-found means "not yet".
    new_job_grace: float = 0.0
    # What botocore's standard retry mode retries (throttling, 5xx, dropped connections) is retried here, one
    # attempt per call, with backoff for this long in a row: the job keeps running meanwhile, so giving up early
    # would misreport it, and the loop (not botocore) does the retrying so that `timeout` holds between attempts.
    transient_patience: float = 600.0


NEW_JOB_GRACE_S = 60.0


def describe_job(s3control: Any, account_id: str, job_id: str) -> dict[str, Any]:
    """DescribeJob's Job; an unknown job is an input error (exit 3)."""
    try:
        return dict(s3control.describe_job(AccountId=account_id, JobId=job_id)["Job"])
    except ClientError as exc:
        error = exc.response.get("Error", {})
        if error.get("Code") in ("NotFoundException", "NoSuchJob", "NoSuchJobException", "BadRequestException"):
            raise S3BatchError(
                f"job {job_id}: {error.get('Message') or error.get('Code')} (wrong Region or account, or expired after 90 days?)",
                exit_code=ExitCode.INPUT,
            ) from None
        raise


def _explain_suspended(job: dict[str, Any], job_id: str) -> str:
    cause = job.get("SuspendedCause") or "awaiting confirmation"
    return (f"job {job_id} is Suspended ({cause}): it runs only after confirmation: "
            f"`s3batch job confirm {job_id}` (UpdateJobStatus Ready); it fails if left Suspended for 30 days")


def wait_for_job(
    s3control: Any,
    account_id: str,
    job_id: str,
    settings: PollSettings,
    *,
    display: Display,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    until: frozenset[str] | None = None,
) -> dict[str, Any]:
    """Poll until the job's status is in `until` (default: terminal); return the last DescribeJob Job.
    The timeout raises exit 4."""
    stop_at = TERMINAL if until is None else until
    operation = s3control.meta.service_model.operation_model("DescribeJob")  # its modeled retryable errors
    started = clock()
    deadline = None if settings.timeout is None else started + settings.timeout
    interval = settings.min_interval
    told_suspended = False
    last: Progress | None = None
    failing_since: float | None = None
    told_failing_at: float | None = None

    while True:
        moved = False  # progress resets the backoff; anything else lengthens it
        try:
            job = describe_job(s3control, account_id, job_id)
        except S3BatchError:  # not found: fatal, unless the job was created a moment ago
            if clock() - started >= settings.new_job_grace:
                raise
            status = "not describable yet"
        except (ClientError, BotoCoreError) as error:
            now, kind = clock(), _failure_kind(error)
            failing_since = now if failing_since is None else failing_since
            if not standard_mode_retries(error, operation) or now - failing_since >= settings.transient_patience:
                raise S3BatchError(f"job {job_id}: DescribeJob failed: {error}", exit_code=ExitCode.JOB_FAILED) from None
            if told_failing_at is None or now - told_failing_at >= FAILING_NOTICE_S:
                display.message(f"{kind}, retrying… {now - failing_since:.0f} s ({error})")
                told_failing_at = now
            status = f"unknown (DescribeJob is failing: {kind})"
        else:
            if failing_since is not None:
                display.message(f"DescribeJob answers again after {clock() - failing_since:.0f} s")
            failing_since = told_failing_at = None
            progress = Progress.from_job(job)
            display.update(progress)
            if progress.status in stop_at:
                return job
            if progress.status == "Suspended" and not told_suspended:
                display.message(_explain_suspended(job, job_id))
                told_suspended = True
            status, moved = progress.status, progress != last
            last = progress
        interval = settings.min_interval if moved else min(interval * BACKOFF, settings.max_interval)
        if deadline is not None and clock() + interval > deadline:  # sleep up to it, never past: `--timeout` holds
            if clock() < deadline:
                sleep(deadline - clock())
            raise S3BatchError(f"job {job_id} is still {status} after {settings.timeout:g}s", exit_code=ExitCode.TIMEOUT)
        sleep(interval)


FAILING_NOTICE_S = 10.0  # while DescribeJob keeps failing, say so at most this often


def _failure_kind(error: BaseException) -> str:
    """What a failing poll looks like to the user."""
    if isinstance(error, (BotocoreConnectionError, HTTPClientError)):
        return "endpoint unreachable"
    return "DescribeJob failing"


def outcome_lines(job: dict[str, Any]) -> list[str]:
    """A short account of how the job ended, including FailureReasons and StatusUpdateReason."""
    progress = Progress.from_job(job)
    lines = [f"job {job.get('JobId')} {progress.status}: {progress.succeeded} succeeded, {progress.failed} failed "
             f"of {progress.total}"]
    for failure in job.get("FailureReasons") or ():
        lines.append(f"  failure {failure.get('FailureCode')}: {failure.get('FailureReason')}")
    if job.get("StatusUpdateReason") and progress.status != "Complete":
        lines.append(f"  reason: {job['StatusUpdateReason']}")
    return lines
