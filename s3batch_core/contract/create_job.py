"""CreateJob's rules beyond botocore's model, in one home: the emulator answers them with BadRequestException,
the job tooling refuses the request before anything is uploaded (exit 3). Each function returns problems, every
one naming the member at fault; each side turns them into its own error.

Sources: the s3control model's documentation of CreateJob, LambdaInvokeOperation and PutJobTagging (50 tags);
the reserved `aws:` tag prefix from the Billing User Guide's User-Defined Tag Restrictions, which PutJobTagging's
documentation points to.
"""

from __future__ import annotations

from typing import Any

from s3batch_core.contract.formats import MAX_JOB_TAGS
from s3batch_core.contract.operation_rules import operation_problem

RESERVED_TAG_PREFIX = "aws:"
LAMBDA_SCHEMA_VERSIONS = ("1.0", "2.0")


def chosen_operations(operation: dict[str, Any] | None) -> list[str]:
    return [name for name, value in (operation or {}).items() if value is not None]


def operation_problems(operation: dict[str, Any] | None) -> list[str]:
    """Exactly one operation; LambdaInvoke's function and schema version; the operation's own rules."""
    chosen = chosen_operations(operation)
    if len(chosen) != 1:
        return [f"Operation must name exactly one operation; got {len(chosen)} ({', '.join(chosen) or 'none'})"]
    name = chosen[0]
    config = (operation or {})[name] or {}
    problems = _lambda_problems(config) if name == "LambdaInvoke" else []
    problem = operation_problem(name, config)
    return problems + ([f"Operation.{name}: {problem}"] if problem else [])


def _lambda_problems(invoke: dict[str, Any]) -> list[str]:
    if not invoke.get("FunctionArn"):
        return ["Operation.LambdaInvoke.FunctionArn is required"]
    version = invoke.get("InvocationSchemaVersion", "1.0")
    if version not in LAMBDA_SCHEMA_VERSIONS:
        return [f"Operation.LambdaInvoke.InvocationSchemaVersion {version!r} is not supported; use 1.0 or 2.0"]
    if invoke.get("UserArguments") and version != "2.0":
        return ["Operation.LambdaInvoke.UserArguments requires InvocationSchemaVersion 2.0"]
    return []


def report_problems(report: dict[str, Any] | None) -> list[str]:
    """An enabled report names its bucket, format and scope."""
    if not (report or {}).get("Enabled"):
        return []
    missing = [member for member in ("Bucket", "Format", "ReportScope") if not (report or {}).get(member)]
    return [f"Report: Enabled is true, so {', '.join(missing)} must be given"] if missing else []


def tag_key_problems(tags: list[dict[str, str]]) -> list[str]:
    """Unique keys, none with the reserved `aws:` prefix (any case)."""
    keys = [tag.get("Key", "") for tag in tags]
    if len(set(keys)) != len(keys):
        return ["Tags: tag keys must be unique"]
    reserved = [key for key in keys if key.lower().startswith(RESERVED_TAG_PREFIX)]
    return [f"Tags: the prefix {RESERVED_TAG_PREFIX!r} is reserved for AWS; got {reserved[0]!r}"] if reserved else []


def create_job_problems(params: dict[str, Any]) -> list[str]:
    """Every rule above for a whole CreateJob request, in the order a reader fixes them."""
    problems = operation_problems(params.get("Operation"))
    if (params.get("Manifest") is None) == (params.get("ManifestGenerator") is None):
        problems.append("Give exactly one of Manifest and ManifestGenerator")
    problems += report_problems(params.get("Report"))
    tags = params.get("Tags") or []
    if len(tags) > MAX_JOB_TAGS:
        problems.append(f"Tags: a job can have at most {MAX_JOB_TAGS} tags; got {len(tags)}")
    return problems + tag_key_problems(tags)
