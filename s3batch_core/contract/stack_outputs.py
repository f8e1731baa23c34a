"""The stack outputs contract: the one definition of what `terraform output -json` gives the job tooling.

`terraform/outputs.tf` (AWS) and `s3batch local deploy` (the emulator) both produce exactly these
outputs, and `s3batch job` reads them. Tests hold all three against OUTPUTS.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from s3batch_core.errors import InputError
from s3batch_core.contract import arns
from s3batch_core.contract.create_job import LAMBDA_SCHEMA_VERSIONS
from s3batch_core.contract.limits import MAX_SETTINGS_BYTES, load_json


@dataclass(frozen=True)
class StackOutputs:
    """Values of the root module's outputs; field names are the Terraform output names (terraform/outputs.tf
    describes each)."""

    bucket_name: str
    data_prefix: str
    manifest_bucket: str
    manifest_prefix: str
    report_bucket: str
    report_prefix: str
    batch_role_arn: str
    function_arn: str
    region: str
    account_id: str
    operation: str
    invocation_schema_version: str


OUTPUTS: tuple[str, ...] = tuple(f.name for f in fields(StackOutputs))

_VALIDATORS: dict[str, tuple[Callable[[str], object], str]] = {
    "account_id": (arns.is_account, "a 12-digit account id"),
    "batch_role_arn": (arns.is_role, "an IAM role ARN"),
    "function_arn": (arns.is_function, "a Lambda function ARN"),
    "invocation_schema_version": (LAMBDA_SCHEMA_VERSIONS.__contains__, '"1.0" or "2.0"'),
    **dict.fromkeys(("bucket_name", "manifest_bucket", "report_bucket"), (arns.is_bucket, "an S3 bucket name")),
    "region": (re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$").fullmatch, "an AWS Region name"),
}
_MAY_BE_EMPTY = {"data_prefix", "manifest_prefix", "report_prefix"}


def parse_outputs(document: Any, source: str) -> StackOutputs:
    """Read the JSON of `terraform output -json` (name -> {"value": ...}); one clear error per problem."""
    if not isinstance(document, dict):
        raise InputError(f"{source}: expected a JSON object of outputs as `terraform output -json` prints it")
    values: dict[str, str] = {}
    for name in OUTPUTS:
        entry = document.get(name)
        if entry is None:
            raise InputError(f"{source}: output {name!r} is missing (has `terraform apply` run for this stack?)")
        value = entry.get("value") if isinstance(entry, dict) else None
        if not isinstance(value, str) or (not value and name not in _MAY_BE_EMPTY):
            raise InputError(f"{source}: output {name!r} must be a non-empty string, got {value!r}")
        check = _VALIDATORS.get(name)
        if check and not check[0](value):
            raise InputError(f"{source}: output {name!r} is not {check[1]}: {value!r}")
        values[name] = value
    return StackOutputs(**values)


def load_outputs(path: Path) -> StackOutputs:
    """Load an outputs file written by `terraform output -json` or `s3batch local deploy`."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: outputs file not found") from None
    except OSError as exc:
        raise InputError(f"{path}: not a readable JSON outputs file ({exc})") from None
    return parse_outputs(load_json(data, str(path), max_bytes=MAX_SETTINGS_BYTES), str(path))


def to_terraform_json(outputs: StackOutputs) -> dict[str, dict[str, Any]]:
    """Render outputs in exactly the shape of `terraform output -json` for a root module."""
    return {name: {"sensitive": False, "type": "string", "value": getattr(outputs, name)} for name in OUTPUTS}
