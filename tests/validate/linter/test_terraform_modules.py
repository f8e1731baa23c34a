"""Roles built through modules: terraform-aws-modules/iam role modules by their inputs, local modules by the call."""

from __future__ import annotations

from validate.linter import Finding, lint_paths
from validate.terraform_modules import registry_module, role_body
from tests.validate.linter.conftest import TF as TERRAFORM


def _shown(findings: list[Finding]) -> list[tuple[str, str | None]]:
    return sorted((f.rule, f.resource) for f in findings if not f.suppressed and f.severity.value != "info")


def test_registry_role_modules_are_read_from_their_inputs() -> None:
    findings = lint_paths([TERRAFORM / "module_registry"])
    assert _shown(findings) == [
        ("S3B003", "module.replication_role"),  # shared with s3.amazonaws.com: one "split the role"
        ("S3B111", "module.replication_role"),  # no manifest read
        ("S3B111", "module.replication_role"),  # no report write
        ("S3B111", "module.tagging_role"),  # no s3:PutObjectTagging
    ]
    split = next(f for f in findings if f.rule == "S3B003")
    assert "split the role" in split.message and "s3.amazonaws.com" in split.message
    # the replication grants the other service needs are not called "new access"
    assert not [f for f in findings if f.rule == "S3B110"]
    assert not [f for f in findings if f.rule == "S3B114"]  # module.replication_policy.arn is read, not "elsewhere"


def test_local_module_role_is_read_with_the_callers_arguments() -> None:
    findings = lint_paths([TERRAFORM / "local_module" / "envs" / "prod"])  # the module directory is not given
    (split,) = [f for f in findings if f.rule == "S3B003"]
    assert "lambda.amazonaws.com" in split.message
    assert split.file.endswith("modules/iam_role/main.tf")


def test_named_file_does_not_report_the_modules_it_calls() -> None:
    assert lint_paths([TERRAFORM / "local_module" / "envs" / "prod" / "main.tf"]) == []


def test_v5_default_trust_actions_and_unknown_sources() -> None:
    body = role_body(
        {"source": "terraform-aws-modules/iam/aws//modules/iam-assumable-role", "trusted_role_services": ["x.amazonaws.com"]},
    )
    assert body is not None
    # the module renders it with aws_iam_policy_document: a set, reverse-sorted as the provider writes it
    assert body["assume_role_policy"]["Statement"][0]["Action"] == ["sts:TagSession", "sts:AssumeRole"]
    assert role_body({"source": "./modules/role"}) is None
    assert registry_module("git::https://github.com/terraform-aws-modules/terraform-aws-iam.git//modules/iam-role?ref=v6.0.0") == "iam-role"


def test_attachments_outside_the_code_and_through_a_data_role_lookup() -> None:
    findings = lint_paths([TERRAFORM / "attached_elsewhere"])
    outside = [f for f in findings if f.resource == "aws_iam_role.platform_owned"]  # one info finding, no errors
    assert sorted(f.rule for f in outside) == ["S3B008", "S3B114"]
    (attached,) = [f for f in outside if f.rule == "S3B114"]
    assert "permissions attached outside this code" in attached.message and attached.severity.value == "info"
    looked_up = [f for f in findings if f.resource == "aws_iam_role.looked_up"]  # the policy is the role's
    assert [f.rule for f in looked_up if f.severity.value != "info"] == ["S3B111"]  # only the report write is missing
    assert "s3:PutObject" in next(f.message for f in looked_up if f.rule == "S3B111")
