"""Resource ARN shapes, with Terraform interpolations kept as unknowns.

A policy from Terraform says `arn:${partition}:s3:::${var.bucket}/*` or `${aws_s3_bucket.data.arn}/*`;
the linter cannot know the names, but it can still tell a bucket ARN from an object ARN.
"""

from __future__ import annotations

import re

from s3batch_core.terraform import text

UNKNOWN = "X"  # stands for an interpolation's unknown value
_INDEX = r"(\[[^\]]*\])?"
# Expressions whose value is a bucket ARN by what they are or how they are named: aws_s3_bucket.x.arn,
# var.source_bucket_arn, local.reports_bucket_arn, module.bucket.s3_bucket_arn (terraform-aws-modules/s3-bucket).
_BUCKET_ARN_REFERENCE = re.compile(
    rf"^(?:(data\.)?aws_s3_bucket\.[A-Za-z0-9_-]+{_INDEX}\.arn"
    rf"|(?:var|local)\.[A-Za-z0-9_-]*bucket_arn"
    rf"|module\.[A-Za-z0-9_-]+{_INDEX}\.(?:s3_)?bucket_arn)$"
)
_LEADING_UNKNOWN = re.compile(rf"^{UNKNOWN}/")
_S3_ARN = re.compile(r"^arn:[^:]*:s3:::(?P<rest>.+)$")


def replace_interpolations(value: str) -> str:
    """Replace each ${...} by a bucket ARN when it is an aws_s3_bucket's .arn, else by X (an unclosed one runs to
    the end of the value)."""
    return text.replace_interpolations(value, _placeholder)


def _placeholder(interpolation: str) -> str:
    expression = interpolation[2:-1].strip()
    return f"arn:aws:s3:::{UNKNOWN}" if _BUCKET_ARN_REFERENCE.match(expression) else UNKNOWN


def s3_shape(resource: str) -> str | None:
    """'bucket' or 'object' for an S3 bucket or object ARN (placeholders allowed), else None.

    "${anything}/*" and "${anything}/prefix/*" are object ARNs: a path after an unknown value is how
    Terraform code writes the objects of a bucket whose ARN it holds.
    """
    replaced = _LEADING_UNKNOWN.sub(f"arn:aws:s3:::{UNKNOWN}/", replace_interpolations(resource))
    match = _S3_ARN.match(replaced)
    if not match:
        return None
    rest = match.group("rest")
    if "/" in rest:
        return "object"
    # "arn:aws:s3:::b*" could match objects too: only a plain name is certainly a bucket.
    return None if "*" in rest or "?" in rest else "bucket"


def is_every_s3_resource(resource: str) -> bool:
    """True for S3 ARNs that name every bucket or every object: arn:aws:s3:::*, arn:aws:s3:::*/*,
    arn:${partition}:s3:::* (any partition, interpolated or not), arn:*:s3:::*."""
    match = _S3_ARN.match(replace_interpolations(resource))
    return bool(match) and match.group("rest").startswith("*")
