"""One S3 Batch Operations job: its status machine (the statuses, the moves between them) and the Job entity."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

from s3batch.emulator.service.exceptions import JobStatusException
from s3batch_core.contract import arns


class JobStatus(str, Enum):
    """Every value of the model's `JobStatus` enum (a test holds this list against botocore)."""

    ACTIVE = "Active"
    CANCELLED = "Cancelled"
    CANCELLING = "Cancelling"
    COMPLETE = "Complete"
    COMPLETING = "Completing"
    FAILED = "Failed"
    FAILING = "Failing"
    NEW = "New"
    PAUSED = "Paused"
    PAUSING = "Pausing"
    PREPARING = "Preparing"
    READY = "Ready"
    SUSPENDED = "Suspended"

    @property
    def terminal(self) -> bool:
        return self in TERMINAL


S = JobStatus
TERMINAL = frozenset({S.COMPLETE, S.FAILED, S.CANCELLED})
RUNNING = frozenset({S.ACTIVE, S.PAUSING})  # tasks run: ElapsedTimeInActiveSeconds counts (not while Paused)
# Where a job may go from each status (UG batch-ops-job-status; reference §4.5). Failing is reachable from
# every live status because a job can fail at any stage (manifest, role, threshold, report).
TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
    S.NEW: frozenset({S.PREPARING, S.CANCELLING, S.FAILING}),
    S.PREPARING: frozenset({S.SUSPENDED, S.READY, S.CANCELLING, S.FAILING}),
    S.SUSPENDED: frozenset({S.READY, S.CANCELLING, S.FAILING}),
    S.READY: frozenset({S.ACTIVE, S.CANCELLING, S.FAILING}),
    S.ACTIVE: frozenset({S.COMPLETING, S.PAUSING, S.CANCELLING, S.FAILING}),
    S.PAUSING: frozenset({S.PAUSED, S.ACTIVE, S.CANCELLING, S.FAILING}),  # "Active ⇄ Pausing" (reference §4.5)
    S.PAUSED: frozenset({S.ACTIVE, S.CANCELLING, S.FAILING}),
    S.COMPLETING: frozenset({S.COMPLETE, S.FAILING}),
    S.FAILING: frozenset({S.FAILED}),
    S.CANCELLING: frozenset({S.CANCELLED, S.FAILING}),
    S.COMPLETE: frozenset(),
    S.FAILED: frozenset(),
    S.CANCELLED: frozenset(),
}
# UpdateJobStatus: RequestedJobStatus -> the statuses it may be asked from.
USER_REQUESTS: dict[str, frozenset[JobStatus]] = {
    "Ready": frozenset({S.SUSPENDED}),
    "Cancelled": frozenset({S.NEW, S.PREPARING, S.SUSPENDED, S.READY, S.ACTIVE, S.PAUSING, S.PAUSED}),
}

SUSPENDED_CAUSE = "The job is awaiting confirmation: call UpdateJobStatus with RequestedJobStatus=Ready to run it."
# A job left in Suspended longer than this fails (reference §4.4: "Suspended > 30 days ⇒ job fails"). AWS documents
# no FailureCode for it (UNCONFIRMED): ours names the cause.
SUSPENDED_LIMIT = timedelta(days=30)
SUSPENDED_EXPIRED_CODE = "SuspendedTooLong"
_ECHOED = ("Description", "Manifest", "ManifestGenerator", "Operation", "Report", "RoleArn")  # as CreateJob got them
_LISTED = ("JobId", "Description", "Priority", "Status", "CreationTime", "TerminationDate", "ProgressSummary")


def utcnow() -> datetime:
    """Timezone-aware UTC now (the serializer writes ISO 8601 with Z)."""
    return datetime.now(UTC)


@dataclass
class Job:
    """One job: what CreateJob accepted plus its live state. All mutation happens under `lock`."""

    job_id: str
    account_id: str
    region: str
    request: dict[str, Any]  # CreateJob members other than AccountId, ClientRequestToken and Tags
    confirmation_required: bool
    priority: int
    tags: list[dict[str, str]]
    sequence: int  # creation order, for ListJobs and for FIFO among equal priorities
    clock: Callable[[], datetime] = field(default=utcnow, repr=False)  # the service's clock (tests set a fake one)
    creation_time: datetime = field(init=False)
    status: JobStatus = JobStatus.NEW
    status_update_reason: str | None = None
    failure_reasons: list[dict[str, str]] = field(default_factory=list)
    termination_date: datetime | None = None
    suspended_date: datetime | None = None
    suspended_cause: str | None = None
    generated_manifest: dict[str, Any] | None = None
    total_tasks: int = 0
    succeeded: int = 0
    failed: int = 0
    active_seconds: float = 0.0
    active_since: float | None = None  # monotonic clock while Active
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    changed: threading.Condition = field(init=False, repr=False)
    cancel_requested: bool = False
    pause_requested: bool = False  # the scheduler pre-empts it for a higher-priority job
    abandoned: bool = False  # the backend was reset: the runner must stop and write nothing more

    def __post_init__(self) -> None:
        self.changed = threading.Condition(self.lock)
        self.creation_time = self.clock()

    @property
    def arn(self) -> str:
        return arns.job(self.region, self.account_id, self.job_id)

    @property
    def operation_name(self) -> str:
        return next(iter(self.request["Operation"]))

    def move_to(self, status: JobStatus, *, reason: str | None = None) -> None:
        """Change status along TRANSITIONS; keeps the timers and dates AWS reports in step."""
        with self.lock:
            if status not in TRANSITIONS[self.status]:
                raise JobStatusException(
                    f"Job {self.job_id} cannot move from {self.status.value} to {status.value}"
                )
            now = time.monotonic()
            if self.status in RUNNING and status not in RUNNING and self.active_since is not None:
                self.active_seconds += now - self.active_since
                self.active_since = None
            if status in RUNNING and self.active_since is None:
                self.active_since = now
            if status is S.SUSPENDED:
                self.suspended_date, self.suspended_cause = self.clock(), SUSPENDED_CAUSE
            if status.terminal:
                self.termination_date = self.clock()
            if reason is not None:
                self.status_update_reason = reason[:256]
            self.status = status
            self.changed.notify_all()

    def fail(self, failure_code: str, failure_reason: str) -> None:
        """Failing -> Failed with one FailureReasons entry (lengths as the model bounds them)."""
        with self.lock:
            if self.status.terminal:
                return
            self.add_failure_reason(failure_code, failure_reason)
            if self.status is not S.FAILING:
                self.move_to(S.FAILING)
            self.move_to(S.FAILED, reason="Job failed")

    def add_failure_reason(self, failure_code: str, failure_reason: str) -> None:
        """One FailureReasons entry, cut to the model's lengths (code 1..64, reason 1..256)."""
        with self.lock:
            self.failure_reasons.append(
                {"FailureCode": failure_code[:64] or "Failed", "FailureReason": failure_reason[:256] or "Failed"}
            )

    def progress_summary(self) -> dict[str, Any]:
        with self.lock:
            elapsed = self.active_seconds
            if self.active_since is not None:
                elapsed += time.monotonic() - self.active_since
            return {
                "TotalNumberOfTasks": self.total_tasks,
                "NumberOfTasksSucceeded": self.succeeded,
                "NumberOfTasksFailed": self.failed,
                "Timers": {"ElapsedTimeInActiveSeconds": int(elapsed)},
            }

    def descriptor(self) -> dict[str, Any]:
        """DescribeJob's `Job` (JobDescriptor member names); None members are left out by the serializer."""
        with self.lock:
            return {
                **{name: self.request.get(name) for name in _ECHOED},
                "JobId": self.job_id,
                "ConfirmationRequired": self.confirmation_required,
                "JobArn": self.arn,
                "Status": self.status.value,
                "Priority": self.priority,
                "ProgressSummary": self.progress_summary(),
                "StatusUpdateReason": self.status_update_reason,
                "FailureReasons": list(self.failure_reasons) or None,
                "CreationTime": self.creation_time,
                "TerminationDate": self.termination_date,
                "SuspendedDate": self.suspended_date,
                "SuspendedCause": self.suspended_cause,
                "GeneratedManifestDescriptor": self.generated_manifest,
            }

    def list_descriptor(self) -> dict[str, Any]:
        """ListJobs' JobListDescriptor: DescribeJob's members of the same name, and the operation's name."""
        described = self.descriptor()
        return {**{name: described[name] for name in _LISTED}, "Operation": self.operation_name}
