"""The one ARN module (botocore's ArnParser underneath): parts, partitions, builders, the kinds the kit accepts."""

from __future__ import annotations

import pytest

from s3batch_core.contract import arns

ACCOUNT = "123456789012"


@pytest.mark.parametrize(("text", "bucket", "key"), [
    ("arn:aws:s3:::bkt/a/b.txt", "bkt", "a/b.txt"),
    ("arn:aws-cn:s3:::bkt/with:colon", "bkt", "with:colon"),
    ("arn:aws-us-gov:s3:::bkt", "bkt", ""),
    ("bkt", "bkt", ""),
])
def test_s3_object_and_bucket_read_any_partition(text: str, bucket: str, key: str) -> None:
    assert arns.s3_object(text) == (bucket, key)
    assert arns.bucket_name(text).partition("/")[0] == bucket


@pytest.mark.parametrize(("bucket", "key", "partition"), [("b", None, "aws"), ("b", "k/x", "aws-cn"), ("b", "*", "aws")])
def test_built_s3_arns_parse_back(bucket: str, key: str | None, partition: str) -> None:
    built = arns.s3(bucket, key, partition)
    parsed = arns.parse(built)
    assert parsed is not None and str(parsed) == built
    assert (parsed.partition, parsed.service, arns.s3_object(built)) == (partition, "s3", (bucket, key or ""))


def test_partition_of_anything() -> None:
    assert arns.partition(f"arn:aws-cn:iam::{ACCOUNT}:role/r") == "aws-cn"
    assert arns.partition("not-an-arn") == "aws"
    assert arns.parse("arn:AWS:s3:::b") is None


@pytest.mark.parametrize(("check", "text", "ok"), [
    (arns.is_role, f"arn:aws:iam::{ACCOUNT}:role/path/name", True),
    (arns.is_role, f"arn:aws:iam::{ACCOUNT}:user/name", False),
    (arns.is_role, f"arn:aws:iam::{ACCOUNT}:role/", False),
    (arns.is_function, f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f", True),
    (arns.is_function, f"arn:aws-cn:lambda:cn-north-1:{ACCOUNT}:function:f:$LATEST", True),
    (arns.is_function, f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f:1:extra", False),
    (arns.is_function, "arn:aws:lambda:us-east-1:1234:function:f", False),
    (arns.is_bucket, "my.data-bucket-1", True),
    (arns.is_bucket, "arn:aws:s3:::my-bucket", False),
    (arns.is_bucket, "ab", False),
    (arns.is_account, ACCOUNT, True),
    (arns.is_account, "12345678901a", False),
    # A trailing newline is no part of a name ("$" would match before it).
    (arns.is_bucket, "my-bucket\n", False),
    (arns.is_account, ACCOUNT + "\n", False),
    (arns.is_role, f"arn:aws:iam::{ACCOUNT}:role/name\n", False),
    (arns.is_kms_key, f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab", True),
    (arns.is_kms_key, f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/mine", False),
    (arns.is_s3_object, "arn:aws:s3:::b/k", True),
    (arns.is_s3_object, "arn:aws:s3:::b", False),
    (arns.is_s3_object, "arn:aws:s3:us-east-1::b/k", False),
])
def test_kinds(check, text: str, ok: bool) -> None:  # noqa: ANN001
    assert bool(check(text)) is ok


@pytest.mark.parametrize(("text", "ref"), [
    (f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f", ("f", None, ACCOUNT, "us-east-1")),
    (f"arn:aws-cn:lambda:cn-north-1:{ACCOUNT}:function:f:$LATEST", ("f", "$LATEST", ACCOUNT, "cn-north-1")),
    (f"arn:aws:lambda::{ACCOUNT}:function:f:live", ("f", "live", ACCOUNT, None)),
    ("f", ("f", None, None, None)),
    ("f:7", ("f", "7", None, None)),
    # not a function ARN Lambda would accept: read as a name, which the function lookup then does not find
    (f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f:1:extra", ("arn", f"aws:lambda:us-east-1:{ACCOUNT}:function:f:1:extra",
                                                                None, None)),
    (f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f:", ("arn", f"aws:lambda:us-east-1:{ACCOUNT}:function:f:", None, None)),
])
def test_function_ref(text: str, ref: tuple[str, str | None, str | None, str | None]) -> None:
    assert arns.function_ref(text) == ref


def test_job_arn_carries_the_partition() -> None:
    assert arns.job("cn-north-1", ACCOUNT, "*", "aws-cn") == f"arn:aws-cn:s3:cn-north-1:{ACCOUNT}:job/*"
