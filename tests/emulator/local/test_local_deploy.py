"""`s3batch local deploy` creates what terraform/ creates, named and configured from terraform/ itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from s3batch.emulator.local.deploy import TERRAFORM_DIR, deploy, plan, sample_function
from s3batch.emulator.local.stack import StackInfo
from s3batch_core.aws import make_client
from s3batch_core.contract.stack_outputs import OUTPUTS, load_outputs
from s3batch_core.iam.catalogue import JobScope, build_policy, trust_policy
from s3batch_core.terraform.evaluate import with_defaults
from s3batch_core.terraform.load import load_module

DEFAULTS = with_defaults(load_module(TERRAFORM_DIR), {})


@pytest.fixture()
def deployed(stack: Any, tmp_path: Path) -> tuple[StackInfo, Path, Any]:
    info = StackInfo(stack.endpoint_url, stack.port, 0)
    outputs_path = tmp_path / "outputs.json"
    return info, outputs_path, deploy(info, outputs_path)


def test_function_settings_are_terraforms() -> None:
    function = sample_function(plan())
    assert (function.name, function.handler) == (DEFAULTS["name"], "handler.detect_sentiment")
    environment = function.environment  # terraform/modules/sentiment_lambda's map of the root variables
    assert environment["SENTIMENT_BACKEND"] == "lexicon"  # the one deliberate local difference
    assert (environment["LANGUAGE_CODE"], environment["SENTIMENT_MODE"], environment["MAX_BYTES"]) == (
        DEFAULTS["language_code"], DEFAULTS["sentiment_mode"], str(DEFAULTS["max_bytes"]))
    assert (function.runtime, function.memory_size, function.timeout) == (
        DEFAULTS["lambda_runtime"], DEFAULTS["lambda_memory_size"], DEFAULTS["lambda_timeout"])


def test_deploy_creates_bucket_role_and_function_and_writes_terraform_shaped_outputs(
    deployed: tuple[StackInfo, Path, Any]
) -> None:
    info, outputs_path, outputs = deployed
    name = DEFAULTS["name"]  # terraform/main.tf: bucket <name>-<account>-<region>, roles <name>-batch and <name>-exec
    document = json.loads(outputs_path.read_text())
    assert list(document) == list(OUTPUTS)
    assert all(entry == {"sensitive": False, "type": "string", "value": entry["value"]} for entry in document.values())
    assert load_outputs(outputs_path) == outputs
    assert outputs.bucket_name == f"{name}-123456789012-us-east-1"
    s3 = make_client("s3", endpoint_url=info.endpoint_url)
    assert s3.get_bucket_versioning(Bucket=outputs.bucket_name)["Status"] == "Enabled"
    iam = make_client("iam", endpoint_url=info.endpoint_url)
    role = iam.get_role(RoleName=f"{name}-batch")["Role"]
    assert role["AssumeRolePolicyDocument"] == trust_policy() and role["Arn"] == outputs.batch_role_arn
    policy = iam.get_role_policy(RoleName=f"{name}-batch", PolicyName=f"s3-batch-operations-{DEFAULTS['operation']}")
    assert policy["PolicyDocument"] == build_policy(JobScope(
        operation="LambdaInvoke", manifest_bucket=outputs.bucket_name, manifest_key=outputs.manifest_prefix + "*",
        report_bucket=outputs.report_bucket, report_prefix=outputs.report_prefix, bucket=outputs.bucket_name,
        function_arn=outputs.function_arn,
    ))
    function = make_client("lambda", endpoint_url=info.endpoint_url).get_function(FunctionName=outputs.function_arn)
    config, settings = function["Configuration"], sample_function(plan())
    assert outputs.function_arn == f"arn:aws:lambda:us-east-1:123456789012:function:{name}:1"
    assert config["Role"] == iam.get_role(RoleName=f"{name}-exec")["Role"]["Arn"]
    assert (config["Handler"], config["Runtime"], config["MemorySize"], config["Timeout"]) == (
        "handler.detect_sentiment", settings.runtime, settings.memory_size, settings.timeout)
    assert config["Environment"]["Variables"] == settings.environment


def test_deploy_twice_changes_nothing(deployed: tuple[StackInfo, Path, Any]) -> None:
    info, outputs_path, first = deployed
    second = deploy(info, outputs_path)
    assert second == first
    lam = make_client("lambda", endpoint_url=info.endpoint_url)
    name = DEFAULTS["name"]
    versions = [v["Version"] for v in lam.list_versions_by_function(FunctionName=name)["Versions"]]
    assert versions == ["$LATEST", "1"]
    assert len(make_client("s3", endpoint_url=info.endpoint_url).list_buckets()["Buckets"]) == 1


def test_deploy_needs_no_aws_configuration_and_ignores_a_missing_profile(
    stack: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The stack runs in this process here (its own process scrubs AWS_PROFILE): moto builds each service's
    # backend on first use with a botocore session that would read the profile below, so build them first.
    make_client("s3", endpoint_url=stack.endpoint_url).list_buckets()
    make_client("iam", endpoint_url=stack.endpoint_url).list_roles()
    make_client("lambda", endpoint_url=stack.endpoint_url).list_functions()
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")  # e.g. a CI variable meant for another step
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "absent-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "absent-credentials"))
    outputs = deploy(StackInfo(stack.endpoint_url, stack.port, 0), tmp_path / "outputs.json")
    assert outputs.function_arn.endswith(":1")
    assert load_outputs(tmp_path / "outputs.json") == outputs
