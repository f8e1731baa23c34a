"""One aws_iam_policy_document block gives one document: the static plan, the linter and the terraform-aws-modules
reader all convert it with s3batch_core.terraform.policy, in the shape the AWS provider renders."""

from __future__ import annotations

from pathlib import Path

import pytest

from s3batch_core.terraform.plan import plan_root
from s3batch_core.terraform.policy import string_set
from s3batch_core.terraform.project import TerraformProject
from validate.terraform_modules import role_body
from validate.linter.terraform import Extractor

STACK = """\
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["batchoperations.s3.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = ["123456789012"]
    }
  }
  statement {
    sid       = "Both"
    actions   = ["sts:TagSession", "sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:root"]
    }
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::210987654321:root"]
    }
  }
}

resource "aws_iam_role" "batch" {
  name               = "batch"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
"""

EXPECTED = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"Service": "batchoperations.s3.amazonaws.com"},
            "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
        },
        {
            "Sid": "Both",
            "Effect": "Allow",
            "Action": ["sts:TagSession", "sts:AssumeRole"],
            "Principal": {"AWS": ["arn:aws:iam::210987654321:root", "arn:aws:iam::123456789012:root"]},
        },
    ],
}


@pytest.fixture
def stack(tmp_path: Path) -> Path:
    (tmp_path / "main.tf").write_text(STACK, encoding="utf-8")
    return tmp_path


def test_static_plan_and_linter_read_the_same_document(stack: Path) -> None:
    planned = plan_root(stack).policy_document("trust")
    _, roles = Extractor(TerraformProject.load([stack])).extract()
    (role,) = roles
    (trust,) = role.trust
    assert planned == EXPECTED
    assert trust.document == EXPECTED


def test_module_inputs_convert_the_same_way() -> None:
    statement = {"actions": ["sts:AssumeRole"], "principals": [{"type": "Service", "identifiers": ["x.amazonaws.com"]}]}
    body = role_body({"source": "terraform-aws-modules/iam/aws//modules/iam-role",
                      "trust_policy_permissions": {"x": statement}})
    assert body is not None
    assert body["assume_role_policy"]["Statement"][0]["Action"] == "sts:AssumeRole"


@pytest.mark.parametrize(("values", "rendered"), [
    (["a"], "a"),
    (["a", "b", "a"], ["b", "a"]),
    ("${var.actions}", "${var.actions}"),  # not known without a plan: kept as written
    (["*"], "*"),
])
def test_string_sets_render_as_the_provider_renders_them(values: object, rendered: object) -> None:
    assert string_set(values) == rendered


def _document(name: str, statements: list[tuple[str | None, str]], extra: str = "") -> str:
    """A data block with statements (sid, action) on resource "*"."""
    blocks = ""
    for sid, action in statements:
        sid_line = f'    sid       = "{sid}"\n' if sid else ""
        blocks += f'  statement {{\n{sid_line}    actions   = ["{action}"]\n    resources = ["*"]\n  }}\n'
    return f'data "aws_iam_policy_document" "{name}" {{\n{extra}{blocks}}}\n'


MERGED = "\n".join([
    _document("base", [("Read", "s3:GetObject"), ("Tag", "s3:PutObjectTagging")]),
    _document("override", [("Tag", "s3:GetObjectTagging")]),
    _document("merged", [("Read", "s3:GetObjectVersion"), (None, "s3:ListBucket")],
              "  source_policy_documents   = [data.aws_iam_policy_document.base.json]\n"
              "  override_policy_documents = [data.aws_iam_policy_document.override.json]\n"),
])


def test_source_and_override_documents_merge_by_sid_the_same_everywhere(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(MERGED, encoding="utf-8")
    planned = plan_root(tmp_path).policy_document("merged")
    standalone, _ = Extractor(TerraformProject.load([tmp_path])).extract()
    (linted,) = [source.document for source in standalone if source.resource == "data.aws_iam_policy_document.merged"]
    # own statements replace the sources' with the same Sid, override documents replace both, the rest is appended
    assert [(s.get("Sid"), s["Action"]) for s in planned["Statement"]] == [
        ("Read", "s3:GetObjectVersion"), ("Tag", "s3:GetObjectTagging"), (None, "s3:ListBucket")]
    assert linted == planned


DYNAMIC = """\
variable "readers" {
  default = { B = "s3:GetObjectVersion", A = "s3:GetObject" }
}

data "aws_iam_policy_document" "dynamic" {
  statement {
    actions = ["sts:AssumeRole"]
    dynamic "principals" {
      for_each = toset(["lambda.amazonaws.com", "batchoperations.s3.amazonaws.com"])
      content {
        type        = "Service"
        identifiers = [principals.value]
      }
    }
  }
  dynamic "statement" {
    for_each = var.readers
    iterator = reader
    content {
      sid       = reader.key
      actions   = [reader.value]
      resources = ["*"]
    }
  }
}
"""


def test_dynamic_blocks_expand_the_same_in_the_plan_and_the_linter(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(DYNAMIC, encoding="utf-8")
    planned = plan_root(tmp_path).policy_document("dynamic")
    standalone, _ = Extractor(TerraformProject.load([tmp_path])).extract()
    (linted,) = [source for source in standalone if source.resource == "data.aws_iam_policy_document.dynamic"]
    # a map iterates by sorted key, a set by sorted value; principals of one type merge into one list
    assert planned["Statement"] == [
        {"Effect": "Allow", "Action": "sts:AssumeRole",
         "Principal": {"Service": ["lambda.amazonaws.com", "batchoperations.s3.amazonaws.com"]}},
        {"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Sid": "B", "Effect": "Allow", "Action": "s3:GetObjectVersion", "Resource": "*"},
    ]
    assert linted.statement_lines == (6, 16, 16)
    assert [s["Action"] for s in linted.document["Statement"]] == [s["Action"] for s in planned["Statement"]]
