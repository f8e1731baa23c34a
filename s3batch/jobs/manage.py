"""Job management calls: list (NextToken loop: boto3 has no ListJobs paginator), confirm, cancel, priority."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from botocore.exceptions import ClientError

from s3batch_core.errors import InputError
from s3batch.jobs.spec import enum_values

def job_statuses() -> tuple[str, ...]:
    """Valid JobStatus values, from the model."""
    return enum_values("JobStatus")


def list_jobs(s3control: Any, account_id: str, statuses: Sequence[str] = (), page_size: int = 1000) -> Iterator[dict[str, Any]]:
    """Every job (optionally only in `statuses`), following NextToken."""
    kwargs: dict[str, Any] = {"AccountId": account_id, "MaxResults": page_size}
    if statuses:
        kwargs["JobStatuses"] = list(statuses)
    while True:
        page = s3control.list_jobs(**kwargs)
        yield from page.get("Jobs", ())
        token = page.get("NextToken")
        if not token:
            return
        kwargs["NextToken"] = token


def _call(what: str, job_id: str, call: Any, **kwargs: Any) -> dict[str, Any]:
    try:
        return dict(call(**kwargs))
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = error.get("Code", "error")
        hint = {
            "JobStatusException": " (the job is not in a state that allows this)",
            "NotFoundException": " (wrong Region or account?)",
        }.get(code, "")
        raise InputError(f"{what} {job_id}: {code}: {error.get('Message', '')}{hint}") from None


def confirm_job(s3control: Any, account_id: str, job_id: str) -> dict[str, Any]:
    """Move a Suspended job to Ready (UpdateJobStatus Ready): the second person's step."""
    return _call("confirm", job_id, s3control.update_job_status, AccountId=account_id, JobId=job_id, RequestedJobStatus="Ready")


def cancel_job(s3control: Any, account_id: str, job_id: str, reason: str | None = None) -> dict[str, Any]:
    """Ask S3 to cancel a job (UpdateJobStatus Cancelled)."""
    kwargs: dict[str, Any] = {"AccountId": account_id, "JobId": job_id, "RequestedJobStatus": "Cancelled"}
    if reason:
        kwargs["StatusUpdateReason"] = reason[:256]
    return _call("cancel", job_id, s3control.update_job_status, **kwargs)


def set_priority(s3control: Any, account_id: str, job_id: str, priority: int) -> dict[str, Any]:
    return _call("priority", job_id, s3control.update_job_priority, AccountId=account_id, JobId=job_id, Priority=priority)
