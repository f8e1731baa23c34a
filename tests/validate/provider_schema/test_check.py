"""The provider-schema check: terraform/ is clean, and each kind of mistake in a copy of it is one finding
naming the file and the line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from s3batch_core.terraform.project import TerraformProject
from validate.linter.findings import Severity
from validate.provider_schema import load_schema
from validate.provider_schema.check import SchemaCheck, check_project

REPO = Path(__file__).resolve().parents[3]
TERRAFORM = REPO / "terraform"
SCHEMA = load_schema()


def _check(paths: list[Path]) -> SchemaCheck:
    return check_project(TerraformProject.load(paths), SCHEMA)


def test_snapshot_is_the_provider_version_the_code_targets() -> None:
    assert SCHEMA.provider == "registry.terraform.io/hashicorp/aws"
    assert SCHEMA.version == "6.25.0"
    bucket = SCHEMA.block("resource", "aws_s3_bucket")
    assert bucket is not None and bucket.arguments["bucket_region"] == "computed"
    assert bucket.notes["region"].when == "read"


def test_every_tf_file_under_terraform_is_valid() -> None:
    result = _check([TERRAFORM])
    assert [f"{f.file}:{f.line}: {f.rule} {f.message}" for f in result.findings] == []
    assert result.checked_blocks >= 30 and result.unchecked_types == set()


def _mutated(tmp_path: Path, relative: str, old: str, new: str) -> tuple[Path, str]:
    """A copy of terraform/ with one replacement; returns the copy and the changed file's new text."""
    copy = tmp_path / "terraform"
    shutil.copytree(TERRAFORM, copy)
    path = copy / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return copy, text


def _line_of(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


@pytest.mark.parametrize(("relative", "old", "new", "rule", "words"), [
    ("modules/bucket/main.tf", "  bucket        = var.bucket_name\n",
     "  bucket        = var.bucket_name\n  bukcet_acl    = \"private\"\n", "TFS002", ["aws_s3_bucket", "bukcet_acl"]),
    ("modules/sentiment_lambda/main.tf", "    mode = var.tracing_mode\n",
     "    mode  = var.tracing_mode\n    modus = \"x\"\n", "TFS002", ["tracing_config", "modus"]),
    ("modules/sentiment_lambda/iam.tf", "  policy = data.aws_iam_policy_document.execution.json\n",
     "  policy = data.aws_iam_policy_document.execution.jsonn\n", "TFS005", ["jsonn", "did you mean 'json'"]),
    ("modules/bucket/outputs.tf", "aws_s3_bucket.this.arn", "aws_s3_bucket.this.arm", "TFS005", ["'arm'"]),
    ("modules/bucket/outputs.tf", "aws_s3_bucket.this.bucket_region", "aws_s3_bucket.this.region", "TFS008",
     ["bucket_region", "Enhanced Region Support"]),
    ("main.tf", "  bucket_name        = local.data_bucket_name\n", "  bucket_nam         = local.data_bucket_name\n",
     "TFS006", ["module.data_bucket", "'bucket_nam'"]),
    ("outputs.tf", "module.batch_role.batch_role_arn", "module.batch_role.batch_role", "TFS007", ["batch_role"]),
    ("modules/bucket/main.tf", 'resource "aws_s3_bucket" "this"', 'resource "aws_s3_buckets" "this"', "TFS001",
     ["aws_s3_buckets", "did you mean 'aws_s3_bucket'"]),
])
def test_a_mistake_is_one_finding_at_its_line(tmp_path: Path, relative: str, old: str, new: str, rule: str,
                                              words: list[str]) -> None:
    copy, text = _mutated(tmp_path, relative, old, new)
    findings = [f for f in _check([copy]).findings if f.blocking]
    ours = [f for f in findings if f.rule == rule and all(word in f.message for word in words)]
    assert len(ours) == 1, [f.message for f in findings]
    marker = [line for line in new.splitlines() if line not in old.splitlines()][-1]
    assert ours[0].file.endswith(relative) and ours[0].line == _line_of(text, marker)


@pytest.mark.parametrize(("relative", "old", "finding", "marker"), [
    ("modules/sentiment_lambda/main.tf", "  role                           = aws_iam_role.this.arn\n",
     ("TFS003", "aws_lambda_function: required argument 'role' is missing", "aws_lambda_function.this"),
     'resource "aws_lambda_function" "this"'),
    ("main.tf", "  manifest_bucket          = local.job_bucket\n",
     ("TFS006", "module.batch_role: required variable 'manifest_bucket' of ./modules/batch_role is not passed",
      "module.batch_role"), 'module "batch_role"'),
], ids=["resource-argument", "module-variable"])
def test_a_missing_required_input_is_one_finding_at_the_block(tmp_path: Path, relative: str, old: str,
                                                              finding: tuple[str, str, str], marker: str) -> None:
    copy, text = _mutated(tmp_path, relative, old, "")
    assert [(f.rule, f.message, f.resource, f.line) for f in _check([copy]).findings] == [
        (*finding, _line_of(text, marker))]


def test_block_limited_to_one_and_computed_attribute_set(tmp_path: Path) -> None:
    copy, _ = _mutated(tmp_path, "modules/sentiment_lambda/main.tf", "  tracing_config {\n",
                       "  tracing_config {\n    mode = \"Active\"\n  }\n\n  tracing_config {\n")
    (copy / "modules" / "bucket" / "extra.tf").write_text('resource "aws_s3_bucket" "other" {\n  arn = "x"\n}\n')
    findings = {f.rule: f for f in _check([copy]).findings}
    assert "at most 1 time(s), found 2" in findings["TFS004"].message
    assert findings["TFS002"].message == "aws_s3_bucket: arn is computed by the provider and cannot be set"
    assert findings["TFS002"].line == 2


def test_dynamic_blocks_deprecations_and_uncovered_types(tmp_path: Path) -> None:
    root = tmp_path / "tf"
    root.mkdir()
    (root / "main.tf").write_text('''data "aws_region" "current" {}

data "aws_iam_policy_document" "p" {
  dynamic "statement" {
    for_each = ["a"]
    content {
      actions = ["s3:GetObject"]
      effect  = "Allow"
      colour  = "blue"
    }
  }
}

resource "aws_instance" "vm" {
  anything = data.aws_region.current.name
}
''')
    result = _check([root])
    messages = {(f.rule, f.severity, f.line): f.message for f in result.findings}
    assert messages[("TFS002", Severity.ERROR, 9)].startswith("aws_iam_policy_document.statement: no argument or block 'colour'")
    assert messages[("TFS008", Severity.WARNING, 15)] == "data.aws_region.current.name: deprecated in provider 6.x: use `region`"
    assert result.unchecked_types == {"aws_instance"}
