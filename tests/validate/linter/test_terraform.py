"""Terraform extraction: jsonencode, heredoc, policy documents, assume_role_policy, templatefile, operations, lines."""

from __future__ import annotations

from pathlib import Path

from tests.validate.linter.conftest import TF
from validate.generate import DEFAULT_DEST
from s3batch_core.terraform.project import TerraformProject
from validate.linter import lint_paths
from validate.linter.terraform import Extractor


def _extract(*dirs: str, operation: str | None = None):  # type: ignore[no-untyped-def]
    return Extractor(TerraformProject.load([TF / d for d in dirs])).extract(operation)


def test_inline_fixture_sources() -> None:
    standalone, roles = _extract("inline")
    (role,) = roles
    assert (role.address, role.operation, role.operation_origin, role.line) == (
        "aws_iam_role.batch", "S3PutObjectTagging", "tag S3BatchOperation", 2
    )
    (trust,) = role.trust
    assert trust.kind == "trust" and trust.for_batch
    # jsonencode: Terraform references stay as "${...}" strings
    assert trust.document["Statement"][0]["Condition"] == {"StringEquals": {"aws:SourceAccount": "${var.account_id}"}}
    by_resource = {p.resource: p for p in role.permissions}
    assert set(by_resource) == {"aws_iam_role.batch", "data.aws_iam_policy_document.tagging", "aws_iam_policy.extra"}
    heredoc = by_resource["aws_iam_role.batch"].document
    assert heredoc["Statement"][0]["Resource"] == "arn:aws:s3:::${var.manifest_bucket}/manifests/*"
    document = by_resource["data.aws_iam_policy_document.tagging"]
    assert [s["Sid"] for s in document.document["Statement"]] == ["WriteReport", "TagObjects"]
    assert document.statement_lines == (32, 39)
    assert {s.resource for s in standalone} == {"data.aws_iam_policy_document.lambda_trust", "data.aws_iam_policy_document.unused"}
    lambda_trust = next(s for s in standalone if s.resource == "data.aws_iam_policy_document.lambda_trust")
    assert lambda_trust.kind == "trust" and not lambda_trust.for_batch


def test_inline_fixture_findings() -> None:
    found = {(f.rule, f.line, f.resource, f.suppressed) for f in lint_paths([TF / "inline"])}
    file = "tests/validate/linter/fixtures/terraform/inline/main.tf"
    assert all(f.file == file for f in lint_paths([TF / "inline"]))
    assert found == {
        ("S3B110", 39, "data.aws_iam_policy_document.tagging", "reading tags first is part of our audit trail (OPS-7)"),
        ("S3B090", 51, None, None),  # the comment above aws_iam_policy.extra has no reason
        ("S3B102", 55, "aws_iam_policy.extra", None),
        ("S3B110", 55, "aws_iam_policy.extra", None),
        ("S3B104", 92, "data.aws_iam_policy_document.unused", None),
    }


def test_module_called_with_two_operations_is_checked_for_each() -> None:
    _, roles = _extract("root_caller", "module_role")
    assert sorted(r.operation for r in roles) == ["LambdaInvoke", "S3PutObjectTagging"]
    tagging = next(r for r in roles if r.operation == "S3PutObjectTagging")
    # ${local.policy_file} depends on a conditional: both generated variants are read and rendered
    actions = {a for p in tagging.permissions for s in p.document["Statement"] for a in s["Action"]}
    assert "s3:PutObjectVersionTagging" in actions
    findings = lint_paths([TF / "root_caller", TF / "module_role"])
    assert {(f.rule, f.line) for f in findings if f.severity.value == "error"} == {("S3B111", 15), ("S3B103", 21)}
    assert all("LambdaInvoke" in f.message for f in findings if f.rule == "S3B111")


def test_operation_flag_overrides_the_declaration() -> None:
    _, roles = _extract("root_caller", "module_role", operation="S3DeleteObjectTagging")
    assert {r.operation for r in roles} == {"S3DeleteObjectTagging"}
    assert {r.operation_origin for r in roles} == {"--operation"}


def test_module_alone_uses_no_caller() -> None:
    _, roles = _extract("module_role")
    (role,) = roles
    assert role.operation is None  # variable without default, no caller: S3B113
    assert [f.rule for f in lint_paths([TF / "module_role"]) if f.severity.value != "info"] == ["S3B113"]


def test_invalid_heredoc_json_is_a_finding(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_iam_policy" "p" {\n  policy = <<EOT\n{"Version": "2012-10-17",\nEOT\n}\n', encoding="utf-8"
    )
    (finding,) = lint_paths([tmp_path])
    assert finding.rule == "S3B000" and "heredoc policy is not valid JSON" in finding.message and finding.line == 1


def test_generated_templates_are_rendered(tmp_path: Path) -> None:
    """A role using the repository's own generated templates lints clean by shape."""
    (tmp_path / "main.tf").write_text(
        f"""
resource "aws_iam_role" "batch" {{
  assume_role_policy = templatefile("{DEFAULT_DEST}/trust.json.tftpl", {{}})
  tags               = {{ S3BatchOperation = "S3PutObjectCopy" }}
}}

resource "aws_iam_role_policy" "batch" {{
  role   = aws_iam_role.batch.name
  policy = templatefile("{DEFAULT_DEST}/S3PutObjectCopy.json.tftpl", {{ partition = "aws" }})
}}
""",
        encoding="utf-8",
    )
    assert [f.rule for f in lint_paths([tmp_path])] == ["S3B008"]
