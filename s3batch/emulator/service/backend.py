"""The job service: the per-account, per-Region job store (a moto backend) and the JobsService that owns it.

Semantics live here and in job.py (moto's layout: the API's responses.py only parses and shapes). The backend
never runs a job itself: the scheduler (runner.py) drives each job through the engine
(`s3batch.emulator.engine.execution`), injected as `engine` so the service's tests can use a scripted one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import json
import threading
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from moto.core.base_backend import BackendDict, BaseBackend

from s3batch.emulator.engine.contract import Engine
from s3batch.emulator.service.exceptions import (
    BadRequestException,
    IdempotencyException,
    InvalidNextTokenException,
    JobStatusException,
    NotFoundException,
    TooManyTagsException,
)
from s3batch.emulator.service.job import SUSPENDED_LIMIT, Job, JobStatus, USER_REQUESTS, utcnow
from s3batch.emulator.service.runner import Scheduler
from s3batch_core.contract.create_job import tag_key_problems
from s3batch_core.contract.formats import MAX_JOB_TAGS

S = JobStatus
DEFAULT_MAX_RESULTS = 1000
# "Jobs are automatically deleted 90 days after reaching a terminal state (Complete, Cancelled, or Failed)"
# (User Guide, troubleshooting-batch-operations, NoSuchJobException; ListJobs: "ended within the last 90 days").
JOB_RETENTION = timedelta(days=90)


def request_fingerprint(params: dict[str, Any]) -> str:
    """Identity of a CreateJob request for idempotency: everything but the token itself."""
    material = {k: v for k, v in params.items() if k != "ClientRequestToken"}
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()


class JobsBackend(BaseBackend):
    """Jobs of one account in one Region (jobs are regional, like on AWS)."""

    def __init__(self, region_name: str, account_id: str, *, service: JobsService) -> None:
        super().__init__(region_name, account_id)
        self.service = service
        self.jobs: dict[str, Job] = {}
        self.tokens: dict[str, tuple[str, str]] = {}  # ClientRequestToken -> (fingerprint, JobId)
        self._lock = threading.Lock()

    def create_job(self, params: dict[str, Any]) -> Job:
        """Register the job (or return the earlier one for a replayed token) and start its runner."""
        fingerprint = request_fingerprint(params)
        token = params["ClientRequestToken"]
        self._forget_expired()
        with self._lock:
            if token in self.tokens:
                earlier_fingerprint, job_id = self.tokens[token]
                if earlier_fingerprint != fingerprint:
                    raise IdempotencyException(
                        f"ClientRequestToken {token!r} was already used by job {job_id} with different parameters"
                    )
                return self.jobs[job_id]
            job = Job(
                job_id=str(uuid.uuid4()),
                account_id=self.account_id,
                region=self.region_name,
                request={k: v for k, v in params.items() if k not in {"AccountId", "ClientRequestToken", "Tags"}},
                confirmation_required=params.get("ConfirmationRequired", self.service.confirmation_default),
                priority=params["Priority"],
                tags=list(params.get("Tags") or []),
                sequence=next(self.service.sequence),
                clock=self.service.clock,
            )
            self.jobs[job.job_id] = job
            self.tokens[token] = (fingerprint, job.job_id)
        self.service.scheduler.start(job)
        return job

    def _forget_expired(self) -> None:
        """Drop jobs that ended more than the service's retention ago (and their tokens), as AWS deletes them."""
        cutoff = self.service.clock() - self.service.retention
        with self._lock:
            expired = {job_id for job_id, job in self.jobs.items()
                       if job.termination_date is not None and job.termination_date <= cutoff}
            self.jobs = {job_id: job for job_id, job in self.jobs.items() if job_id not in expired}
            self.tokens = {token: entry for token, entry in self.tokens.items() if entry[1] not in expired}

    def get_job(self, job_id: str) -> Job:
        self._forget_expired()
        job = self.jobs.get(job_id)
        if job is None:
            raise NotFoundException(
                f"The specified job {job_id} was not found in account {self.account_id}, Region {self.region_name}"
            )
        return job

    def list_jobs(
        self, statuses: Iterable[str] | None, max_results: int | None, next_token: str | None
    ) -> tuple[list[Job], str | None]:
        """Newest first; the token is an opaque cursor bound to the status filter."""
        self._forget_expired()
        wanted = sorted(set(statuses or ()))
        after = decode_token(next_token, wanted) if next_token else None
        limit = max_results or DEFAULT_MAX_RESULTS  # MaxResults=0 means "the default", never an empty page
        jobs = sorted(self.jobs.values(), key=lambda j: j.sequence, reverse=True)
        matching = [
            j for j in jobs
            if (not wanted or j.status.value in wanted) and (after is None or j.sequence < after)
        ]
        page = matching[:limit]
        token = encode_token(page[-1].sequence, wanted) if len(matching) > limit else None
        return page, token

    def update_job_status(self, job_id: str, requested: str, reason: str | None) -> Job:
        job = self.get_job(job_id)
        with job.lock:
            allowed_from = USER_REQUESTS[requested]
            if job.status not in allowed_from:
                raise JobStatusException(
                    f"Job {job_id} is {job.status.value}; RequestedJobStatus {requested} is allowed only from "
                    + ", ".join(sorted(s.value for s in allowed_from))
                )
            if requested == "Ready":
                job.move_to(S.READY, reason=reason)
            else:
                job.cancel_requested = True
                job.move_to(S.CANCELLING, reason=reason)
        self.service.scheduler.wake()
        return job

    def update_job_priority(self, job_id: str, priority: int) -> Job:
        job = self.get_job(job_id)
        with job.lock:
            job.priority = priority
        self.service.scheduler.wake()  # waiting jobs are re-ordered by the scheduler
        return job

    def put_job_tagging(self, job_id: str, tags: list[dict[str, str]]) -> None:
        """NotFound first, then at most 50 tags (model doc of PutJobTagging), then unique keys without the reserved
        `aws:` prefix. The tagging operations model no validation error, and the code AWS answers for the keys is
        UNCONFIRMED: BadRequestException, as for every other invalid input."""
        job = self.get_job(job_id)
        if len(tags) > MAX_JOB_TAGS:
            raise TooManyTagsException(f"A job can have at most {MAX_JOB_TAGS} tags; got {len(tags)}")
        problems = tag_key_problems(tags)
        if problems:
            raise BadRequestException(problems[0])
        with job.lock:
            job.tags = list(tags)

    def reset(self) -> None:
        """Called by moto's `BackendDict.reset()` (`POST /moto-api/reset`): abandon every job, drop state."""
        for job in list(self.jobs.values()):
            with job.lock:  # its runner stops at its next check and records nothing more
                job.abandoned = job.cancel_requested = True
                job.changed.notify_all()
        self.jobs.clear()
        self.tokens.clear()


def encode_token(sequence: int, statuses: list[str]) -> str:
    raw = json.dumps({"v": 1, "after": sequence, "statuses": statuses}, separators=(",", ":"))
    return base64.b64encode(raw.encode()).decode()


def decode_token(token: str, statuses: list[str]) -> int:
    try:
        doc = json.loads(base64.b64decode(token, validate=True))
        after = doc["after"]
        ok = doc.get("v") == 1 and isinstance(after, int) and doc.get("statuses") == statuses
    except (binascii.Error, ValueError, KeyError, TypeError):
        ok = False
    if not ok:
        raise InvalidNextTokenException(
            "The NextToken is not valid for this request (it must come from the previous ListJobs call "
            "with the same JobStatuses)"
        )
    return int(after)


class JobsService:
    """The jobs side of one stack: its backends (account -> Region), the engine and the scheduler."""

    def __init__(
        self,
        engine: Engine,
        endpoint_url: str,
        *,
        max_active_jobs: int = 1,
        confirmation_default: bool = True,
        clock: Callable[[], datetime] = utcnow,
        suspended_limit: timedelta = SUSPENDED_LIMIT,
        retention: timedelta = JOB_RETENTION,
    ) -> None:
        self.engine = engine
        self.endpoint_url = endpoint_url
        self.confirmation_default = confirmation_default
        self.clock = clock
        self.retention = retention  # how long a terminal job stays listed and describable
        self.scheduler = Scheduler(engine, endpoint_url, suspended_limit, max_active_jobs)
        self.backends: BackendDict[JobsBackend] = BackendDict(
            partial(JobsBackend, service=self), "s3control", use_boto3_regions=True  # type: ignore[arg-type]
        )
        self.sequence = itertools.count(1)  # creation order (next() on it is atomic under the GIL)

    def backend(self, account_id: str, region: str) -> JobsBackend:
        return self.backends[account_id][region]

    def tick(self) -> None:
        """The clock moved (a test's fake clock): let jobs waiting on it, e.g. in Suspended, look again."""
        for job in self.all_jobs():
            with job.lock:
                job.changed.notify_all()

    def all_jobs(self) -> list[Job]:
        return [job for _, _, backend in self.backends.iter_backends() for job in backend.jobs.values()]  # type: ignore[attr-defined]

    def reset(self, join_timeout: float = 30.0) -> None:
        """Stop every runner (waiting up to `join_timeout` for running tasks to end), then drop all jobs."""
        for _, _, backend in list(self.backends.iter_backends()):
            backend.reset()  # type: ignore[attr-defined]
        self.scheduler.join_all(join_timeout)

    def shutdown(self, join_timeout: float = 30.0) -> None:
        self.reset(join_timeout)
        self.engine.shutdown()

