"""What the modules must do, in one place: the python tests (tests/terraform/) check the static plan
against it, and tftests.py writes Terraform's own tests (terraform/tests/plan.tftest.hcl) from it.

Batch role: the policy catalogue (s3batch_core.iam.catalogue) is the expectation; this module only says which
module input carries which of the catalogue's CLI flags and how a module instance maps to a JobScope.
Function role: the grants per toggle, the list of the brief.
"""

from __future__ import annotations

from collections.abc import Mapping

from s3batch_core.iam.catalogue import JobScope, missing_flags
from validate.generate import template_name

ACCOUNT_ID, REGION, PARTITION = "123456789012", "us-east-1", "aws"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:sentiment:3"
KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

# ---- batch role -------------------------------------------------------------------------------------------------

# The catalogue's CLI flag for each module input an operation may require.
FLAG_OF_INPUT = {
    "target_bucket": "--bucket",
    "destination_bucket": "--destination-bucket",
    "function_arn": "--function-arn",
    "kms_key_arns": "--kms-key-arn",
}
FULL_INPUTS: dict[str, object] = {"target_bucket": "data-bucket", "destination_bucket": "copy-destination",
                                  "function_arn": FUNCTION_ARN, "kms_key_arns": [KMS_KEY]}
ROLE_VARIABLES: dict[str, object] = {"role_name": "batch", "manifest_bucket": "job-bucket", "manifest_prefix": "manifests/",
                                     "report_bucket": "job-bucket", "report_prefix": "reports/"}


def required_inputs(operation: str) -> set[str]:
    """The batch_role module inputs the catalogue requires for this operation."""
    flags = set(missing_flags(operation, manifest_bucket="m", report_bucket="r"))
    return {name for name, flag in FLAG_OF_INPUT.items() if flag in flags}


def inputs_for(operation: str, kms: bool) -> dict[str, object]:
    """The module inputs a job of this operation needs (plus a KMS key when asked)."""
    required = required_inputs(operation)
    inputs = {name: value for name, value in FULL_INPUTS.items() if name in required}
    if kms:
        inputs["kms_key_arns"] = [KMS_KEY]
    return inputs


def policy_file(operation: str, versioned: bool, inputs: Mapping[str, object]) -> str:
    """The generated template the module picks (named as validate.generate names them)."""
    return template_name(operation, versioned, bool(inputs.get("kms_key_arns")))


def job_scope(operation: str, versioned: bool, inputs: Mapping[str, object], *, manifest_bucket: str = "job-bucket",
              report_bucket: str = "job-bucket") -> JobScope:
    """The catalogue's view of a batch_role instance with these inputs (ROLE_VARIABLES' locations)."""
    return JobScope(
        operation=operation, manifest_bucket=manifest_bucket, manifest_key="manifests/*",
        report_bucket=report_bucket, report_prefix="reports/",
        bucket=inputs.get("target_bucket") or None, destination_bucket=inputs.get("destination_bucket") or None,
        function_arn=inputs.get("function_arn") or None, kms_key_arns=tuple(inputs.get("kms_key_arns", ())),
        versioned=versioned, partition=PARTITION, region=REGION,
    )


# ---- function role ----------------------------------------------------------------------------------------------

FUNCTION_VARIABLES: dict[str, object] = {"function_name": "sentiment", "package_path": "build/lambda/sentiment.zip",
                                         "data_bucket": "data-bucket", "data_prefix": "input/"}
OBJECTS = "arn:aws:s3:::data-bucket/input/*"
LOG_STREAMS = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/sentiment:*"


def function_variables(tagging: bool, backend: str, tracing: str, kms: bool) -> dict[str, object]:
    """sentiment_lambda inputs for one combination of the toggles."""
    return {**FUNCTION_VARIABLES, "tagging_enabled": tagging, "sentiment_backend": backend, "tracing_mode": tracing,
            "kms_key_arns": [KMS_KEY] if kms else []}


def function_grants(tagging: bool, backend: str, tracing: str, kms: bool) -> set[tuple[str, str]]:
    """The brief's list, per toggle: the (action, resource) pairs the execution role grants, and no others."""
    grants = {("s3:GetObject", OBJECTS), ("s3:GetObjectVersion", OBJECTS),
              ("logs:CreateLogStream", LOG_STREAMS), ("logs:PutLogEvents", LOG_STREAMS)}
    if tagging:
        grants |= {(action, OBJECTS) for action in ("s3:GetObjectTagging", "s3:GetObjectVersionTagging",
                                                   "s3:PutObjectTagging", "s3:PutObjectVersionTagging")}
    if backend == "comprehend":
        grants |= {("comprehend:DetectSentiment", "*"), ("comprehend:BatchDetectSentiment", "*")}
    if tracing == "Active":
        grants |= {("xray:PutTraceSegments", "*"), ("xray:PutTelemetryRecords", "*")}
    if kms:
        grants |= {("kms:Decrypt", KMS_KEY)}
    return grants
