"""Drive each job through its lifecycle with the data-plane engine, and schedule jobs by priority.

New -> Preparing (engine.prepare: role, manifest, count) -> Suspended (ConfirmationRequired) -> Ready ->
Active (engine.execute) -> Completing -> Complete; JobFailure -> Failing -> Failed; cancel -> Cancelling ->
Cancelled.

Scheduling: at most `max_active_jobs` jobs are Active at once (default 1); Ready jobs wait and start
highest Priority first (FIFO among equals), so UpdateJobPriority matters while a job waits. A running job
is never pre-empted: AWS pauses a job only to make room for higher-priority work, and the engine's
interface has no pause, so Pausing/Paused are never reached here (documented in docs/emulator.md).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from s3batch.emulator.models import Job, JobStatus

if TYPE_CHECKING:
    from s3batch.emulator.models import JobsService

log = logging.getLogger(__name__)
S = JobStatus


class JobProgress:
    """The engine's ProgressSink for one job: counts tasks live for DescribeJob, relays cancellation."""

    def __init__(self, job: Job) -> None:
        self._job = job

    def set_total(self, total: int) -> None:
        with self._job.lock:
            if not self._job.abandoned:
                self._job.total_tasks = int(total)

    def task_finished(self, succeeded: bool) -> None:
        with self._job.lock:
            if self._job.abandoned:
                return
            if succeeded:
                self._job.succeeded += 1
            else:
                self._job.failed += 1

    def stop_requested(self) -> bool:
        return self._job.cancel_requested


class Cancelled(Exception):
    """The job was cancelled (or the stack reset) while it waited."""


class Scheduler:
    """Starts one runner thread per job and admits Ready jobs to Active by priority."""

    def __init__(self, service: "JobsService", max_active_jobs: int) -> None:
        if max_active_jobs < 1:
            raise ValueError("max_active_jobs must be at least 1")
        self._service = service
        self._slots = max_active_jobs
        self._active = 0
        self._waiting: list[Job] = []
        self._cond = threading.Condition()
        self._threads: list[threading.Thread] = []

    def start(self, job: Job) -> None:
        thread = threading.Thread(target=JobRunner(self._service, job).run, name=f"job-{job.job_id}", daemon=True)
        with self._cond:
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
        thread.start()

    def wake(self) -> None:
        """Re-evaluate waiters (a priority changed, a job was confirmed or cancelled)."""
        with self._cond:
            self._cond.notify_all()

    def acquire(self, job: Job) -> None:
        """Block until `job` is the best waiting job and a slot is free; Cancelled if it is cancelled first."""
        with self._cond:
            self._waiting.append(job)
            try:
                while True:
                    if job.cancel_requested:
                        raise Cancelled()
                    if self._active < self._slots and self._best_waiter() is job:
                        self._active += 1
                        return
                    self._cond.wait()
            finally:
                self._waiting.remove(job)
                self._cond.notify_all()

    def release(self) -> None:
        with self._cond:
            self._active -= 1
            self._cond.notify_all()

    def _best_waiter(self) -> Job | None:
        live = [j for j in self._waiting if not j.cancel_requested]
        return min(live, key=lambda j: (-j.priority, j.sequence), default=None)

    def join_all(self, timeout: float) -> list[str]:
        """Wait for every runner to end (they were told to stop); returns the names of those still running."""
        self.wake()
        deadline = time.monotonic() + timeout
        with self._cond:
            threads = list(self._threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        stuck = [t.name for t in threads if t.is_alive()]
        with self._cond:
            self._threads = [t for t in self._threads if t.is_alive()]
        if stuck:
            log.warning("job runners still busy after reset: %s", ", ".join(stuck))
        return stuck


class JobRunner:
    """Runs one job from New to a terminal status."""

    def __init__(self, service: "JobsService", job: Job) -> None:
        self._service = service
        self._engine = service.engine
        self._job = job

    def run(self) -> None:
        job = self._job
        prepared: Any = None
        self._handed_over = False  # once execute runs, it removes the job's spooled files itself
        try:
            self._step(S.PREPARING)
            prepared = self._engine.prepare(self._request())
            total = getattr(prepared, "total", None)  # AWS shows the task count once Preparing is done
            if isinstance(total, int):
                JobProgress(job).set_total(total)
            if job.confirmation_required:
                self._step(S.SUSPENDED)
                self._wait_for_confirmation()
            else:
                self._step(S.READY)
            self._run_active(prepared)
        except Cancelled:
            self._finish_cancel()
        except self._engine.JobFailure as exc:
            self._finish_failure(getattr(exc, "failure_code", "JobFailed"), getattr(exc, "reason", str(exc)))
        except Exception as exc:  # an engine bug must end the job visibly, not hang it in Active
            log.exception("job %s: unexpected error", job.job_id)
            self._finish_failure("InternalError", f"{type(exc).__name__}: {exc}")
        finally:
            if prepared is not None and not self._handed_over:
                discard = getattr(prepared, "discard", None)  # cancelled or failed before it ran
                if callable(discard):
                    discard()

    def _request(self) -> Any:
        job = self._job
        return self._engine.JobRequest(
            job_id=job.job_id,
            account_id=job.account_id,
            region=job.region,
            role_arn=job.request["RoleArn"],
            operation=job.request["Operation"],
            report=job.request["Report"],
            manifest=job.request.get("Manifest"),
            manifest_generator=job.request.get("ManifestGenerator"),
            endpoint_url=self._service.endpoint_url,
        )

    def _step(self, status: JobStatus) -> None:
        """Move on unless a cancel (or reset) arrived meanwhile."""
        with self._job.lock:
            if self._job.cancel_requested:
                raise Cancelled()
            self._job.move_to(status)

    def _wait_for_confirmation(self) -> None:
        job = self._job
        with job.lock:
            while job.status is S.SUSPENDED and not job.cancel_requested:
                job.changed.wait()
            if job.cancel_requested:
                raise Cancelled()

    def _run_active(self, prepared: Any) -> None:
        job = self._job
        self._service.scheduler.acquire(job)
        try:
            self._step(S.ACTIVE)
            self._handed_over = True
            result = self._engine.execute(prepared, JobProgress(job))
        finally:
            self._service.scheduler.release()
        with job.lock:
            if job.abandoned:
                return
            job.succeeded = int(getattr(result, "succeeded", job.succeeded))
            job.failed = int(getattr(result, "failed", job.failed))
            job.generated_manifest = getattr(result, "generated_manifest", None)
            if getattr(result, "cancelled", False) or job.cancel_requested:
                raise Cancelled()
            report_failure = getattr(result, "report_failure", None)
            if report_failure is not None:  # AWS: the job completes, FailureReasons says the report is missing
                job.add_failure_reason(str(getattr(report_failure, "failure_code", "ReportWriteFailed")),
                                       str(getattr(report_failure, "reason", report_failure)))
            job.move_to(S.COMPLETING)
            job.move_to(S.COMPLETE)

    def _finish_cancel(self) -> None:
        job = self._job
        with job.lock:
            if job.abandoned or job.status.terminal:
                return
            if job.status is not S.CANCELLING:
                job.move_to(S.CANCELLING)
            job.move_to(S.CANCELLED)

    def _finish_failure(self, code: str, reason: str) -> None:
        with self._job.lock:
            if not self._job.abandoned:
                self._job.fail(str(code), str(reason))
