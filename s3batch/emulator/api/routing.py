"""Which requests are job API calls, and which operation each one is: derived from the s3control model.

Only the eight job operations are ours; every other path (S3, IAM, Lambda, other S3 Control calls such as
access points) goes to moto.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from moto.core.model import OperationModel
from moto.core.responses import get_service_model

JOB_OPERATIONS: tuple[str, ...] = ("CreateJob", "DescribeJob", "ListJobs", "UpdateJobStatus", "UpdateJobPriority",
                                   "GetJobTagging", "PutJobTagging", "DeleteJobTagging")
JOBS_PATH = re.compile(r"^/v20180820/jobs(/|$)")


@dataclass(frozen=True)
class Route:
    operation: OperationModel
    url_params: dict[str, str]


def is_jobs_path(path: str) -> bool:
    """True for `/v20180820/jobs` and everything below it."""
    return bool(JOBS_PATH.match(path))


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[str, re.Pattern[str], OperationModel], ...]:
    model = get_service_model("s3control")
    rows = []
    for name in JOB_OPERATIONS:
        op = model.operation_model(name)
        template = op.http["requestUri"].split("?")[0]
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        rows.append((op.http["method"], re.compile(f"^{pattern}/?$"), op))
    return tuple(rows)


def resolve(method: str, path: str) -> Route | None:
    """The job operation for this method and path, with its URI parameters; None if there is none."""
    for op_method, pattern, op in _table():
        match = pattern.match(path)
        if match and op_method == method:
            return Route(op, match.groupdict())
    return None


def allowed_methods(path: str) -> list[str]:
    """Methods that some job operation accepts on this path (for a 405 answer)."""
    return sorted({m for m, pattern, _ in _table() if pattern.match(path)})
