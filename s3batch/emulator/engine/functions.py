"""The Lambda function a LambdaInvoke job runs: its configuration over HTTP, its code from moto's Lambda backend."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from s3batch.emulator.engine import lambda_runtime
from s3batch.emulator.engine.failures import FUNCTION_NOT_FOUND, JobFailure
from s3batch_core.contract import arns


def resolve_function(lambda_client: Any, function_arn: str, account_id: str, region: str,
                     endpoint_url: str) -> lambda_runtime.FunctionSpec:
    """The function version the job invokes: configuration over HTTP, code from the stack.

    moto's GetFunction answers with a Code.Location on a fake AWS host that cannot be downloaded, so the
    zip is read from moto's Lambda backend in this process (the engine runs inside the stack's server).
    """
    name, qualifier, arn_account, arn_region = arns.function_ref(function_arn)
    if arn_region and arn_region != region:  # AWS's behaviour is UNCONFIRMED (reference §7.13): refuse clearly
        raise JobFailure(FUNCTION_NOT_FOUND, f"Lambda function {function_arn} is in {arn_region}, the job in {region}: "
                         "the local emulator invokes functions of the job's Region only")
    kwargs = {"FunctionName": name, **({"Qualifier": qualifier} if qualifier else {})}
    try:
        described = lambda_client.get_function(**kwargs)
    except ClientError as error:
        raise JobFailure(FUNCTION_NOT_FOUND, f"Lambda function {function_arn} cannot be invoked: "
                         f"{error.response['Error'].get('Code')}: {error.response['Error'].get('Message')}") from None
    config = described["Configuration"]
    runtime = str(config.get("Runtime", ""))
    if not runtime.startswith("python"):
        raise JobFailure(FUNCTION_NOT_FOUND, f"Lambda function {function_arn} uses runtime {runtime or 'none'}: "
                         "the local emulator runs Python functions only")
    from moto.awslambda.models import (
        lambda_backends,  # the stack's own registry (see docstring)
    )

    try:
        backend = lambda_backends[arn_account or account_id][region]
        code = backend.get_function(name, qualifier).code_bytes
    except Exception as error:  # noqa: BLE001 - any lookup failure means the code is not here
        raise JobFailure(FUNCTION_NOT_FOUND, f"Code of {function_arn} is not in this stack: {error}") from None
    if not code:
        raise JobFailure(FUNCTION_NOT_FOUND, f"Lambda function {function_arn} has no zip package to run locally")
    return lambda_runtime.FunctionSpec(
        function_name=config["FunctionName"],
        invoked_arn=function_arn,
        version=config.get("Version", "$LATEST"),
        handler=config.get("Handler", ""),
        timeout_s=float(config.get("Timeout", 3)),
        memory_mb=int(config.get("MemorySize", 128)),
        environment=tuple(sorted((config.get("Environment") or {}).get("Variables", {}).items())),
        code_sha256=config.get("CodeSha256", ""),
        region=region,
        endpoint_url=endpoint_url,
        reserved_concurrency=_reserved_concurrency(lambda_client, name, described),
        runtime=runtime,
        code=code,
    )


def _reserved_concurrency(lambda_client: Any, name: str, described: dict[str, Any]) -> int | None:
    """The function's reserved concurrency (GetFunction shows it only for some qualifiers)."""
    reserved = (described.get("Concurrency") or {}).get("ReservedConcurrentExecutions")
    if reserved is None:
        try:
            reserved = lambda_client.get_function_concurrency(FunctionName=name).get("ReservedConcurrentExecutions")
        except ClientError:
            reserved = None
    return reserved
