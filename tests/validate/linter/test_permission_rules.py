"""Permission rules S3B101-S3B105 with named pass/fail fixtures."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.validate.linter.conftest import BATCH, allow

OBJECTS = "arn:aws:s3:::data-bucket/input/*"
BUCKET = "arn:aws:s3:::data-bucket"


def _submitter(pass_role_resource: str, **extra: object) -> dict:
    return {"Statement": [{"Effect": "Allow", "Action": "s3:CreateJob", "Resource": "*"},
                          {"Effect": "Allow", "Action": "iam:PassRole", "Resource": pass_role_resource, **extra}]}


CASES = [
    ("scoped-object-read", allow(["s3:GetObject", "s3:GetObjectVersion"], OBJECTS), []),
    ("scoped-bucket-list", allow("s3:ListBucket", BUCKET), []),
    ("mixed-bucket-and-objects", allow(["s3:GetObject", "s3:ListBucket"], [BUCKET, OBJECTS]), []),
    ("star-on-unscopable", allow("s3:ListAllMyBuckets", "*"), []),
    ("comprehend-star", allow(["comprehend:DetectSentiment"], "*"), []),
    ("admin", allow("*", "*"), ["S3B101"]),
    ("service-wildcard", allow("s3:*", OBJECTS), ["S3B101"]),
    ("partial-wildcard-ok", allow("s3:GetObject*", OBJECTS), []),
    ("star-resource", allow(["s3:PutObject", "lambda:InvokeFunction"], "*"), ["S3B102"]),
    ("object-action-on-bucket", allow("s3:PutObjectTagging", BUCKET), ["S3B103"]),
    ("bucket-action-on-objects", allow("s3:ListBucket", OBJECTS), ["S3B103"]),
    ("interpolated-bucket-arn", allow("s3:GetObject", "${aws_s3_bucket.data.arn}"), ["S3B103"]),
    ("interpolated-object-arn", allow("s3:GetObject", "${aws_s3_bucket.data.arn}/*"), []),
    ("interpolated-names", allow("s3:GetObject", "arn:${data.aws_partition.current.partition}:s3:::${var.bucket}/${var.prefix}*"), []),
    ("unknown-reference", allow("s3:GetObject", "${module.x.arn}"), []),
    ("typo", allow("s3:GetObjcet", OBJECTS), ["S3B104"]),
    ("unknown-service", allow("s4:GetObject", OBJECTS), ["S3B104"]),
    ("pattern-matching-nothing", allow("s3:Gett*", OBJECTS), ["S3B104"]),
    ("not-an-action", allow("GetObject", OBJECTS), ["S3B104"]),
    ("placeholder-action", allow("s3:${var.action}", OBJECTS), []),
    ("allow-not-action", {"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": OBJECTS}]}, ["S3B105"]),
    ("allow-not-resource", {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "NotResource": OBJECTS}]}, ["S3B105"]),
    ("deny-not-action-ok", {"Statement": [{"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "*"}]}, []),
    ("deny-star-ok", {"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}, []),
    ("missing-resource", {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]}, ["S3B000"]),
    # Resource wildcards other than a literal "*"
    ("every-object", allow("s3:GetObject", "arn:aws:s3:::*/*"), ["S3B102"]),
    ("every-bucket", allow("s3:ListBucket", "arn:aws:s3:::*"), ["S3B102"]),
    ("every-bucket-any-partition", allow("s3:ListBucket", "arn:${data.aws_partition.current.partition}:s3:::*"), ["S3B102"]),
    ("partial-action-wildcard-on-star", allow("s3:GetObject*", "*"), ["S3B102"]),
    ("describe-wildcard-on-star", allow("ec2:Describe*", "*"), []),
    ("named-bucket-prefix-ok", allow("s3:ListBucket", "arn:aws:s3:::logs-*"), []),
    # Conditions that scope Resource "*"
    ("service-linked-role-scoped", allow("iam:CreateServiceLinkedRole", "*", Condition={"StringEquals": {"iam:AWSServiceName": "fsx.amazonaws.com"}}), []),
    ("tag-scoped", allow("ec2:CreateTags", "*", Condition={"StringEquals": {"aws:ResourceTag/owner": "team"}}), []),
    ("unscoping-condition", allow("s3:PutObject", "*", Condition={"Bool": {"aws:SecureTransport": "true"}}), ["S3B102"]),
    # ARN kinds from Terraform shapes
    ("var-bucket-arn", allow("s3:GetObject", "${var.source_bucket_arn}"), ["S3B103"]),
    ("var-bucket-arn-objects", allow("s3:GetObject", "${var.source_bucket_arn}/*"), []),
    ("module-bucket-arn", allow("s3:PutObject", "${module.reports.s3_bucket_arn}"), ["S3B103"]),
    ("any-interpolation-then-path", allow("s3:ListBucket", "${local.data_arn}/*"), ["S3B103"]),
    # iam:PassRole in a submitter's policy
    ("submitter-passes-any-role", _submitter("arn:aws:iam::123456789012:role/*"), ["S3B106"]),
    ("submitter-passes-star", {"Statement": [
        {"Effect": "Allow", "Action": ["s3:CreateJob", "iam:PassRole"], "Resource": "*"}]}, ["S3B102", "S3B106"]),
    ("submitter-passed-to-service", _submitter("*", Condition={"StringEquals": {"iam:PassedToService": BATCH}}), []),
    ("submitter-names-the-role", _submitter("arn:aws:iam::123456789012:role/batch"), []),
    ("submitter-passes-a-name-pattern", _submitter("arn:aws:iam::*:role/${var.prefix}-copy-role*"), ["S3B106"]),
    ("submitter-conditioned-and-unconditioned", {"Statement": [
        {"Effect": "Allow", "Action": "s3:CreateJob", "Resource": "*"},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/jobs-*",
         "Condition": {"StringEquals": {"iam:PassedToService": BATCH}}},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/jobs-*"}]},
     ["S3B106"]),
    ("submitter-names-the-role-by-variable", _submitter("arn:aws:iam::${var.account}:role/${var.batch_role}"), []),
    ("pass-role-without-create-job", allow("iam:PassRole", "arn:aws:iam::123456789012:role/*"), []),
    ("indexed-bucket-with-prefix", allow("s3:GetObject", '${aws_s3_bucket.b["x"].arn}/batch/*'), []),
    ("quoted-brace-in-interpolation", allow("s3:ListBucket", '${format("%s}", var.bucket)}/*'), ["S3B103"]),
]


@pytest.mark.parametrize(("name", "document", "expected"), CASES, ids=[c[0] for c in CASES])
def test_permission_rules(name: str, document: dict, expected: list[str], rules_of: Callable[..., list[str]]) -> None:
    assert rules_of(document, kind="permission") == expected


@pytest.mark.parametrize(("document", "said", "unsaid"), [
    (_submitter("arn:aws:iam::123456789012:role/*"), "pass any role (arn:aws:iam::123456789012:role/*)", None),
    (_submitter("arn:aws:iam::*:role/batch"), "pass every role matching (arn:aws:iam::*:role/batch)", None),
    (allow(["s3:PutObject", "s3:ListAllMyBuckets"], "*"), "s3:PutObject", "ListAllMyBuckets"),  # scopable ones only
    (allow("s3:PutObject", BUCKET), "acts on object ARNs but the statement lists only bucket ARNs", None),
], ids=["pass-any-role", "pass-role-pattern", "star-names-scopable-actions", "mismatch-says-which-kind"])
def test_the_message_says_what_is_wrong(document: dict, said: str, unsaid: str | None, findings_of: Callable) -> None:
    (finding,) = findings_of(document)
    assert said in finding.message and (unsaid is None or unsaid not in finding.message)


@pytest.mark.parametrize(
    ("action", "suggested"),
    [
        ("s3:PutBucketEncryption", "s3:PutEncryptionConfiguration"),  # API name -> IAM action
        ("s3control:CreateJob", "s3:CreateJob"),  # SDK client name as prefix
        ("lambda:Invoke", "lambda:InvokeFunction"),
        ("s3:GetObjcet", "s3:GetObject"),  # plain typo still by spelling
        ("s3:PutObjectTaging", "s3:PutObjectTagging"),
    ],
)
def test_unknown_action_suggests_the_iam_action(action: str, suggested: str, findings_of: Callable) -> None:
    (finding,) = [f for f in findings_of(allow(action, "*")) if f.rule == "S3B104"]
    assert f'did you mean "{suggested}"' in finding.message
