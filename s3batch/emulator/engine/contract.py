"""What the job service and the engine exchange, typed in one place.

The service (`s3batch.emulator.service.runner`) hands the engine a `JobRequest` while the job is Preparing and gets
back a `Prepared` job; while the job is Active it calls `execute` with a `ProgressSink` and gets an
`ExecutionResult`. A job-level failure is a `JobFailure` (failures.py) raised by either call. The real engine is
`s3batch.emulator.engine.execution`; the service's tests use a scripted one with these same types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from s3batch.emulator.engine.failures import JobFailure

__all__ = ["Engine", "ExecutionResult", "JobFailure", "JobRequest", "Prepared", "ProgressSink"]


@dataclass(frozen=True)
class JobRequest:
    """What CreateJob accepted; dict values use botocore member names."""

    job_id: str
    account_id: str
    region: str
    role_arn: str
    operation: dict
    report: dict
    manifest: dict | None
    manifest_generator: dict | None
    endpoint_url: str


class ProgressSink(Protocol):
    def set_total(self, total: int) -> None: ...
    def task_finished(self, succeeded: bool) -> None: ...
    def stop_requested(self) -> bool: ...          # cancel asked: start no new task, end once running ones end
    def pause_requested(self) -> bool: ...         # pause asked: start no new task …
    def wait_until_resumed(self) -> None: ...      # … and once none runs, block here until resumed (or cancelled)


class Prepared(Protocol):
    """A job ready to run: its task count (shown once Preparing is done) and its spooled files."""

    @property
    def total(self) -> int: ...

    def discard(self) -> None:
        """Drop what prepare spooled, for a job that will not run (cancelled or failed before Active)."""


@dataclass
class ExecutionResult:
    """What `execute` did. `report_failure` is set when the report could not be written (job still ends)."""

    succeeded: int
    failed: int
    report_keys: list[str] = field(default_factory=list)
    generated_manifest: dict | None = None
    cancelled: bool = False
    report_failure: JobFailure | None = None


class Engine(Protocol):
    """The data plane; `execute` gets back what this engine's own `prepare` returned."""

    def supported_operations(self) -> frozenset[str]: ...
    def prepare(self, request: JobRequest) -> Prepared: ...
    def execute(self, prepared: Prepared, progress: ProgressSink) -> ExecutionResult: ...
    def shutdown(self) -> None: ...
