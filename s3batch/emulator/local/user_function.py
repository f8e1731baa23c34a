"""`s3batch local deploy-function`: the user's own function in the local stack, ready for a LambdaInvoke job.

The function (a directory or a zip, as Lambda takes it) is created with its execution role next to the
sample stack's bucket, and a batch role `<name>-batch` gets the catalogue's LambdaInvoke policy for exactly
that function version; the outputs file has the same shape as `local deploy`'s (and `terraform output -json`),
so `s3batch job run --outputs FILE` runs a job against the user's function with no other flag.
The local Lambda runtime runs Python handlers only, in the interpreter the kit is installed in.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import botocore.session
import regex

from s3batch.emulator.local.deploy import FunctionSettings, deploy_stack, plan
from s3batch.emulator.local.stack import StackInfo
from s3batch_core.errors import InputError, UsageError
from s3batch.kit_data import function_packager
from s3batch_core.contract.model_constraints import check_constraints
from s3batch_core.contract.stack_outputs import StackOutputs

OPERATION = "LambdaInvoke"
NAME_LENGTH = 64  # CreateFunction: a plain function name (not an ARN) is at most 64 characters (AWS API reference)
_NAME = regex.compile(r"[a-zA-Z0-9_-]+")  # the name part of the model's FunctionName pattern


def function_settings(
    name: str, handler: str, runtime: str, environment: tuple[tuple[str, str], ...], timeout: int, memory: int,
    architecture: str,
) -> FunctionSettings:
    """The function's settings, checked against Lambda's CreateFunction model (minimums, maximums, patterns)."""
    if len(name) > NAME_LENGTH or not _NAME.fullmatch(name):
        raise UsageError(f"--name {name!r}: a function name is 1-{NAME_LENGTH} letters, digits, '-' or '_'")
    shape = botocore.session.get_session().get_service_model("lambda").operation_model("CreateFunction").input_shape
    python = [r for r in shape.members["Runtime"].enum if r.startswith("python3")]  # all the local runtime can run
    if runtime not in python:
        raise UsageError(f"--runtime {runtime!r}: the local Lambda runtime runs Python only ({', '.join(python)})")
    for flag, member, value in (("--timeout", "Timeout", timeout), ("--memory", "MemorySize", memory)):
        minimum = shape.members[member].metadata.get("min")
        if minimum is not None and value < minimum:
            raise UsageError(f"{flag} {value}: less than the minimum {minimum}")
    request = {"FunctionName": name, "Handler": handler, "Timeout": timeout, "MemorySize": memory,
               "Environment": {"Variables": dict(environment)}}
    problems = list(check_constraints(request, shape, "CreateFunction"))
    if problems:
        raise UsageError(problems[0])
    return FunctionSettings(name, handler, runtime, architecture, memory, timeout, dict(environment))


def function_code(source: Path) -> bytes:
    """The deployment package: a zip as given, or a directory zipped as `make lambda` zips (deterministic)."""
    if source.is_dir():
        packager = function_packager()
        entries = packager.collect(source)
        if not entries:
            raise InputError(f"{source}: the directory holds no files to deploy")
        archive = io.BytesIO()
        packager.write_zip(archive, entries)
        return archive.getvalue()
    if source.is_file():
        if not zipfile.is_zipfile(source):
            raise InputError(f"{source}: not a zip file (give a .zip deployment package or a directory)")
        return source.read_bytes()
    raise InputError(f"{source}: no such file or directory")


def check_handler(code: bytes, handler: str, source: Path) -> None:
    """The handler's module is in the package (Lambda would fail every task with Runtime.ImportModuleError)."""
    module, _, function = handler.rpartition(".")
    if not module or not function:
        raise UsageError(f"--handler {handler!r}: expected MODULE.FUNCTION, e.g. handler.lambda_handler")
    path = module.replace(".", "/")
    with zipfile.ZipFile(io.BytesIO(code)) as archive:
        names = set(archive.namelist())
    if f"{path}.py" not in names and f"{path}/__init__.py" not in names:
        raise InputError(f"{source}: no {path}.py for --handler {handler!r} (Lambda imports {module!r} from the package root)")


def deploy_function(stack: StackInfo, outputs_path: Path, function: FunctionSettings, code: bytes) -> StackOutputs:
    """Create or update the function, its roles (terraform/'s, planned as the stack named after the function) and the
    sample stack's bucket; write the outputs file."""
    bucket = plan(stack).outputs["bucket_name"]
    planned = plan(stack, name=function.name, operation=OPERATION, bucket_name=bucket)
    return deploy_stack(stack, outputs_path, planned, function, code)
