"""Trust rules S3B001-S3B008 with named pass/fail fixtures, plus malformed trust documents (S3B000)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.validate.linter.conftest import BATCH, batch_statement, trust

CASES = [
    # name, document, expected rule ids (sorted) for a batch role's trust policy
    ("aws-documented", trust(batch_statement()), ["S3B008"]),
    ("with-source-account", trust(batch_statement(Condition={"StringEquals": {"aws:SourceAccount": "123456789012"}})), []),
    ("service-list", trust(batch_statement(Principal={"Service": [BATCH]})), ["S3B008"]),
    ("wrong-service", trust(batch_statement(Principal={"Service": "s3.amazonaws.com"})), ["S3B001", "S3B003"]),
    ("typo-service", trust(batch_statement(Principal={"Service": "batchoperation.s3.amazonaws.com"})), ["S3B001", "S3B003"]),
    ("wildcard-principal", trust(batch_statement(Principal="*")), ["S3B001", "S3B002"]),
    ("wildcard-aws", trust(batch_statement(Principal={"AWS": "*", "Service": BATCH})), ["S3B002", "S3B008"]),
    ("extra-account", trust(batch_statement(Principal={"Service": BATCH, "AWS": "arn:aws:iam::123456789012:root"})), ["S3B003", "S3B008"]),
    ("extra-service", trust(batch_statement(), batch_statement(Principal={"Service": "lambda.amazonaws.com"})), ["S3B003", "S3B008"]),
    ("extra-action", trust(batch_statement(Action=["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"])), ["S3B004", "S3B008"]),
    ("sts-wildcard", trust(batch_statement(Action="sts:*")), ["S3B004", "S3B008"]),
    ("tag-session", trust(batch_statement(Action=["sts:AssumeRole", "sts:TagSession"])), ["S3B005", "S3B008"]),
    ("source-identity", trust(batch_statement(Action=["sts:AssumeRole", "sts:SetSourceIdentity"])), ["S3B005", "S3B008"]),
    ("not-principal", trust({"Effect": "Allow", "NotPrincipal": {"Service": BATCH}, "Action": "sts:AssumeRole"}), ["S3B001", "S3B006"]),
    ("not-action", trust({"Effect": "Allow", "Principal": {"Service": BATCH}, "NotAction": "sts:AssumeRoleWithSAML"}), ["S3B006", "S3B008"]),
    ("deny-statement", trust(batch_statement(), batch_statement(Effect="Deny", Condition={"Bool": {"aws:SecureTransport": "false"}})), ["S3B007", "S3B008"]),
    ("placeholder-service", trust(batch_statement(Principal={"Service": "${var.service}"})), []),
    ("placeholder-principal-type", trust(batch_statement(Principal={"Service": BATCH, "${each.value.type}": "x"})), ["S3B008"]),
    ("no-statement", {"Version": "2012-10-17", "Statement": [], "Principal": "x"}, ["S3B000", "S3B001"]),
    ("not-a-policy", "not a policy", ["S3B000", "S3B001"]),
]


@pytest.mark.parametrize(("name", "document", "expected"), CASES, ids=[c[0] for c in CASES])
def test_batch_trust_rules(name: str, document: dict, expected: list[str], rules_of: Callable[..., list[str]]) -> None:
    assert rules_of(document, kind="trust") == expected


def test_missing_source_account_is_information_only(findings_of: Callable) -> None:
    (finding,) = findings_of(trust(batch_statement()))
    assert (finding.rule, finding.severity.value, finding.blocking) == ("S3B008", "info", False)


def test_shared_role_is_one_split_the_role_finding(findings_of: Callable) -> None:
    document = trust(
        batch_statement(Principal={"Service": ["s3.amazonaws.com", BATCH]}),
        batch_statement(Principal={"AWS": "arn:aws:iam::123456789012:root"}),
        {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/x"},
         "Action": "sts:AssumeRoleWithWebIdentity"},
    )
    found = [f for f in findings_of(document, kind="trust") if f.rule != "S3B008"]
    assert [f.rule for f in found] == ["S3B003"]  # no S3B004 for the OIDC provider's web-identity statement
    assert "split the role" in found[0].message
    assert all(p in found[0].message for p in ("s3.amazonaws.com", "123456789012:root", "oidc-provider/x"))


DETECTED = [
    # name, document, expected rule ids when the kind is told by the document (no kind given)
    ("principal", trust(batch_statement(Principal={"Service": "s3.amazonaws.com"})), ["S3B001", "S3B003"]),
    ("assume-role", trust({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}), ["S3B001", "S3B002"]),
    ("malformed", {"Statement": [{"Effect": "Allow", "Principal": 7, "Action": "sts:AssumeRole"}]}, ["S3B000", "S3B001"]),
    # resource policies with a principal get no trust findings
    ("bucket-policy", {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                      "Resource": "arn:aws:s3:::b/*"}]}, []),
    ("key-policy", {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt",
                                   "Resource": "*"}]}, []),
    ("vpc-endpoint-policy", {"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
                                            "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1"}}}]}, []),
]


@pytest.mark.parametrize(("name", "document", "expected"), DETECTED, ids=[c[0] for c in DETECTED])
def test_trust_policies_are_told_from_resource_policies(name: str, document: object, expected: list[str],
                                                        rules_of: Callable[..., list[str]]) -> None:
    assert rules_of(document) == expected


def test_trust_rules_name_the_problem(findings_of: Callable) -> None:
    messages = {f.rule: f.message for f in findings_of(trust(batch_statement(Principal={"Service": "s3.amazonaws.com"})))}
    assert "found s3.amazonaws.com" in messages["S3B001"]
    assert "every job fails" in messages["S3B001"]
    assert "Service:s3.amazonaws.com" in messages["S3B003"]
