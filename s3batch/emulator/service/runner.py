"""Drive each job through its lifecycle with the data-plane engine, and schedule jobs by priority.

New -> Preparing (engine.prepare: role, manifest, count) -> Suspended (ConfirmationRequired) -> Ready ->
Active (engine.execute) -> Completing -> Complete; JobFailure -> Failing -> Failed; cancel -> Cancelling ->
Cancelled.

Scheduling: at most `max_active_jobs` jobs are Active at once (default 1); Ready jobs wait and start
highest Priority first (FIFO among equals), so UpdateJobPriority matters while a job waits. When a waiting
job has a strictly higher Priority than a running one and no slot is free, the lowest-priority running job
is pre-empted as on AWS: Active -> Pausing (the engine starts no new task, running ones finish) -> Paused
(its slot goes to the waiting job) -> Active again when it is the best waiter for a free slot, going on
with the next manifest row.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from s3batch.emulator.engine.contract import Engine, ExecutionResult, JobFailure, JobRequest, Prepared
from s3batch.emulator.service.job import SUSPENDED_EXPIRED_CODE, Job, JobStatus

log = logging.getLogger(__name__)
S = JobStatus


class JobProgress:
    """The engine's ProgressSink for one job: counts tasks live for DescribeJob, relays cancel and pause."""

    def __init__(self, job: Job, scheduler: Scheduler) -> None:
        self._job = job
        self._scheduler = scheduler

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

    def pause_requested(self) -> bool:
        return self._job.pause_requested

    def wait_until_resumed(self) -> None:
        """Nothing runs any more: Pausing -> Paused, give the slot up, wait for one -> Active (or a cancel)."""
        job = self._job
        try:
            with job.lock:
                if job.cancel_requested or job.status is not S.PAUSING:
                    return
                job.move_to(S.PAUSED)
            self._scheduler.release(job)
            try:
                self._scheduler.acquire(job)
            except Cancelled:
                return  # the engine sees stop_requested() and ends with the report of what ran
            with job.lock:
                if not job.cancel_requested:
                    job.move_to(S.ACTIVE)
        finally:
            with job.lock:
                job.pause_requested = False


class Cancelled(Exception):
    """The job was cancelled (or the stack reset) while it waited."""


MAX_CLOCK_WAIT_S = 3600.0  # re-read the clock at least hourly while Suspended (the wall clock may jump)


class Scheduler:
    """Starts one runner thread per job and admits Ready jobs to Active by priority.

    `engine` runs the jobs, reaching the stack at `endpoint_url`; a job left Suspended past `suspended_limit` fails.
    """

    def __init__(self, engine: Engine, endpoint_url: str, suspended_limit: timedelta, max_active_jobs: int) -> None:
        if max_active_jobs < 1:
            raise ValueError("max_active_jobs must be at least 1")
        self.engine = engine
        self.endpoint_url = endpoint_url
        self.suspended_limit = suspended_limit
        self._slots = max_active_jobs
        self._waiting: list[Job] = []
        self._running: list[Job] = []  # jobs holding a slot
        self._cond = threading.Condition()
        self._threads: list[threading.Thread] = []

    def start(self, job: Job) -> None:
        thread = threading.Thread(target=JobRunner(self, job).run, name=f"job-{job.job_id}", daemon=True)
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
                    if len(self._running) < self._slots and self._best_waiter() is job:
                        self._running.append(job)
                        job.pause_requested = False  # a resumed job: the pause is over
                        return
                    self._preempt_for_best_waiter()
                    self._cond.wait()
            finally:
                self._waiting.remove(job)
                self._cond.notify_all()

    def release(self, job: Job) -> None:
        """Give `job`'s slot back (no-op if it holds none: a job cancelled while Paused)."""
        with self._cond:
            if job in self._running:
                self._running.remove(job)
            job.pause_requested = False
            self._cond.notify_all()

    def _preempt_for_best_waiter(self) -> None:
        """No free slot and the best waiter outranks a running job: ask the lowest-ranked one to pause.

        One pause at a time: while a job is Pausing, its slot is already on its way to the best waiter.
        """
        best = self._best_waiter()
        if best is None or len(self._running) < self._slots or any(j.pause_requested for j in self._running):
            return
        victim = min(self._running, key=lambda j: (j.priority, -j.sequence))
        if victim.priority >= best.priority:
            return
        with victim.lock:
            if victim.status is S.ACTIVE and not victim.cancel_requested:
                victim.pause_requested = True
                victim.move_to(S.PAUSING)

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

    def __init__(self, scheduler: Scheduler, job: Job) -> None:
        self._scheduler = scheduler
        self._engine = scheduler.engine
        self._job = job

    def run(self) -> None:
        job = self._job
        prepared: Prepared | None = None
        self._handed_over = False  # once execute runs, it removes the job's spooled files itself
        try:
            self._step(S.PREPARING)
            prepared = self._engine.prepare(self._request())
            JobProgress(job, self._scheduler).set_total(prepared.total)  # AWS shows the task count once Preparing is done
            if job.confirmation_required:
                self._step(S.SUSPENDED)
                self._wait_for_confirmation()
            else:
                self._step(S.READY)
            self._run_active(prepared)
        except Cancelled:
            self._finish_cancel()
        except JobFailure as exc:  # from the engine, or a job never confirmed
            self._finish_failure(exc.failure_code, exc.reason)
        except Exception as exc:  # an engine bug must end the job visibly, not hang it in Active
            log.exception("job %s: unexpected error", job.job_id)
            self._finish_failure("InternalError", f"{type(exc).__name__}: {exc}")
        finally:
            if prepared is not None and not self._handed_over:  # cancelled or failed before it ran
                prepared.discard()

    def _request(self) -> JobRequest:
        job = self._job
        return JobRequest(
            job_id=job.job_id,
            account_id=job.account_id,
            region=job.region,
            role_arn=job.request["RoleArn"],
            operation=job.request["Operation"],
            report=job.request["Report"],
            manifest=job.request.get("Manifest"),
            manifest_generator=job.request.get("ManifestGenerator"),
            endpoint_url=self._scheduler.endpoint_url,
        )

    def _step(self, status: JobStatus) -> None:
        """Move on unless a cancel (or reset) arrived meanwhile."""
        with self._job.lock:
            if self._job.cancel_requested:
                raise Cancelled()
            self._job.move_to(status)

    def _wait_for_confirmation(self) -> None:
        """Wait in Suspended for UpdateJobStatus; a job left there longer than the limit fails."""
        job = self._job
        limit = self._scheduler.suspended_limit
        with job.lock:
            while job.status is S.SUSPENDED and not job.cancel_requested:
                assert job.suspended_date is not None
                left = (job.suspended_date + limit - job.clock()).total_seconds()
                if left < 0:
                    raise JobFailure(SUSPENDED_EXPIRED_CODE, f"The job waited in Suspended for more than "
                                     f"{limit.days} days without confirmation (UpdateJobStatus "
                                     "RequestedJobStatus=Ready)")
                job.changed.wait(min(left, MAX_CLOCK_WAIT_S) + 0.001)  # woken by confirm, cancel or service.tick()
            if job.cancel_requested:
                raise Cancelled()

    def _run_active(self, prepared: Prepared) -> None:
        job = self._job
        scheduler = self._scheduler
        scheduler.acquire(job)
        try:
            self._step(S.ACTIVE)
            self._handed_over = True
            result: ExecutionResult = self._engine.execute(prepared, JobProgress(job, scheduler))
        finally:
            scheduler.release(job)
        with job.lock:
            if job.abandoned:
                return
            if job.status is S.PAUSING:  # asked to pause just as its last task ended: nothing left to pause
                job.move_to(S.ACTIVE)
            job.succeeded, job.failed = result.succeeded, result.failed
            job.generated_manifest = result.generated_manifest
            if result.cancelled or job.cancel_requested:
                raise Cancelled()
            failure = result.report_failure
            if failure is not None:  # AWS: the job completes, FailureReasons says the report is missing
                job.add_failure_reason(failure.failure_code, failure.reason)
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
                self._job.fail(code, reason)
