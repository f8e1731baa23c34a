"""The batch role's policies, extracted from the HCL, are exactly what the policy catalogue generates."""

from __future__ import annotations

import itertools
import json

import pytest

from s3batch_core.iam.catalogue import OPERATIONS, build_policy, submitter_policy, trust_policy
from s3batch_core.terraform import plan
from validate.terraform_tools import TERRAFORM_ROOT, expectations

BATCH_ROLE = TERRAFORM_ROOT / "modules" / "batch_role"
ACCOUNT = plan.Account()
FUNCTION_ARN, FULL_INPUTS = expectations.FUNCTION_ARN, expectations.FULL_INPUTS
_required_inputs, _inputs_for, _scope = expectations.required_inputs, expectations.inputs_for, expectations.job_scope


def _role(operation: str, **inputs: object) -> plan.Instance:
    return plan.plan_root(BATCH_ROLE, {**expectations.ROLE_VARIABLES, "operation": operation, **inputs}, ACCOUNT)


def _preconditions_hold(role: plan.Instance) -> bool:
    body = role.module.resources[("aws_iam_role", "this")]
    return all(role.value(check["condition"]) for check in body["lifecycle"][0]["precondition"])


@pytest.mark.parametrize("operation", OPERATIONS)
def test_preconditions_require_what_the_catalogue_requires(operation: str) -> None:
    assert _preconditions_hold(_role(operation, **FULL_INPUTS))
    refused = {name for name in FULL_INPUTS
               if not _preconditions_hold(_role(operation, **{**FULL_INPUTS, name: [] if name == "kms_key_arns" else ""}))}
    assert refused == _required_inputs(operation)


def test_manifest_and_report_locations_must_differ() -> None:
    assert not _preconditions_hold(_role("LambdaInvoke", function_arn=FUNCTION_ARN, report_prefix="manifests/"))
    assert _preconditions_hold(_role("LambdaInvoke", function_arn=FUNCTION_ARN, report_bucket="other-bucket",
                                     report_prefix="manifests/"))


def _permission_policy(role: plan.Instance) -> dict:
    return json.loads(role.resource_arguments("aws_iam_role_policy", "this")["policy"])


@pytest.mark.parametrize(("operation", "versioned", "kms"), list(itertools.product(OPERATIONS, (False, True), (False, True))))
def test_permission_policy_is_the_generated_one(operation: str, versioned: bool, kms: bool) -> None:
    inputs = _inputs_for(operation, kms)
    role = _role(operation, versioned=versioned, **inputs)
    assert role.output("batch_role_policy_file") == expectations.policy_file(operation, versioned, inputs)
    assert _permission_policy(role) == build_policy(_scope(operation, versioned, inputs))


def test_inputs_an_operation_does_not_use_change_nothing() -> None:
    """The root stack passes target_bucket (and the others) whatever the operation."""
    lean = _permission_policy(_role("LambdaInvoke", function_arn=FUNCTION_ARN))
    full = _permission_policy(_role("LambdaInvoke", function_arn=FUNCTION_ARN, target_bucket="data-bucket",
                                    destination_bucket="elsewhere"))
    assert lean == full


@pytest.mark.parametrize("source_account", [False, True])
def test_trust_policy_is_the_generated_one(source_account: bool) -> None:
    role = _role("LambdaInvoke", function_arn=FUNCTION_ARN, source_account_condition=source_account)
    trust = json.loads(role.resource_arguments("aws_iam_role", "this")["assume_role_policy"])
    assert trust == trust_policy(ACCOUNT.account_id if source_account else None)


def test_submitter_policy_is_the_generated_one() -> None:
    role = _role("LambdaInvoke", function_arn=FUNCTION_ARN)
    role_arn = role.output("batch_role_arn")
    assert json.loads(role.output("submitter_policy_json")) == submitter_policy(role_arn)


def test_role_is_tagged_with_its_operation() -> None:
    role = _role("S3PutObjectTagging", target_bucket="data-bucket", tags={"team": "data"})
    assert role.resource_arguments("aws_iam_role", "this")["tags"] == {"team": "data", "S3BatchOperation": "S3PutObjectTagging"}


def test_root_stack_role_gets_the_policy_for_its_own_resources() -> None:
    stack = plan.plan_root(TERRAFORM_ROOT)
    outputs = stack.outputs
    expected = _scope("LambdaInvoke", False, {"function_arn": outputs["function_arn"]},
                      manifest_bucket=outputs["manifest_bucket"], report_bucket=outputs["report_bucket"])
    assert _permission_policy(stack.child("batch_role")) == build_policy(expected)


@pytest.mark.parametrize(("example", "operation", "inputs"), [
    ("tagging", "S3PutObjectTagging", {"target_bucket": "bucket_name"}),
    ("restore", "S3InitiateRestoreObject", {"target_bucket": "bucket_name"}),
    ("copy", "S3PutObjectCopy", {"target_bucket": "bucket_name", "destination_bucket": "destination_bucket_name"}),
])
def test_examples_get_the_policy_for_their_operation(example: str, operation: str, inputs: dict[str, str]) -> None:
    stack = plan.plan_root(TERRAFORM_ROOT / "examples" / example).child("job_stack")
    role = stack.child("batch_role")
    buckets = {name: stack.output(output) for name, output in inputs.items()}
    job_bucket = buckets["target_bucket"]
    expected = _scope(operation, False, buckets, manifest_bucket=job_bucket, report_bucket=job_bucket)
    assert role.variables["operation"] == operation
    assert _permission_policy(role) == build_policy(expected)
