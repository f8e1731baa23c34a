"""The IAM JSON normaliser: every accepted form, and problems recorded instead of exceptions."""

from __future__ import annotations

import pytest

from validate.linter.model import PERMISSION, TRUST, Principal, parse_policy


def test_single_statement_object_and_string_elements_are_normalised() -> None:
    policy = parse_policy(
        {"Version": "2012-10-17", "Statement": {"Sid": "S", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}
    )
    (statement,) = policy.statements
    assert statement.actions == ("s3:GetObject",)
    assert statement.resources == ("arn:aws:s3:::b/*",)
    assert statement.not_actions is None
    assert statement.label == 'statement "S"'
    assert policy.problems == ()
    assert policy.detected_kind == PERMISSION


def test_principal_forms() -> None:
    policy = parse_policy({"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::1:root", "*"], "Service": "x.amazonaws.com"},
         "Action": "sts:AssumeRole"},
    ]})
    assert policy.detected_kind == TRUST
    assert policy.statements[0].principals == (Principal("*", "*"),)
    assert [str(p) for p in policy.statements[1].principals or ()] == ["AWS:arn:aws:iam::1:root", "AWS:*", "Service:x.amazonaws.com"]
    assert policy.statements[1].principals[1].is_wildcard  # type: ignore[index]


def test_condition_values_become_strings() -> None:
    policy = parse_policy(
        {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": True}}}]}
    )
    (condition,) = policy.statements[0].conditions
    assert (condition.operator, condition.key, condition.values) == ("Bool", "aws:SecureTransport", ("true",))


@pytest.mark.parametrize(
    ("name", "document", "problem"),
    [
        ("not-an-object", ["Statement"], "not an object"),
        ("no-statement", {"Version": "2012-10-17"}, "no Statement"),
        ("bad-version", {"Version": "2012-10-18", "Statement": []}, 'Version "2012-10-18"'),
        ("typo-key", {"Statement": [{"Effect": "Allow", "Actions": "s3:GetObject", "Resource": "*"}]}, 'unknown key "Actions"'),
        ("bad-effect", {"Statement": [{"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}]}, "must be Allow or Deny"),
        ("action-and-notaction", {"Statement": [{"Effect": "Allow", "Action": "a:b", "NotAction": "c:d", "Resource": "*"}]}, "exactly one of Action"),
        ("statement-not-object", {"Statement": ["x"]}, "is not an object"),
        ("number-action", {"Statement": [{"Effect": "Allow", "Action": [1], "Resource": "*"}]}, "must be a string"),
        ("bad-principal", {"Statement": [{"Effect": "Allow", "Principal": "batch", "Action": "sts:AssumeRole"}]}, 'Principal must be "*"'),
        ("bad-principal-type", {"Statement": [{"Effect": "Allow", "Principal": {"Svc": "x"}, "Action": "sts:AssumeRole"}]}, 'unknown Principal type "Svc"'),
        ("bad-condition", {"Statement": [{"Effect": "Allow", "Action": "a:b", "Resource": "*", "Condition": "x"}]}, "Condition must be an object"),
    ],
)
def test_malformed_documents_are_reported_not_raised(name: str, document: object, problem: str) -> None:
    problems = parse_policy(document).problems
    assert any(problem in p for p in problems), (name, problems)
