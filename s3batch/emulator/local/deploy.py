"""`s3batch local deploy`: create in the local stack what `terraform apply` creates in AWS.

Names and settings are read from the Terraform code itself (the defaults in `terraform/variables.tf` and
`terraform/modules/sentiment_lambda/variables.tf`, shipped with the package), so there is one place to change them; policies come
from the same catalogue (`s3batch_core.iam.catalogue`) the Terraform templates are generated from. The only
deliberate difference: the function uses the `lexicon` sentiment backend (Comprehend is not offline).
Every step is idempotent: running deploy twice leaves one bucket, one role and one function.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import botocore.session
from botocore.configprovider import ConstantProvider
from botocore.exceptions import ClientError

from s3batch_core.aws import make_client
from s3batch.emulator.local.stack import LOCAL_CREDENTIALS, StackInfo
from s3batch_core.errors import InputError
from s3batch_core.files import write_json_atomically
from s3batch.kit_data import function_packager, sample_terraform
from s3batch_core.contract.stack_outputs import StackOutputs, to_terraform_json
from s3batch_core.terraform import load
from s3batch_core.iam.catalogue import JobScope, build_policy, trust_policy

TERRAFORM_DIR = sample_terraform()
PACKAGE_ZIP = Path("build/lambda/sentiment.zip")  # where `make lambda` writes it, under the working directory
HANDLER = "handler.detect_sentiment"  # terraform/modules/sentiment_lambda/main.tf (a test holds them equal)
LOCAL_SENTIMENT_BACKEND = "lexicon"
LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def variable_defaults(path: Path) -> dict[str, Any]:
    """`variable "x" { default = … }` values of one .tf file (s3batch_core.terraform)."""
    try:
        return load.variable_defaults(path)
    except FileNotFoundError:
        raise InputError(f"{path}: not found (local deploy reads the stack's settings from the Terraform code)") from None


@dataclass(frozen=True)
class FunctionSettings:
    """A function as CreateFunction takes it (the sample's from terraform/, or the user's from flags)."""

    name: str
    handler: str
    runtime: str
    architecture: str
    memory_size: int
    timeout: int
    environment: dict[str, str]

    def configuration(self, role_arn: str) -> dict[str, Any]:
        """CreateFunction/UpdateFunctionConfiguration arguments other than the name and code."""
        return {
            "Runtime": self.runtime,
            "Role": role_arn,
            "Handler": self.handler,
            "Timeout": self.timeout,
            "MemorySize": self.memory_size,
            "Environment": {"Variables": self.environment},
        }


@dataclass(frozen=True)
class DeploySettings:
    """What the root stack's variables say, as the local deploy needs it."""

    name: str
    data_prefix: str
    manifest_prefix: str
    report_prefix: str
    versioning_enabled: bool
    operation: str
    invocation_schema_version: str
    versioned_manifests: bool
    runtime: str
    architecture: str
    memory_size: int
    timeout: int
    environment: dict[str, str]

    @classmethod
    def from_terraform(cls, terraform_dir: Path = TERRAFORM_DIR) -> DeploySettings:
        root = variable_defaults(terraform_dir / "variables.tf")
        function = variable_defaults(terraform_dir / "modules" / "sentiment_lambda" / "variables.tf")
        environment = {  # the map in terraform/modules/sentiment_lambda/main.tf, lexicon backend for offline use
            "SENTIMENT_BACKEND": LOCAL_SENTIMENT_BACKEND,
            "LANGUAGE_CODE": str(root["language_code"]),
            "SENTIMENT_MODE": str(root["sentiment_mode"]),
            "MAX_BYTES": str(root["max_bytes"]),
            "POWERTOOLS_SERVICE_NAME": str(function["powertools_service_name"]),
            "POWERTOOLS_METRICS_NAMESPACE": str(function["powertools_metrics_namespace"]),
            "POWERTOOLS_LOG_LEVEL": str(function["powertools_log_level"]),
        }
        return cls(
            name=root["name"],
            data_prefix=root["data_prefix"],
            manifest_prefix=root["manifest_prefix"],
            report_prefix=root["report_prefix"],
            versioning_enabled=bool(root["versioning_enabled"]),
            operation=root["operation"],
            invocation_schema_version=root["invocation_schema_version"],
            versioned_manifests=bool(root["versioned_manifests"]),
            runtime=root["lambda_runtime"],
            architecture=root["lambda_architecture"],
            memory_size=int(root["lambda_memory_size"]),
            timeout=int(root["lambda_timeout"]),
            environment=environment,
        )

    # The naming rules of terraform/main.tf (locals and module arguments); tests compare the expressions.
    def bucket_name(self, account_id: str, region: str) -> str:
        return f"{self.name}-{account_id}-{region}"

    @property
    def batch_role_name(self) -> str:
        return batch_role_name(self.function_name)  # "${var.name}-batch": the function is named var.name

    @property
    def batch_policy_name(self) -> str:
        return batch_policy_name(self.operation)

    @property
    def function_name(self) -> str:
        return self.name

    def function(self) -> FunctionSettings:
        """The sentiment function as terraform/modules/sentiment_lambda configures it."""
        return FunctionSettings(self.function_name, HANDLER, self.runtime, self.architecture, self.memory_size,
                                self.timeout, self.environment)

    @property
    def function_role_name(self) -> str:
        return function_role_name(self.function_name)


def batch_role_name(function_name: str) -> str:
    """The batch role of a deployed function (terraform/main.tf names it after the stack, i.e. the function)."""
    return f"{function_name}-batch"


def batch_policy_name(operation: str) -> str:
    """The batch role's inline policy (terraform/modules/batch_role/main.tf)."""
    return f"s3-batch-operations-{operation}"


def function_role_name(function_name: str) -> str:
    """The function's execution role (terraform/modules/sentiment_lambda/iam.tf)."""
    return f"{function_name}-exec"


def local_session(region: str) -> boto3.Session:
    """A session with the stack's fake keys: deploy works with no AWS configuration and never uses real ones.

    The user's config file and AWS_PROFILE are ignored too: a profile named there that this machine lacks
    would otherwise fail every client (ProfileNotFound), and their settings are not the stack's.
    """
    core = botocore.session.Session()
    core.set_config_variable("config_file", os.devnull)
    core.set_config_variable("credentials_file", os.devnull)
    core.get_component("config_store").set_config_provider("profile", ConstantProvider(None))  # not AWS_PROFILE
    return boto3.Session(
        aws_access_key_id=LOCAL_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=LOCAL_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=LOCAL_CREDENTIALS["AWS_SESSION_TOKEN"],
        region_name=region,
        botocore_session=core,
    )


def function_package(zip_path: Path = PACKAGE_ZIP) -> bytes:
    """The zip `make lambda` builds, rebuilt first when missing or older than the function's sources.

    The local stack runs exactly the package Terraform deploys: built by `lambda/package.py`, the one packager
    (shipped with the kit, so an installed `s3batch` builds it under the working directory's build/ too).
    """
    packager = function_packager()
    sources = packager.FUNCTION_DIR
    if not (sources / "handler.py").is_file():
        raise InputError(f"{sources}: no function sources to package")
    files = [p for p in sources.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    newest = max(p.stat().st_mtime for p in [*files, Path(packager.__file__)])
    if not zip_path.is_file() or zip_path.stat().st_mtime < newest:
        packager.build(zip_path)
    return zip_path.read_bytes()


def deploy(stack: StackInfo, outputs_path: Path, settings: DeploySettings | None = None) -> StackOutputs:
    """Create (or bring up to date) the bucket, batch role and sentiment function; write the outputs file."""
    settings = settings or DeploySettings.from_terraform()
    return deploy_stack(stack, outputs_path, settings, settings.function(), function_package(), settings.operation)


def deploy_stack(
    stack: StackInfo, outputs_path: Path, settings: DeploySettings, function: FunctionSettings, code: bytes,
    operation: str,
) -> StackOutputs:
    """The bucket, `function` with its execution role, and a batch role `<function>-batch` whose policy is the
    catalogue's for `operation` on that function version; the outputs file in `terraform output -json` shape."""
    session = local_session(stack.region)
    clients = {s: make_client(s, endpoint_url=stack.endpoint_url, session=session) for s in ("s3", "iam", "lambda")}
    bucket = settings.bucket_name(stack.account_id, stack.region)
    ensure_bucket(clients["s3"], bucket, stack.region, settings.versioning_enabled)
    function_role = ensure_role(clients["iam"], function_role_name(function.name), LAMBDA_TRUST)
    function_arn = ensure_function(clients["lambda"], function, function_role, code)
    scope = JobScope(
        operation=operation,
        manifest_bucket=bucket,
        manifest_key=settings.manifest_prefix + "*",
        report_bucket=bucket,
        report_prefix=settings.report_prefix,
        bucket=bucket,
        function_arn=function_arn,
        versioned=settings.versioned_manifests,
        region=stack.region,
    )
    role_name = batch_role_name(function.name)
    role_arn = ensure_role(clients["iam"], role_name, trust_policy())
    clients["iam"].put_role_policy(
        RoleName=role_name,
        PolicyName=batch_policy_name(operation),
        PolicyDocument=json.dumps(build_policy(scope)),
    )
    outputs = StackOutputs(
        bucket_name=bucket,
        data_prefix=settings.data_prefix,
        manifest_bucket=bucket,
        manifest_prefix=settings.manifest_prefix,
        report_bucket=bucket,
        report_prefix=settings.report_prefix,
        batch_role_arn=role_arn,
        function_arn=function_arn,
        region=stack.region,
        account_id=stack.account_id,
        operation=operation,
        invocation_schema_version=settings.invocation_schema_version,
    )
    write_json_atomically(outputs_path, to_terraform_json(outputs))
    return outputs


def ensure_bucket(s3: Any, bucket: str, region: str, versioning: bool) -> None:
    """Bucket with the Terraform module's baseline: versioning, SSE-S3, Block Public Access."""
    try:
        kwargs: dict[str, Any] = {"Bucket": bucket}
        if region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3.create_bucket(**kwargs)
    except ClientError as exc:
        if exc.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise
    if versioning:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
    )
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True,
        },
    )


def ensure_role(iam: Any, name: str, trust: dict[str, Any]) -> str:
    """The role's ARN; created, or its trust policy brought up to date."""
    try:
        return str(iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"])
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "EntityAlreadyExists":
            raise
    iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust))
    return str(iam.get_role(RoleName=name)["Role"]["Arn"])


def ensure_function(lambda_client: Any, function: FunctionSettings, role_arn: str, code: bytes) -> str:
    """The qualified ARN of a published version matching the package and settings (new version only on change)."""
    config = function.configuration(role_arn)
    name = function.name
    try:
        created = lambda_client.create_function(
            FunctionName=name, Code={"ZipFile": code}, Publish=True, Architectures=[function.architecture], **config
        )
        return _qualified(created)
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ResourceConflictException":
            raise
    latest = _latest_version(lambda_client, name)
    if latest is not None and _matches(latest, code, config):
        return str(latest["FunctionArn"])
    lambda_client.update_function_configuration(FunctionName=name, **config)
    published = lambda_client.update_function_code(FunctionName=name, ZipFile=code, Publish=True)
    return _qualified(published)


def _qualified(configuration: dict[str, Any]) -> str:
    arn, version = str(configuration["FunctionArn"]), str(configuration["Version"])
    return arn if arn.endswith(":" + version) else f"{arn}:{version}"


def _latest_version(lambda_client: Any, name: str) -> dict[str, Any] | None:
    versions = [v for v in lambda_client.list_versions_by_function(FunctionName=name)["Versions"] if v["Version"] != "$LATEST"]
    return max(versions, key=lambda v: int(v["Version"]), default=None)


def _matches(version: dict[str, Any], code: bytes, config: dict[str, Any]) -> bool:
    sha = base64.b64encode(hashlib.sha256(code).digest()).decode()
    return (
        version.get("CodeSha256") == sha
        and all(version.get(key) == config[key] for key in ("Runtime", "Role", "Handler", "Timeout", "MemorySize"))
        and version.get("Environment", {}).get("Variables") == config["Environment"]["Variables"]
    )
