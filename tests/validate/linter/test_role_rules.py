"""Role rules: new access (S3B110) and missing access (S3B111) against the catalogue, plus S3B112-S3B114."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from collections.abc import Callable

import pytest

from s3batch_core.iam.catalogue import OPERATIONS, JobScope, build_policy
from validate.linter.engine import lint_sources
from validate.linter import lint_paths
from validate.linter.rules._scope import minimal_scope
from validate.linter.sources import PolicySource, RoleSource
from tests.validate.linter.conftest import TF

LOCATIONS = ("manifests-bkt", "manifests/job.csv", "reports-bkt", "reports/")  # manifest and report
SCOPES = {
    "LambdaInvoke": JobScope("LambdaInvoke", *LOCATIONS,
                             function_arn="arn:aws:lambda:us-east-1:123456789012:function:sentiment:3"),
    "S3PutObjectTagging": JobScope("S3PutObjectTagging", *LOCATIONS, bucket="data-bkt"),
    "S3PutObjectCopy": JobScope("S3PutObjectCopy", *LOCATIONS, bucket="src-bkt", destination_bucket="dst-bkt"),
}


def _without_action(policy: dict, action: str) -> dict:
    policy = copy.deepcopy(policy)
    for statement in policy["Statement"]:
        actions = [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
        statement["Action"] = [a for a in actions if a != action] or ["s3:GetObject"]
    return policy


@pytest.mark.parametrize("operation", sorted(SCOPES))
def test_catalogue_policy_passes_exactly_and_by_shape(operation: str, rules_of: Callable[..., list[str]]) -> None:
    scope = SCOPES[operation]
    policy = build_policy(scope)
    assert rules_of(policy, scope=scope) == []
    assert rules_of(policy, operation=operation) == []


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_operation_accepts_its_own_generated_policy_by_shape(operation: str, rules_of: Callable[..., list[str]]) -> None:
    assert rules_of(build_policy(minimal_scope(operation)), operation=operation) == []


def test_extra_action_is_new_access(findings_of: Callable) -> None:
    scope = SCOPES["S3PutObjectTagging"]
    policy = build_policy(scope)
    policy["Statement"].append({"Sid": "Extra", "Effect": "Allow", "Action": ["s3:DeleteObject"], "Resource": "arn:aws:s3:::data-bkt/*"})
    (finding,) = [f for f in findings_of(policy, operation="S3PutObjectTagging") if f.rule == "S3B110"]
    assert 'statement "Extra" grants s3:DeleteObject' in finding.message
    assert "S3PutObjectTagging jobs never use" in finding.message


def test_report_write_on_bucket_arn_is_missing_by_shape(findings_of: Callable) -> None:
    policy = {
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::m/manifests/*"},
            {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::reports"},
            {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f:1"},
        ]
    }
    missing = [f.message for f in findings_of(policy, operation="LambdaInvoke") if f.rule == "S3B111"]
    assert missing == [
        "this LambdaInvoke job cannot deliver its completion report (AWS: the job completes without it): "
        "the role cannot s3:PutObject to write the report (no Allow statement grants it on an object ARN)"
    ]


def _without_manifest_read(policy: dict) -> dict:
    return {**policy, "Statement": [st for st in policy["Statement"] if st["Sid"] != "ReadManifest"]}


@pytest.mark.parametrize(("remove", "consequence"), [
    (_without_manifest_read, "this LambdaInvoke job will fail: the role cannot s3:GetObject to read the manifest"),
    (lambda policy: _without_action(policy, "lambda:InvokeFunction"),
     "each task of this LambdaInvoke job will fail, and the job may fail: the role cannot lambda:InvokeFunction"),
    (lambda policy: _without_action(policy, "s3:PutObject"),
     "this LambdaInvoke job cannot deliver its completion report (AWS: the job completes without it): "
     "the role cannot s3:PutObject to write the report"),
], ids=["manifest", "invoke", "report"])
def test_missing_access_says_what_aws_documents_happens(remove: Callable[[dict], dict], consequence: str,
                                                         findings_of: Callable) -> None:
    scope = SCOPES["LambdaInvoke"]
    policy = remove(build_policy(scope))
    for findings in (findings_of(policy, scope=scope), findings_of(policy, operation="LambdaInvoke")):
        (message,) = [f.message for f in findings if f.rule == "S3B111"]
        assert message.startswith(consequence)


def test_exact_scope_catches_the_wrong_bucket(findings_of: Callable) -> None:
    scope = SCOPES["S3PutObjectTagging"]
    other = JobScope("S3PutObjectTagging", "manifests-bkt", "manifests/job.csv", "reports-bkt", "reports/", bucket="other-bkt")
    missing = [f for f in findings_of(build_policy(other), scope=scope) if f.rule == "S3B111"]
    assert missing and all("s3:PutObjectTagging" in f.message for f in missing)


def test_interpolated_resources_never_report_missing(rules_of: Callable[..., list[str]]) -> None:
    policy = {
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:${var.partition}:s3:::${var.manifest_bucket}/${var.prefix}*"},
            {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "${aws_s3_bucket.reports.arn}/*"},
            {"Effect": "Allow", "Action": ["s3:PutObjectTagging"], "Resource": "${var.target_objects_arn}"},
        ]
    }
    assert rules_of(policy, operation="S3PutObjectTagging") == []


def _role(operation: str | None, permissions: tuple[PolicySource, ...] = (), unreadable: tuple[str, ...] = ()) -> RoleSource:
    return RoleSource("aws_iam_role.batch", "main.tf", 3, (), permissions, operation, "tag S3BatchOperation", unreadable)


def test_role_without_operation_is_a_warning() -> None:
    (finding,) = lint_sources([], [_role(None)])
    assert (finding.rule, finding.severity.value, finding.line) == ("S3B113", "warning", 3)


def test_unknown_operation_is_an_error() -> None:
    (finding,) = lint_sources([], [_role("S3Teleport")])
    assert finding.rule == "S3B112" and '"S3Teleport" (tag S3BatchOperation)' in finding.message


def test_unreadable_attachment_turns_off_missing_check() -> None:
    empty = PolicySource({"Version": "2012-10-17", "Statement": []}, "main.tf", 9, "aws_iam_role_policy.p")
    rules = [f.rule for f in lint_sources([], [_role("LambdaInvoke", (empty,), ("${var.extra_policy_arn}",))])]
    assert rules == ["S3B114"]
    rules = [f.rule for f in lint_sources([], [_role("LambdaInvoke", (empty,))])]
    assert set(rules) == {"S3B111"}


def test_undeclared_role_is_checked_against_every_operation(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_iam_role" "batch" {\n'
        '  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow",\n'
        '    Principal = { Service = "batchoperations.s3.amazonaws.com" }, Action = "sts:AssumeRole" }] })\n'
        "}\n"
        'resource "aws_iam_role_policy" "batch" {\n'
        "  role = aws_iam_role.batch.id\n"
        '  policy = jsonencode({ Version = "2012-10-17", Statement = [\n'
        '    { Effect = "Allow", Action = ["s3:RestoreObject", "s3:PutObjectTagging"], Resource = "arn:aws:s3:::b/*" },\n'
        '    { Effect = "Allow", Action = ["s3:ReplicateObject", "s3:DeleteObject"], Resource = "arn:aws:s3:::b/*" },\n'
        "  ] })\n}\n",
        encoding="utf-8",
    )
    findings = lint_paths([tmp_path])
    assert sorted(f.rule for f in findings if f.severity.value != "info") == ["S3B110", "S3B113"]
    (new,) = [f for f in findings if f.rule == "S3B110"]
    # actions some operation uses (restore, tagging) are fine; none needs these two
    assert "s3:ReplicateObject, s3:DeleteObject, which no S3 Batch Operations job uses" in new.message
    assert new.line == 9


@pytest.mark.parametrize(("action", "resource", "expected"), [
    ("s3:PutObjectTag*", "arn:aws:s3:::data-bkt/*", []),  # expands to the operation's own s3:PutObjectTagging
    ("s3:GetBucketLocation", "arn:aws:s3:::reports-bkt", []),  # tolerated
    ("s3:GetBucketObjectLockConfiguration", "arn:aws:s3:::data-bkt/*", ["S3B103"]),  # does nothing, not new access
], ids=["wildcard", "bucket-location", "grant-that-does-nothing"])
def test_extra_grants_that_are_not_new_access(action: str, resource: str, expected: list[str],
                                               rules_of: Callable[..., list[str]]) -> None:
    policy = build_policy(SCOPES["S3PutObjectTagging"])
    policy["Statement"].append({"Effect": "Allow", "Action": action, "Resource": resource})
    assert rules_of(policy, operation="S3PutObjectTagging") == expected


def test_operation_skips_a_submitters_json_beside_the_role(tmp_path: Path) -> None:
    """JSON files in one folder: the submitter's policy (it names s3:CreateJob) is not a batch role of its own."""
    submitter = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:CreateJob", "Resource": "*"},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/copy-role"}]}
    (tmp_path / "submitter.json").write_text(json.dumps(submitter), encoding="utf-8")
    role = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::src/*"}]}
    (tmp_path / "role.json").write_text(json.dumps(role), encoding="utf-8")
    findings = lint_paths([tmp_path], operation="S3PutObjectCopy")
    assert {f.rule for f in findings if Path(f.file).name == "submitter.json"} <= {"S3B008"}
    assert any(f.rule == "S3B111" for f in findings if Path(f.file).name == "role.json")  # the role is still checked


def test_an_undeclared_copy_role_is_checked_as_one() -> None:
    """Reads from a bucket named the source, writes into one named the destination: a copy role (rules/_evident.py)."""
    findings = [f for f in lint_paths([TF / "copy_evident"]) if f.severity.value != "info"]
    (undeclared,) = [f for f in findings if f.rule == "S3B113"]
    assert undeclared.severity.value == "warning" and undeclared.message.endswith(
        "checked for S3PutObjectCopy jobs, since it reads objects from ${var.source_bucket_arn}/* and writes objects "
        "into ${var.destination_bucket_arn}/*")
    missing = sorted(f.message.split("the role cannot ")[1].split(" ")[0] for f in findings if f.rule == "S3B111")
    assert missing == ["s3:GetObjectAcl", "s3:GetObjectTagging", "s3:PutObjectAcl", "s3:PutObjectTagging"]
    assert {f.rule for f in findings} == {"S3B111", "S3B113"}


@pytest.mark.parametrize(("change", "why"), [
    (("${var.destination_bucket_arn}/*", "${var.reports_bucket_arn}/*"), "writes into no bucket named the destination"),
    (('["s3:PutObject"]', '["s3:PutObject", "s3:InitiateReplication"]'), "grants what only replication uses"),
    (('["s3:PutObject"]', '["s3:PutObject", "lambda:InvokeFunction"]'), "grants what only Lambda invoke uses"),
    (('["s3:GetObject", ', '["s3:GetObject*", '), "reads the source only through a wildcard"),
])
def test_no_operation_is_guessed_from_anything_less_than_a_copy(tmp_path: Path, change: tuple[str, str], why: str) -> None:
    text = (TF / "copy_evident" / "main.tf").read_text(encoding="utf-8")
    assert change[0] in text
    (tmp_path / "main.tf").write_text(text.replace(change[0], change[1]), encoding="utf-8")
    findings = lint_paths([tmp_path])
    (undeclared,) = [f for f in findings if f.rule == "S3B113"]
    assert "checked for" not in undeclared.message, why
    assert not [f for f in findings if f.rule == "S3B111"], why
