"""`s3batch local deploy`: create in the local stack what `terraform apply` creates in AWS.

Names and settings come from the Terraform code itself, planned for the local stack's account and Region by the
one Terraform reader (`s3batch_core.terraform.plan`, with terraform/ shipped with the package), so there is one
place to change them; policies come from the same catalogue (`s3batch_core.iam.catalogue`) the Terraform templates
are generated from. The only deliberate difference: the function uses the `lexicon` sentiment backend (Comprehend
is not offline). A user's own function (`local deploy-function`) is planned as the stack named after it, so its
roles follow the same naming rules. Every step is idempotent: running deploy twice leaves one bucket, one role and
one function.
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
from s3batch_core.terraform.plan import Account, Instance, plan_root
from s3batch_core.iam.catalogue import JobScope, build_policy, trust_policy

TERRAFORM_DIR = sample_terraform()
PACKAGE_ZIP = Path("build/lambda/sentiment.zip")  # where `make lambda` writes it, under the working directory
LOCAL_VARIABLES = {"sentiment_backend": "lexicon"}


def plan(stack: StackInfo | None = None, **variables: Any) -> Instance:
    """terraform/ with `variables` over its defaults, in the stack's account and Region, as the local stack runs it."""
    account = Account(stack.account_id, stack.region) if stack else Account()
    return plan_root(TERRAFORM_DIR, {**LOCAL_VARIABLES, **variables}, account)


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


def sample_function(planned: Instance) -> FunctionSettings:
    """The sentiment function as terraform/modules/sentiment_lambda configures it."""
    function = planned.child("sentiment_lambda").resource_arguments("aws_lambda_function", "this", blocks=True)
    return FunctionSettings(function["function_name"], function["handler"], function["runtime"],
                            function["architectures"][0], int(function["memory_size"]), int(function["timeout"]),
                            dict(function["environment"][0]["variables"]))


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


def deploy(stack: StackInfo, outputs_path: Path) -> StackOutputs:
    """Create (or bring up to date) the bucket, batch role and sentiment function; write the outputs file."""
    planned = plan(stack)
    return deploy_stack(stack, outputs_path, planned, sample_function(planned), function_package())


def deploy_stack(stack: StackInfo, outputs_path: Path, planned: Instance, function: FunctionSettings,
                 code: bytes) -> StackOutputs:
    """Create `planned`'s bucket and two roles around `function`; write the outputs as `terraform output -json` does."""
    session = local_session(stack.region)
    clients = {s: make_client(s, endpoint_url=stack.endpoint_url, session=session) for s in ("s3", "iam", "lambda")}
    settings, outputs = planned.variables, planned.outputs
    bucket = outputs["bucket_name"]
    ensure_bucket(clients["s3"], bucket, stack.region, bool(settings["versioning_enabled"]))
    function_module, role_module = planned.child("sentiment_lambda"), planned.child("batch_role")
    function_role = ensure_role(clients["iam"], function_module.resource_arguments("aws_iam_role", "this")["name"],
                                function_module.policy_document("assume_role"))
    function_arn = ensure_function(clients["lambda"], function, function_role, code)
    scope = JobScope(operation=outputs["operation"], manifest_bucket=bucket, manifest_key=outputs["manifest_prefix"] + "*",
                     report_bucket=bucket, report_prefix=outputs["report_prefix"], bucket=bucket,
                     function_arn=function_arn, versioned=bool(settings["versioned_manifests"]), region=stack.region)
    role_name = role_module.resource_arguments("aws_iam_role", "this")["name"]
    role_arn = ensure_role(clients["iam"], role_name, trust_policy())
    clients["iam"].put_role_policy(RoleName=role_name, PolicyDocument=json.dumps(build_policy(scope)),
                                   PolicyName=role_module.resource_arguments("aws_iam_role_policy", "this")["name"])
    deployed = StackOutputs(**{**outputs, "batch_role_arn": role_arn, "function_arn": function_arn})
    write_json_atomically(outputs_path, to_terraform_json(deployed))
    return deployed


def ensure_bucket(s3: Any, bucket: str, region: str, versioning: bool) -> None:
    """Bucket with the Terraform module's baseline: versioning, SSE-S3, Block Public Access."""
    location = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    try:
        s3.create_bucket(Bucket=bucket, **location)
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
    current = {"Environment": {"Variables": {}}, **version}  # Lambda leaves Environment out when it has none
    return current.get("CodeSha256") == sha and all(current.get(key) == value for key, value in config.items())
