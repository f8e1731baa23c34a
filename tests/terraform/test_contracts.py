"""Names and value lists the Terraform code shares with the rest of the kit come from one place each."""

from __future__ import annotations

import sys

import botocore.session
import pytest

from s3batch_core.contract.stack_outputs import OUTPUTS, parse_outputs
from s3batch_core.terraform import evaluate, load, plan
from s3batch_core.iam.catalogue import OPERATIONS
from validate.terraform_tools import TERRAFORM_ROOT, tfdocs

TERRAFORM = TERRAFORM_ROOT
LAMBDA_MODULE = TERRAFORM / "modules" / "sentiment_lambda"
sys.path.insert(0, str(TERRAFORM.parent / "lambda" / "sentiment"))
from batch_sentiment import settings, telemetry  # noqa: E402 - the function's own package


def _validation_list(directory, variable: str) -> list[str]:
    """The list a variable's `contains([...], var.x)` validation accepts."""
    spec = load.load_module(directory).variables[variable]
    scope = evaluate.Scope(variables={})
    for validation in spec.get("validation", []):
        calls = evaluate.find_calls(evaluate.parse_expression(validation["condition"]), "contains")
        if calls:
            return evaluate.evaluate_node(evaluate.call_arguments(calls[0])[0], scope)
    raise AssertionError(f"{directory}: variable {variable} has no contains([...]) validation")


def test_root_outputs_are_the_stack_outputs_contract() -> None:
    assert set(load.load_module(TERRAFORM).outputs) == set(OUTPUTS)


@pytest.mark.parametrize("variables", [{}, {"separate_job_bucket": True, "region": "eu-west-1"}])
def test_root_outputs_satisfy_the_job_tooling(variables: dict) -> None:
    outputs = plan.plan_root(TERRAFORM_ROOT, variables).outputs
    parsed = parse_outputs({name: {"value": value} for name, value in outputs.items()}, "terraform/outputs.tf")
    assert parsed.function_arn.endswith(":1"), "jobs must get the published version"
    assert parsed.batch_role_arn.endswith(":role/s3batch-sentiment-batch")


def test_bucket_region_output_reads_the_buckets_region() -> None:
    """Provider 6.x: `region` is where the provider manages the bucket; `bucket_region` is the bucket's."""
    stack = plan.plan_root(TERRAFORM_ROOT, {"region": "eu-west-1"})
    assert stack.child("data_bucket").output("s3_bucket_region") == "eu-west-1"


def test_operation_validation_lists_every_catalogue_operation() -> None:
    assert _validation_list(TERRAFORM / "modules" / "batch_role", "operation") == list(OPERATIONS)


@pytest.mark.parametrize("directory", [TERRAFORM, TERRAFORM / "modules" / "job_stack"], ids=["root", "job_stack"])
def test_callers_leave_the_operation_check_to_the_batch_role(directory) -> None:
    """One list of operations: a caller hands var.operation on as it is, and the batch_role module checks it."""
    module = load.load_module(directory)
    assert module.variables["operation"].get("validation", []) == []
    assert module.modules["batch_role"]["operation"] == "${var.operation}"


def test_language_codes_are_comprehends() -> None:
    model = botocore.session.get_session().get_service_model("comprehend")
    enum = model.operation_model("DetectSentiment").input_shape.members["LanguageCode"].enum
    assert sorted(_validation_list(LAMBDA_MODULE, "language_code")) == sorted(enum)


def test_function_settings_match_what_the_handler_reads() -> None:
    module = load.load_module(LAMBDA_MODULE)
    defaults = {name: spec.get("default") for name, spec in module.variables.items()}
    assert _validation_list(LAMBDA_MODULE, "sentiment_backend") == list(settings.BACKENDS)
    assert _validation_list(LAMBDA_MODULE, "sentiment_mode") == list(settings.MODES)
    assert defaults["sentiment_backend"] == settings.DEFAULT_BACKEND
    assert defaults["language_code"] == settings.DEFAULT_LANGUAGE
    assert defaults["sentiment_mode"] == settings.DEFAULT_MODE
    assert defaults["max_bytes"] == settings.DEFAULT_MAX_BYTES
    assert defaults["powertools_service_name"] == telemetry.DEFAULT_SERVICE
    assert defaults["powertools_metrics_namespace"] == telemetry.DEFAULT_NAMESPACE
    ceiling = plan.plan_root(LAMBDA_MODULE, {"function_name": "f", "package_path": "p", "data_bucket": "b",
                                              "max_bytes": settings.MAX_BYTES_CEILING}, plan.Account())
    condition = module.variables["max_bytes"]["validation"][0]["condition"]
    assert ceiling.value(condition)
    ceiling.variables["max_bytes"] = settings.MAX_BYTES_CEILING + 1
    assert not evaluate.evaluate(condition, evaluate.Scope(ceiling.variables))


def test_function_environment_and_handler() -> None:
    stack = plan.plan_root(TERRAFORM_ROOT)
    function = stack.child("sentiment_lambda")
    environment = function.scope.local("environment")
    assert environment == {
        "SENTIMENT_BACKEND": "comprehend", "LANGUAGE_CODE": "en", "SENTIMENT_MODE": "head",
        "MAX_BYTES": str(settings.DEFAULT_MAX_BYTES), "POWERTOOLS_SERVICE_NAME": telemetry.DEFAULT_SERVICE,
        "POWERTOOLS_METRICS_NAMESPACE": telemetry.DEFAULT_NAMESPACE, "POWERTOOLS_LOG_LEVEL": "INFO",
    }
    settings.load_settings(environment)  # the handler accepts it
    arguments = function.resource_arguments("aws_lambda_function", "this")
    assert arguments["handler"] == "handler.detect_sentiment"
    assert (TERRAFORM.parent / "lambda" / "sentiment" / "handler.py").is_file()
    assert arguments["publish"] is True
    assert arguments["layers"] == [
        "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:27"]
    assert function.variables["package_path"].endswith("/../build/lambda/sentiment.zip")


def test_readmes_are_in_step_with_the_code() -> None:
    assert tfdocs.stale_readmes() == []


def test_readme_check_notices_a_change(tmp_path) -> None:
    module = tmp_path / "m"
    module.mkdir()
    (module / "variables.tf").write_text('variable "a" {\n  description = "A."\n  type        = string\n}\n')
    (module / "README.md").write_text(f"# m\n\n{tfdocs.BEGIN}\n{tfdocs.END}\n")
    assert len(tfdocs.stale_readmes(tmp_path)) == 1
    assert tfdocs.write_readmes(tmp_path) == [module / "README.md"]
    assert tfdocs.stale_readmes(tmp_path) == []
    assert "| a | A. | `string` | n/a | yes |" in (module / "README.md").read_text()
