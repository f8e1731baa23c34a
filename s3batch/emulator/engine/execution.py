"""The emulator's data plane: prepare a job (role, manifest) and execute its tasks, writing the report.

The job service (service/runner.py) calls `prepare` while the job is Preparing and `execute` while it is
Active; both raise `JobFailure` for job-level failures (the types they exchange: contract.py). Everything is
reached over HTTP with boto3 through the stack's own endpoint, so the engine behaves the same whatever runs the
stack.

Task dispatch: threads pull rows from the streamed manifest, so memory stays flat whatever the manifest size —
8 for S3 operations, each running its row; one for LambdaInvoke, which keeps rows started on every worker of the
pool through the operation's dispatcher. Each finished task goes straight to the report's local files and to the
ProgressSink. Every manifest row is reported exactly once: a task whose runner raises is reported failed (500
InternalError), never dropped.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from s3batch.emulator.engine import lambda_runtime, operations, role_check
from s3batch.emulator.engine import manifest as manifests
from s3batch_core.contract.manifest_rules import decode_key
from s3batch.emulator.engine.clients import stack_client
from s3batch.emulator.engine.contract import ExecutionResult, JobRequest, ProgressSink
from s3batch.emulator.engine.failures import (
    ACCESS_DENIED,
    INVALID_MANIFEST,
    OBJECT_LOCK_NOT_ENABLED,
    REPORT_WRITE_FAILED,
    THRESHOLD_EXCEEDED,
    JobFailure,
)
from s3batch.emulator.engine.lambda_invoke import LambdaDispatcher, LambdaInvoke
from s3batch.emulator.engine.report import ReportConfig, ReportWriter
from s3batch.emulator.engine.s3_operations import S3Operation
from s3batch_core.contract.report import TaskResult
from s3batch_core.iam.catalogue import JobScope, Requirement, scope_resources
from s3batch_core.iam.catalogue.build import inventory_data_pattern
from s3batch_core.iam.role import batch_context

__all__ = ["PreparedJob", "execute", "prepare", "shutdown", "supported_operations"]

THRESHOLD_MIN_TASKS = 1000  # reference §4.6: monitored once at least 1,000 tasks ran …
THRESHOLD_RATE = 0.5        # … and the job fails when the failure rate exceeds 50 %
REPORT_DENIED = "The job report could not be written to your report bucket. Please check your permissions."


@dataclass
class PreparedJob:
    """A job whose role and manifest passed: the spooled manifest, its size, the operation ready to run."""

    request: JobRequest
    manifest: manifests.Manifest
    total: int
    versioned: bool
    workdir: Path
    operation: LambdaInvoke | S3Operation
    stop: threading.Event
    access: role_check.RoleAccess | None = None
    job_level_denial: TaskResult | None = None   # e.g. lambda:InvokeFunction denied: every task fails with it
    report_denial: str | None = None             # report write denied: our reason, checked before upload
    generated_manifest: dict | None = None

    def discard(self) -> None:
        """Drop the spooled files of a job that will not run (cancelled while Suspended/Ready)."""
        shutil.rmtree(self.workdir, ignore_errors=True)


def supported_operations() -> frozenset[str]:
    """Operations the engine runs; CreateJob refuses any other with BadRequestException."""
    return operations.SUPPORTED


def shutdown() -> None:
    """Stop the warm Lambda worker processes (`local down`, tests)."""
    lambda_runtime.shutdown_pools()


def _client(service: str, request: JobRequest) -> Any:
    return stack_client(service, request.endpoint_url, request.region)


# ---------------------------------------------------------------------------------------------------
# prepare


def prepare(request: JobRequest) -> PreparedJob:
    """Check the role, read and count the manifest, get the operation ready; JobFailure on any problem."""
    workdir = manifests.new_workdir()
    try:
        return _prepare(request, workdir)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise


def _prepare(request: JobRequest, workdir: Path) -> PreparedJob:
    name = operations.operation_name(request.operation)
    context = batch_context(account_id=request.account_id, region=request.region, role_arn=request.role_arn,
                            job_id=request.job_id)
    trust, policies = role_check.load_role(_client("iam", request), request.role_arn)
    role_check.check_trust(request.role_arn, trust, context)
    s3 = _client("s3", request)
    generated = None
    if request.manifest_generator:
        generator = request.manifest_generator.get("S3JobManifestGenerator") or {}
        access = _access(request, name, policies, context, _generator_scope(generator))
        _check_manifest_read(access)  # generator: source listing and manifest output
        manifest, generated = manifests.generate_manifest(s3, generator, request.job_id, workdir)
    else:
        job_manifest = request.manifest or {}
        spec, location = job_manifest.get("Spec", {}), job_manifest.get("Location", {})
        access = _access(request, name, policies, context, _manifest_scope(spec, location))
        _check_manifest_read(access)
        if spec.get("Format") == manifests.INVENTORY_FORMAT:
            manifest = manifests.load_inventory_manifest(s3, location, workdir)
            _check_data_file_reads(access, manifest)  # where manifest.json says (destinationBucket), not by path
        elif spec.get("Format") == manifests.CSV_FORMAT:
            manifest = manifests.load_csv_manifest(s3, spec, location, workdir)
        else:
            raise JobFailure(INVALID_MANIFEST, f"Manifest Spec.Format {spec.get('Format')!r} is not supported")
    total, versioned, buckets = manifests.survey_tasks(manifest)
    if total == 0:
        raise JobFailure(INVALID_MANIFEST, f"The manifest {manifest.object_arn} lists no objects")
    _check_one_bucket(name, manifest.object_arn, buckets)
    if name in OBJECT_LOCK_OPERATIONS:
        _check_object_lock(s3, name, buckets[0])
    access = _with_objects(access, versioned, buckets[0])
    job_denial, report_denial = _job_level_denials(access, request.job_id)
    report_denial = report_denial or _report_owner_mismatch(request)
    stop = threading.Event()
    operation = operations.build_operation(request.operation, request.job_id, request.account_id, request.region,
                                           request.endpoint_url, stop)
    return PreparedJob(request, manifest, total, versioned, workdir, operation, stop, access, job_denial,
                       report_denial, generated)


# User Guide, batch-ops-legal-hold / batch-ops-retention-date / batch-ops-copy-object: "All objects listed in the
# manifest must be in the same bucket" ("All source objects must be in one bucket"); for the Object Lock ones
# "Batch Operations verifies that Object Lock is enabled on your bucket before processing any keys". What AWS
# does when either fails is undocumented: the safe reading fails the job before any task, naming the cause.
ONE_BUCKET_OPERATIONS = frozenset({"S3PutObjectLegalHold", "S3PutObjectRetention", "S3PutObjectCopy"})
OBJECT_LOCK_OPERATIONS = frozenset({"S3PutObjectLegalHold", "S3PutObjectRetention"})


def _check_one_bucket(operation: str, manifest_arn: str, buckets: list[str]) -> None:
    if operation in ONE_BUCKET_OPERATIONS and len(buckets) > 1:
        raise JobFailure(INVALID_MANIFEST, f"{operation} needs every object of the manifest in one bucket; "
                         f"{manifest_arn} names {buckets[0]} and {buckets[1]}")


def _check_object_lock(s3: Any, operation: str, bucket: str) -> None:
    try:
        config = s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        raise JobFailure(OBJECT_LOCK_NOT_ENABLED, f"{operation}: cannot read the Object Lock configuration of "
                         f"bucket {bucket} ({code}); Object Lock must be enabled on it") from None
    if config.get("ObjectLockEnabled") != "Enabled":
        raise JobFailure(OBJECT_LOCK_NOT_ENABLED, f"{operation}: Object Lock is not enabled on bucket {bucket}")


def _with_objects(access: role_check.RoleAccess, versioned: bool, bucket: str) -> role_check.RoleAccess:
    """The access with the manifest's facts: version ids or not, and the bucket its objects are in."""
    try:
        scope = replace(access.scope, versioned=versioned, bucket=access.scope.bucket or bucket)
    except ValueError:  # a first row naming an impossible bucket: that row fails on its own
        scope = replace(access.scope, versioned=versioned)
    return replace(access, scope=scope)


def _manifest_scope(spec: dict, location: dict) -> dict[str, Any]:
    """JobScope fields describing a given manifest (exact key; inventory data files derived by the catalogue).

    An inventory manifest.json outside S3 Inventory's layout (copied elsewhere) has no derivable data-file
    location: its own key is checked here, its data files once manifest.json names them.
    """
    bucket, key = manifests.split_object_arn(str(location.get("ObjectArn", "")))
    inventory = spec.get("Format") == manifests.INVENTORY_FORMAT
    if inventory:
        try:
            inventory_data_pattern(key)
        except ValueError:
            inventory = False
    return {"manifest_bucket": bucket, "manifest_key": key, "manifest_format": "inventory" if inventory else "csv"}


def _check_data_file_reads(access: role_check.RoleAccess, manifest: manifests.Manifest) -> None:
    """JobFailure when the role may not read a data file an inventory manifest.json lists."""
    _check_manifest_read(access, [Requirement("s3:GetObject", f"arn:{access.scope.partition}:s3:::"
                                              f"{file.name.removeprefix('s3://')}", "read the manifest")
                                  for file in manifest.files])


def _generator_scope(generator: dict) -> dict[str, Any]:
    """JobScope fields of a ManifestGenerator job: the source bucket and the output location's prefix."""
    output = generator.get("ManifestOutputLocation") or {}
    source = manifests.bucket_name(str(generator.get("SourceBucket", "")))
    return {"manifest_bucket": manifests.bucket_name(str(output.get("Bucket", ""))) or source,
            "manifest_key": (output.get("ManifestPrefix") or "") + "*", "manifest_generator": True,
            "bucket": source}


def _access(request: JobRequest, operation: str, policies: list[tuple[str, dict]], context: dict[str, str],
            manifest_fields: dict[str, Any]) -> role_check.RoleAccess:
    """The role with its policies and the job's JobScope (s3batch_core.iam.catalogue decides what is required)."""
    report = ReportConfig.from_request(request.report)
    fields = {
        "operation": operation,
        "report_bucket": report.bucket or manifest_fields["manifest_bucket"],
        "report_prefix": report.prefix or "",
        "region": request.region,
        **scope_resources(operation, request.operation.get(operation) or {}),
        **manifest_fields,
    }
    try:
        scope = JobScope(**fields)
    except ValueError as error:
        raise JobFailure(INVALID_MANIFEST, f"Cannot check the job role's permissions: {error}") from None
    return role_check.RoleAccess(request.role_arn, policies, scope, context)


def _check_manifest_read(access: role_check.RoleAccess, requirements: list[Any] | None = None) -> None:
    """JobFailure when the role may not read (or, for a generator, produce) the manifest, or meet `requirements`."""
    missing = access.manifest_denials() if requirements is None else access.denials(requirements)
    if missing:
        doing = "Generating" if access.scope.manifest_generator else "Reading"
        raise JobFailure(ACCESS_DENIED, f"{doing} the manifest is forbidden: AccessDenied. The job role lacks "
                         + role_check.describe(missing))


def _report_owner_mismatch(request: JobRequest) -> str | None:
    """Report.ExpectedBucketOwner names another account than the one owning every bucket of the stack."""
    expected = request.report.get("ExpectedBucketOwner")
    if request.report.get("Enabled") and expected and expected != request.account_id:
        return (f"{REPORT_DENIED} The report bucket is owned by account {request.account_id}, "
                f"not by Report.ExpectedBucketOwner {expected}.")
    return None


def _job_level_denials(access: role_check.RoleAccess, job_id: str) -> tuple[TaskResult | None, str | None]:
    """(denial every task inherits, report-write denial reason) from the job-level requirements."""
    report, others = access.run_denials(job_id)
    return (role_check.denied_result(others) if others else None,
            f"{REPORT_DENIED} The job role lacks {role_check.describe(report)}" if report else None)


# ---------------------------------------------------------------------------------------------------
# execute


class _Run:
    """Counters and the stop decision of one execution (shared by the dispatch threads)."""

    def __init__(self, prepared: PreparedJob, progress: ProgressSink, report: ReportWriter) -> None:
        self.prepared = prepared
        self.progress = progress
        self.report = report
        self.tasks = manifests.iter_tasks(prepared.manifest)
        self.tasks_lock = threading.Condition()  # guards the manifest iterator and the pause state below
        self.in_flight = 0                       # tasks taken but not yet recorded
        self.pausing = False                     # one dispatch thread is leading a pause
        self.pause_epoch = 0                     # bumped when a pause ends, to release the others
        self.count_lock = threading.Lock()
        self.succeeded = 0
        self.failed = 0
        self.cancelled = False
        self.threshold_hit = False
        self.error: BaseException | None = None

    def next_task(self, wait: bool = True) -> manifests.Task | None:
        """The next row, or None when there is none or the job stops; while a pause is asked, None without
        `wait` (a thread with tasks in flight finishes them first), else pause here until resumed."""
        while True:
            if self.prepared.stop.is_set():
                return None
            if self.progress.stop_requested():
                self.cancelled = True
                self.prepared.stop.set()
                return None
            with self.tasks_lock:
                if not self.pausing and not self.progress.pause_requested():
                    task = next(self.tasks, None)
                    self.in_flight += task is not None
                    return task
            if not wait:
                return None
            self.pause()

    def task_done(self) -> None:
        with self.tasks_lock:
            self.in_flight -= 1
            if self.in_flight == 0:
                self.tasks_lock.notify_all()

    def pause(self) -> None:
        """Pause asked: the first thread here waits until no task runs, then for the resume, for all threads."""
        with self.tasks_lock:
            if self.pausing:  # another thread leads this pause: wait for it to end
                epoch = self.pause_epoch
                while self.pause_epoch == epoch:
                    self.tasks_lock.wait()
                return
            self.pausing = True
            while self.in_flight:
                self.tasks_lock.wait()
        try:
            if not self.prepared.stop.is_set():
                self.progress.wait_until_resumed()  # returns on resume or on cancel (stop_requested says which)
        finally:
            with self.tasks_lock:
                self.pausing = False
                self.pause_epoch += 1
                self.tasks_lock.notify_all()

    def start_task(self, start: Callable[[manifests.Task], Any], task: manifests.Task) -> Any:
        """The task's result if decided without running it (or `start` raised), else what `start(task)` returned."""
        prepared = self.prepared
        if prepared.versioned and task.version_id == "":
            return operations.MISSING_VERSION
        if prepared.job_level_denial is not None:
            return prepared.job_level_denial
        if prepared.access is not None:
            denial = prepared.access.task_denial(task.bucket, decode_key(task.key), task.version_id)
            if denial is not None:
                return denial
        try:
            return start(task)
        except Exception as error:  # noqa: BLE001 - a task is always reported, whatever its runner did
            return _internal_error(error)

    def record(self, task: manifests.Task, result: TaskResult) -> None:
        self.report.add(task.bucket, task.key, task.version_id, result)
        with self.count_lock:
            if result.succeeded:
                self.succeeded += 1
            else:
                self.failed += 1
            ran = self.succeeded + self.failed
            if ran >= THRESHOLD_MIN_TASKS and self.failed > ran * THRESHOLD_RATE and not self.threshold_hit:
                self.threshold_hit = True
                self.prepared.stop.set()
        self.progress.task_finished(result.succeeded)

    def finish(self, task: manifests.Task, result: TaskResult | Exception) -> None:
        """Record a taken task (a runner's exception as a failed task) and count it done."""
        try:
            self.record(task, result if isinstance(result, TaskResult) else _internal_error(result))
        finally:
            self.task_done()

    def dispatch(self) -> None:
        """One dispatch thread: its rows one after another, or every row through the operation's dispatcher."""
        operation = self.prepared.operation
        if isinstance(operation, LambdaInvoke):
            self.multiplex(operation.dispatcher())
            return
        try:
            while (task := self.next_task()) is not None:
                try:
                    result = self.start_task(operation.run, task)
                except BaseException:
                    self.task_done()  # the job fails; no thread may wait for this task in a pause
                    raise
                self.finish(task, result)
        except BaseException as error:  # noqa: BLE001 - surfaced by execute after the join
            self.error = error
            self.prepared.stop.set()

    def multiplex(self, dispatcher: LambdaDispatcher) -> None:
        """Every row from this one thread through `dispatcher` (LambdaInvoke): rows are started while it has room,
        then the ones that ended are recorded; a pause waits between rows with none in flight and no worker held."""
        running: dict[Any, manifests.Task] = {}  # started on the dispatcher, not ended yet
        try:
            while True:
                no_more_rows = False
                while dispatcher.room():
                    if not running:
                        dispatcher.release()  # nothing in flight: hold no worker while paused (or at the end)
                    task = self.next_task(wait=not running)
                    if task is None:
                        no_more_rows = not running  # else: a pause or stop waits for the running ones first
                        break
                    started = self.start_task(dispatcher.start, task)
                    if isinstance(started, TaskResult):
                        self.finish(task, started)
                    else:
                        running[started] = task
                if no_more_rows:
                    break
                for handle, result in dispatcher.wait():
                    self.finish(running.pop(handle), result)
        except BaseException as error:  # noqa: BLE001 - surfaced by execute after the join
            self.error = error
            self.prepared.stop.set()
            for _ in running:  # the job fails; no thread may wait for these in a pause
                self.task_done()
        finally:
            dispatcher.close()


def _internal_error(error: Exception) -> TaskResult:
    return TaskResult(False, 500, "InternalError", f"{type(error).__name__}: {error}")


def execute(prepared: PreparedJob, progress: ProgressSink) -> ExecutionResult:
    """Run every task, write the report, and return the counts; JobFailure when the threshold trips.

    Cancel (`progress.stop_requested()`): no new task starts, running ones finish, and the report of
    what ran is written (AWS writes a report for a Cancelled job if at least one task ran).
    Pause (`progress.pause_requested()`): no new task starts; once running ones finished, execute blocks in
    `progress.wait_until_resumed()` and then goes on with the next manifest row (or stops if cancelled).
    """
    request = prepared.request
    report = ReportWriter(ReportConfig.from_request(request.report), request.job_id, prepared.workdir)
    progress.set_total(prepared.total)
    run = _Run(prepared, progress, report)
    try:
        threads = [threading.Thread(target=run.dispatch, name=f"s3batch-job-{request.job_id}-{i}", daemon=True)
                   for i in range(prepared.operation.threads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if run.error is not None:
            raise run.error
        result = ExecutionResult(run.succeeded, run.failed, generated_manifest=prepared.generated_manifest,
                                 cancelled=run.cancelled)
        report.close()
        if run.succeeded + run.failed and report.config.enabled:
            _write_report(prepared, report, result)
    finally:
        prepared.operation.close()
        prepared.discard()
    if run.threshold_hit:
        ran = run.succeeded + run.failed
        raise JobFailure(THRESHOLD_EXCEEDED, f"Job failed: {run.failed} of the {ran} tasks run so far failed, more "
                         f"than 50% after at least {THRESHOLD_MIN_TASKS} tasks")
    return result


def _write_report(prepared: PreparedJob, report: ReportWriter, result: ExecutionResult) -> None:
    if prepared.report_denial:
        result.report_failure = JobFailure(REPORT_WRITE_FAILED, prepared.report_denial)
        return
    try:
        result.report_keys = report.upload(_client("s3", prepared.request))
    except (ClientError, BotoCoreError) as error:
        detail = error.response.get("Error", {}).get("Code", "") if isinstance(error, ClientError) else str(error)
        result.report_failure = JobFailure(REPORT_WRITE_FAILED, f"{REPORT_DENIED} ({detail})")
