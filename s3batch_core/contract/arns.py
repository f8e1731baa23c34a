"""ARNs, in one place, on botocore's ArnParser: reading the parts of an ARN, building the S3, job, role and function
ARNs the kit uses, each with its partition from the start (`aws`, `aws-cn`, `aws-us-gov`, …).

Formats: "Amazon Resource Names (ARNs)" in the IAM User Guide (arn:partition:service:region:account-id:resource);
S3 buckets and objects have neither Region nor account (`arn:aws:s3:::bucket/key`).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from botocore.utils import ArnParser, InvalidArnException

DEFAULT_PARTITION = "aws"
_PARSER = ArnParser()
_PARTITION = re.compile(r"^[a-z][a-z0-9-]*$")
_ACCOUNT = re.compile(r"^\d{12}$")
_REGION = re.compile(r"^[a-z0-9-]+$")
_FUNCTION = re.compile(r"^function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$")  # Lambda's FunctionName (name[:qualifier])
_KMS_KEY = re.compile(r"^key/[A-Za-z0-9-]+$")
# IAM's Path and RoleName patterns (botocore's iam model: pathType, roleNameType), ASCII as IAM means them.
_ROLE = re.compile(r"role(/|/[\x21-\x7e]+/)[\w+=,.@-]{1,64}", re.ASCII)
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")  # S3 User Guide, "Bucket naming rules"


class Arn(NamedTuple("ArnParts", [("partition", str), ("service", str), ("region", str), ("account", str),
                                   ("resource", str)])):
    """An ARN's five parts after `arn:`."""

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def parse(text: str) -> Arn | None:
    """The parts of an ARN; None for anything else (a plain name, too few fields, a bad partition)."""
    try:
        parts = _PARSER.parse_arn(str(text))
    except InvalidArnException:
        return None
    return Arn(**parts) if is_partition(parts["partition"]) else None  # parse_arn's keys are Arn's fields


def is_partition(text: str) -> bool:
    """A partition name (`aws`, `aws-cn`, `aws-us-gov`, …)."""
    return bool(_PARTITION.fullmatch(text))


def is_region(text: str) -> bool:
    """A Region name as ARNs carry it (lower-case letters, digits and hyphens)."""
    return bool(_REGION.fullmatch(text))


def is_account(text: str) -> bool:
    """A 12-digit account id."""
    return bool(_ACCOUNT.fullmatch(text))


def partition(text: str, default: str = DEFAULT_PARTITION) -> str:
    """The partition of an ARN; `default` when it is no ARN."""
    arn = parse(text)
    return arn.partition if arn else default


# ---- S3 ---------------------------------------------------------------------------------------------------------


def s3(bucket: str, key: str | None = None, partition: str = DEFAULT_PARTITION) -> str:
    """`arn:P:s3:::bucket` or, with a key (or pattern), `arn:P:s3:::bucket/key`."""
    return f"arn:{partition}:s3:::{bucket}" if key is None else f"arn:{partition}:s3:::{bucket}/{key}"


def is_bucket(text: str) -> bool:
    """An S3 bucket name (not an ARN)."""
    return bool(_BUCKET.fullmatch(text))


def bucket_name(arn_or_name: str) -> str:
    """What follows `arn:P:s3:::` in an S3 bucket ARN (the bucket); a plain name as it is."""
    arn = parse(arn_or_name)
    return arn.resource if arn and arn.service == "s3" else str(arn_or_name)


def s3_object(arn_or_path: str) -> tuple[str, str]:
    """(bucket, key) of `arn:P:s3:::bucket/key` (or of `bucket/key`); the key is "" when there is none."""
    bucket, _, key = bucket_name(arn_or_path).partition("/")
    return bucket, key


def is_s3_object(text: str) -> bool:
    """An S3 object ARN: `arn:P:s3:::bucket/key`, both non-empty."""
    arn = parse(text)
    bucket, key = s3_object(text)
    return bool(arn and arn.service == "s3" and not arn.region and not arn.account and bucket and key)


def job(region: str, account: str, job_id: str, partition: str = DEFAULT_PARTITION) -> str:
    """An S3 Batch Operations job's ARN (`job_id` may be `*`)."""
    return f"arn:{partition}:s3:{region}:{account}:job/{job_id}"


# ---- IAM, Lambda, KMS -----------------------------------------------------------------------------------------


def role_name(role_arn: str) -> str:
    """`arn:aws:iam::123456789012:role/path/name` → `name` (the last path segment); a bare name as it is."""
    return role_arn.rsplit("/", 1)[-1] if ":role/" in role_arn else role_arn


def is_role(text: str) -> bool:
    """An IAM role ARN: `arn:P:iam::123456789012:role/[path/]name`."""
    arn = parse(text)
    return bool(arn and arn.service == "iam" and not arn.region and _ACCOUNT.fullmatch(arn.account)
                and _ROLE.fullmatch(arn.resource))


def is_function(text: str) -> bool:
    """A Lambda function ARN, unqualified or with a version or alias."""
    arn = parse(text)
    return bool(arn and arn.service == "lambda" and _REGION.fullmatch(arn.region) and _ACCOUNT.fullmatch(arn.account)
                and _FUNCTION.fullmatch(arn.resource))


class FunctionRef(NamedTuple):
    """What Lambda's FunctionName parameter names: the function, and the qualifier, account and Region if given."""

    name: str
    qualifier: str | None
    account: str | None
    region: str | None


def function_ref(text: str) -> FunctionRef:
    """A function ARN (unqualified, or with a version or alias), `name` or `name:qualifier`, read into its parts."""
    arn = parse(text)
    if arn and arn.service == "lambda" and _ACCOUNT.fullmatch(arn.account) and arn.resource.startswith("function:"):
        parts = arn.resource.removeprefix("function:").split(":")
        if len(parts) <= 2 and all(parts):
            return FunctionRef(parts[0], parts[1] if len(parts) == 2 else None, arn.account, arn.region or None)
    name, _, qualifier = str(text).partition(":")
    return FunctionRef(name, qualifier or None, None, None)


def is_kms_key(text: str) -> bool:
    """A KMS key ARN: `arn:P:kms:region:123456789012:key/id`."""
    arn = parse(text)
    return bool(arn and arn.service == "kms" and _REGION.fullmatch(arn.region) and _ACCOUNT.fullmatch(arn.account)
                and _KMS_KEY.fullmatch(arn.resource))
