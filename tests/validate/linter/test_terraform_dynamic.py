"""dynamic blocks in aws_iam_policy_document: expanded when for_each is static, reported (S3B115) when not."""

from __future__ import annotations

from pathlib import Path

from s3batch_core.terraform.project import TerraformProject
from tests.validate.linter.conftest import TF
from validate.linter import exit_code, lint_paths
from validate.linter.engine import lint_sources
from validate.linter.sources import PolicySource, RoleSource, UnreadPart
from validate.linter.terraform import Extractor


def _documents(directory: Path) -> dict[str, PolicySource]:
    """Every policy source of a directory (standalone and the batch roles'), by resource address."""
    standalone, roles = Extractor(TerraformProject.load([directory])).extract()
    sources = [*standalone, *(s for r in roles for s in (*r.trust, *r.permissions))]
    return {s.resource: s for s in sources if s.resource}


def _errors_and_warnings(directory: Path) -> set[tuple[str, int | None, str | None]]:
    return {(f.rule, f.line, f.resource) for f in lint_paths([directory]) if f.severity.value != "info"}


def test_literal_list_gives_one_statement_per_element_in_source_order() -> None:
    source = _documents(TF / "dynamic_literal")["data.aws_iam_policy_document.batch"]
    statements = source.document["Statement"]
    assert [s["Sid"] for s in statements] == ["Invoke", "ReadManifest", "WriteReport"]
    assert statements[1] == {
        "Effect": "Allow",
        "Sid": "ReadManifest",
        "Action": "s3:GetObject",  # one element as a string, as the provider renders it (s3batch_core.terraform.policy)
        "Resource": "arn:aws:s3:::${var.manifest_bucket}/manifests/*",
    }
    assert statements[2]["Resource"] == "${aws_s3_bucket.reports.arn}/reports/*"
    assert source.statement_lines == (17, 23, 23)
    assert source.unread == ()


def test_literal_list_grants_count_for_the_missing_permission_check() -> None:
    # The role's S3 grants exist only in the dynamic block: unread, S3B111 would report both as missing.
    assert _errors_and_warnings(TF / "dynamic_literal") == set()


def test_variable_default_map_with_nested_dynamic_condition() -> None:
    source = _documents(TF / "dynamic_var_map")["data.aws_iam_policy_document.grants"]
    read, tag = source.document["Statement"]  # maps iterate by sorted key, as Terraform does
    assert read == {
        "Effect": "Allow",
        "Sid": "ReadManifest",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::manifests/manifests/*",
        "Condition": {"StringEquals": {"s3:ExistingObjectTag/team": "data"}},
    }
    assert tag == {"Effect": "Allow", "Sid": "TagObjects", "Action": "s3:PutObjectTagging", "Resource": "arn:aws:s3:::data-bucket/*"}
    assert source.statement_lines == (26, 26)
    assert _errors_and_warnings(TF / "dynamic_var_map") == set()


def test_custom_iterator_tfvars_set_and_local_map() -> None:
    source = _documents(TF / "dynamic_iterator")["data.aws_iam_policy_document.objects"]
    statements = source.document["Statement"]
    # toset: duplicates from terraform.tfvars collapse, sorted, key == value
    assert [s["Action"] for s in statements[:2]] == ["s3:GetObjectTagging", "s3:PutObjectTagging"]
    assert [s["Sid"] for s in statements[2:]] == ["manifests", "reports"]
    # bucket.value is filled into the string; statement.value is not this block's iterator and stays unknown
    assert statements[2]["Resource"] == ["arn:aws:s3:::manifest-bucket", "${statement.value}"]
    assert source.statement_lines == (16, 16, 25, 25)
    assert _errors_and_warnings(TF / "dynamic_iterator") == set()


def test_unknown_for_each_is_reported_and_nothing_is_guessed() -> None:
    sources = _documents(TF / "dynamic_unknown")
    batch = sources["data.aws_iam_policy_document.batch"]
    assert [s["Action"] for s in batch.document["Statement"]] == ["lambda:InvokeFunction"]
    assert [part.line for part in batch.unread] == [42, 50]
    assert "for_each = aws_s3_bucket.reports is known only at plan time" in batch.unread[1].description
    trust = sources["data.aws_iam_policy_document.trust"]
    assert trust.document["Statement"] == [{"Effect": "Allow", "Action": "sts:AssumeRole"}]
    findings = lint_paths([TF / "dynamic_unknown"])
    assert {(f.rule, f.severity.value, f.line, f.resource) for f in findings} == {
        ("S3B115", "warning", 19, "data.aws_iam_policy_document.trust"),  # dynamic "principals" in a statement
        ("S3B115", "warning", 42, "data.aws_iam_policy_document.batch"),
        ("S3B115", "warning", 50, "data.aws_iam_policy_document.batch"),
    }
    assert all(f.file.endswith("dynamic_unknown/main.tf") for f in findings)
    assert exit_code(findings) == 0


def test_partly_read_policy_turns_off_only_the_missing_check() -> None:
    function = "arn:aws:lambda:us-east-1:123456789012:function:f:1"
    invoke_only = {"Version": "2012-10-17",
                   "Statement": [{"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": function}]}
    partial = PolicySource(invoke_only, "main.tf", 9, "data.aws_iam_policy_document.p", unread=(UnreadPart("dynamic", 12),))
    whole = PolicySource(invoke_only, "main.tf", 9, "data.aws_iam_policy_document.p")

    def rules(source: PolicySource) -> list[str]:
        role = RoleSource("aws_iam_role.batch", "main.tf", 1, (), (source,), "LambdaInvoke", "tag S3BatchOperation")
        return sorted({f.rule for f in lint_sources([], [role])})

    assert rules(whole) == ["S3B111"]
    assert rules(partial) == ["S3B115"]


def test_dynamic_wildcard_grant_fires_the_wildcard_rule() -> None:
    findings = [f for f in lint_paths([TF / "dynamic_wildcard"]) if f.rule == "S3B101"]
    assert [(f.line, f.resource, f.message) for f in findings] == [
        (20, "data.aws_iam_policy_document.broad", "statement #3 allows s3:*")
    ]


def test_module_arguments_give_every_callers_statements(tmp_path: Path) -> None:
    module = tmp_path / "policy"
    module.mkdir()
    (module / "main.tf").write_text(
        'variable "actions" {}\n'
        'resource "aws_iam_policy" "p" {\n  policy = data.aws_iam_policy_document.p.json\n}\n'
        'data "aws_iam_policy_document" "p" {\n'
        '  dynamic "statement" {\n    for_each = var.actions\n'
        '    content {\n      actions   = [statement.value.name]\n      resources = [statement.value.arn]\n    }\n  }\n}\n',
        encoding="utf-8",
    )
    (tmp_path / "main.tf").write_text(
        'module "read" {\n  source  = "./policy"\n  actions = [{ name = "s3:GetObject", arn = "arn:aws:s3:::a/*" }]\n}\n'
        'module "tag" {\n  source  = "./policy"\n  actions = [{ name = "s3:PutObjectTagging" }]\n}\n',
        encoding="utf-8",
    )
    statements = _documents(tmp_path)["data.aws_iam_policy_document.p"].document["Statement"]
    assert [(s["Action"], s["Resource"]) for s in statements] == [
        ("s3:GetObject", "arn:aws:s3:::a/*"),
        ("s3:PutObjectTagging", "${statement.value.arn}"),  # no such attribute: stays unknown
    ]
