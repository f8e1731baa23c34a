"""Per-task semantics of each job operation: what one manifest row does and how its result reads.

`build_operation(request, …)` turns the job's `Operation` member into an object with
`run(task) -> TaskResult`. S3 operations call the stack's S3 over HTTP with the decoded key; LambdaInvoke
sends the schema 1.0/2.0 event to a warm worker and interprets the response the way AWS does
(reference §1.2–§1.6). Report rows follow AWS's examples: HTTP 200 with the Lambda resultCode as
ErrorCode; S3 errors carry their HTTP status and code (e.g. 404 NoSuchKey).
"""

from __future__ import annotations

import base64
import collections
import json
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from s3batch.emulator.engine import data_operations, lambda_runtime, replication, s3_rules
from s3batch.emulator.engine.clients import stack_client
from s3batch.emulator.engine.failures import (
    FUNCTION_NOT_FOUND,
    UNSUPPORTED_OPERATION,
    JobFailure,
)
from s3batch.emulator.engine.manifest import Task
from s3batch_core.contract.arns import bucket_name
from s3batch_core.contract.manifest_rules import decode_key
from s3batch_core.contract.report import TaskResult

RESULT_CODES = ("Succeeded", "TemporaryFailure", "PermanentFailure")
SUCCESS_MESSAGE = "Successful"  # ResultMessage of a successful S3 operation (AWS wording UNCONFIRMED)
MISSING_VERSION = TaskResult(False, 400, "InvalidRequest", "Task failed due to missing VersionId")


def redrive_settings() -> tuple[int, float]:
    """(redrives, first backoff in seconds) for TemporaryFailure — AWS's numbers are UNCONFIRMED.

    S3BATCH_LOCAL_REDRIVES (default 3) more attempts after the first; the wait doubles from
    S3BATCH_LOCAL_REDRIVE_BACKOFF_S (default 0.5) between them.
    """
    return (int(os.environ.get("S3BATCH_LOCAL_REDRIVES", "3")),
            float(os.environ.get("S3BATCH_LOCAL_REDRIVE_BACKOFF_S", "0.5")))


def _random_id(size: int) -> str:
    return base64.urlsafe_b64encode(os.urandom(size)).decode().rstrip("=")


# ---------------------------------------------------------------------------------------------------
# LambdaInvoke


_FUNCTION_ARN = re.compile(r"^arn:[^:]+:lambda:([^:]*):(\d{12}):function:([^:]+)(?::([^:]+))?$")


def parse_function_arn(arn: str) -> tuple[str, str | None, str | None, str | None]:
    """(name, qualifier, account, region) from a function ARN, `name` or `name:qualifier` (None: not given)."""
    match = _FUNCTION_ARN.match(arn)
    if match:
        return match.group(3), match.group(4), match.group(2), match.group(1) or None
    name, _, qualifier = arn.partition(":")
    return name, qualifier or None, None, None


def resolve_function(lambda_client: Any, function_arn: str, account_id: str, region: str,
                     endpoint_url: str) -> lambda_runtime.FunctionSpec:
    """The function version the job invokes: configuration over HTTP, code from the stack.

    moto's GetFunction answers with a Code.Location on a fake AWS host that cannot be downloaded, so the
    zip is read from moto's Lambda backend in this process (the engine runs inside the stack's server).
    """
    name, qualifier, arn_account, arn_region = parse_function_arn(function_arn)
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


def build_event(job_id: str, schema: str, user_arguments: dict[str, str] | None, task: Task, task_id: str) -> dict:
    """The invocation event of schema 1.0 (s3BucketArn) or 2.0 (s3Bucket, job.userArguments).

    `s3Key` is the manifest's key field as written (URL-encoded), as AWS passes it. `job.userArguments`
    appears only when the job set UserArguments (AWS's behaviour without them is UNCONFIRMED).
    """
    job: dict[str, Any] = {"id": job_id}
    entry: dict[str, Any] = {"taskId": task_id, "s3Key": task.key, "s3VersionId": task.version_id}
    if schema == "2.0":
        if user_arguments:
            job["userArguments"] = dict(user_arguments)
        entry["s3Bucket"] = task.bucket
    else:
        entry["s3BucketArn"] = f"arn:aws:s3:::{task.bucket}"
    return {"invocationSchemaVersion": schema, "invocationId": _random_id(36), "job": job, "tasks": [entry]}


def function_error_message(error: dict[str, Any]) -> str:
    """`Lambda returned function error: {"errorMessage":…,"errorType":…}` as in AWS's report example."""
    shown = {k: error[k] for k in ("errorMessage", "errorType") if k in error}
    return "Lambda returned function error: " + json.dumps(shown, separators=(",", ":"), ensure_ascii=False)


def interpret_response(payload: bytes, task_id: str) -> tuple[str, str]:
    """(resultCode, message) for our task from a function's response; malformed → PermanentFailure.

    Missing `results`, or our task missing from them → `treatMissingKeysAs` (PermanentFailure when absent;
    AWS's default is undocumented). A result for an unknown taskId or an invalid resultCode fails the task.
    """
    try:
        document = json.loads(payload)
    except (ValueError, RecursionError):  # RecursionError: nested past the parser's depth
        return "PermanentFailure", "Invalid JSON returned in Lambda payload"
    if not isinstance(document, dict):
        return "PermanentFailure", "Invalid JSON returned in Lambda payload: the response is not a JSON object"
    missing_code = document.get("treatMissingKeysAs", "PermanentFailure")
    if missing_code not in RESULT_CODES:
        return "PermanentFailure", (f"Lambda response has invalid treatMissingKeysAs {missing_code!r} "
                                    f"(expected one of {', '.join(RESULT_CODES)})")
    results = document.get("results")
    if not isinstance(results, list):
        return missing_code, f"Task missing from the Lambda response (no results); treatMissingKeysAs={missing_code}"
    mine = None
    for result in results:
        result_task = result.get("taskId") if isinstance(result, dict) else None
        if result_task != task_id:
            return "PermanentFailure", f"Lambda response contains unknown taskId {result_task!r}"
        mine = result
    if mine is None:
        return missing_code, f"Task missing from the Lambda response; treatMissingKeysAs={missing_code}"
    code = mine.get("resultCode")
    if code not in RESULT_CODES:
        return "PermanentFailure", (f"Lambda returned invalid resultCode {code!r} "
                                    f"(expected one of {', '.join(RESULT_CODES)})")
    text = mine.get("resultString")
    if text is None:
        text = ""
    elif not isinstance(text, str):
        text = json.dumps(text, separators=(",", ":"))
    return code, text


class LambdaInvoke:
    """LambdaInvoke: one task per invocation on the function's warm pool, TemporaryFailure redriven.

    Each engine thread runs its tasks through a `lane` (one worker, PIPELINE_DEPTH invocations in flight).
    """

    name = "LambdaInvoke"

    def __init__(self, job_id: str, config: dict[str, Any], spec: lambda_runtime.FunctionSpec,
                 stop: threading.Event) -> None:
        self.job_id = job_id
        self.schema = str(config.get("InvocationSchemaVersion") or "1.0")
        self.user_arguments = config.get("UserArguments")
        self.pool = lambda_runtime.pool_for(spec)
        self.threads = self.pool.size
        self.redrives, self.backoff_s = redrive_settings()
        self._stop = stop

    def lane(self) -> _LambdaLane:
        return _LambdaLane(self)

    def run(self, task: Task) -> TaskResult:
        lane = self.lane()
        try:
            return lane.finish(lane.start(task))
        finally:
            lane.close()

    def close(self) -> None:
        """Workers stay warm for the next job; `execution.shutdown()` stops them."""


@dataclass(eq=False)
class _Call:
    """One task's invocation on a lane; `outcome` once answered, `lost` if its worker died before starting it."""

    task: Task
    task_id: str
    outcome: lambda_runtime.InvokeOutcome | None = None
    lost: bool = False


class _LambdaLane:
    """One engine thread's tasks on one worker: `start` sends the event, `finish` reads answers in order.

    The worker is held while calls are in flight and given back when none are (or when another thread waits for
    a worker), so a paused job holds none and two jobs on one function share its workers.
    """

    depth = lambda_runtime.PIPELINE_DEPTH

    def __init__(self, operation: LambdaInvoke) -> None:
        self.operation = operation
        self.pool = operation.pool
        self.worker: lambda_runtime.Worker | None = None
        self.sent: collections.deque[_Call] = collections.deque()

    def start(self, task: Task) -> _Call:
        call = _Call(task, _random_id(15))
        self._send(call)
        return call

    def finish(self, call: _Call) -> TaskResult:
        operation = self.operation
        attempt = 0
        while True:
            code, message = self._interpret(call)
            if code != "TemporaryFailure" or attempt >= operation.redrives or operation._stop.is_set():
                break
            self._give_back()  # nothing may be queued behind the redrive's wait
            # wait before the redrive; a cancel or threshold stop ends the wait early
            operation._stop.wait(operation.backoff_s * (2 ** attempt))
            attempt += 1
            self._send(call)
        if self.pool.waiting:  # another thread (another job) waits for a worker
            self._give_back()
        if code == "Succeeded":
            return TaskResult(True, 200, "", message)
        return TaskResult(False, 200, code, message)

    def close(self) -> None:
        if self.worker is not None:
            self.pool.checkin(self.worker)  # replaced if calls are still in flight (an engine error)
            self.worker = None
        self.sent.clear()

    def _send(self, call: _Call) -> None:
        if self.worker is not None and self.worker.dead:
            self._give_back()  # the ones still queued on it are lost: collect that before replacing it
        if self.worker is None:
            self.worker = self.pool.checkout()
        call.outcome, call.lost = None, False
        if self.worker.dead:  # the pool is closed (stack shutting down)
            call.outcome = lambda_runtime.InvokeOutcome(function_error={
                "errorType": "Runtime.ExitError", "errorMessage": "Runtime exited: the local stack is shutting down"})
            return
        operation = self.operation
        event = build_event(operation.job_id, operation.schema, operation.user_arguments, call.task, call.task_id)
        self.worker.send(event, _request_id())
        self.sent.append(call)

    def _collect(self) -> None:
        """Read the answer to the oldest call in flight."""
        call = self.sent.popleft()
        assert self.worker is not None
        outcome = self.worker.receive()
        call.outcome, call.lost = outcome, outcome is None
        if not self.sent:
            self._give_back()

    def _give_back(self) -> None:
        """Collect every call in flight, then return the worker to the pool."""
        while self.sent:
            self._collect()
        if self.worker is not None:
            self.pool.checkin(self.worker)
            self.worker = None

    def _interpret(self, call: _Call) -> tuple[str, str]:
        while call.outcome is None:
            if call.lost:
                self._send(call)  # its worker died before running it: run it on the replacement
            else:
                self._collect()
        if call.outcome.function_error is not None:
            return "PermanentFailure", function_error_message(call.outcome.function_error)
        return interpret_response(call.outcome.payload or b"", call.task_id)


def _request_id() -> str:
    raw = os.urandom(16).hex()
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"


# ---------------------------------------------------------------------------------------------------
# S3 operations


_S3_THREADS = 8
_GRANT_HEADERS = {"FULL_CONTROL": "GrantFullControl", "READ": "GrantRead", "WRITE": "GrantWrite",
                  "READ_ACP": "GrantReadACP", "WRITE_ACP": "GrantWriteACP"}
# S3PutObjectCopy members the engine cannot apply against moto: refused, never silently dropped
_COPY_UNSUPPORTED = ("AnnotationDirective", "ObjectLockEventHold", "ObjectLockEventHoldDuration")


@dataclass
class S3Operation:
    """An operation made of one S3 call per task; `call(s3, bucket, key, version_kwargs)`."""

    name: str
    call: Callable[[Any, str, str, dict[str, str]], Any]
    s3: Any
    threads: int = _S3_THREADS

    def run(self, task: Task) -> TaskResult:
        version = {"VersionId": task.version_id} if task.version_id is not None else {}
        try:
            outcome = self.call(self.s3, task.bucket, decode_key(task.key), version)
        except s3_rules.S3Refusal as refusal:
            return refusal.result
        except ClientError as error:
            response = error.response
            status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 500)
            info = response.get("Error", {})
            return TaskResult(False, status, str(info.get("Code", "")), str(info.get("Message", "")))
        except ParamValidationError as error:  # e.g. a manifest bucket field that is no bucket name: S3 says 400
            code = "InvalidBucketName" if "bucket name" in str(error).lower() else "InvalidRequest"
            return TaskResult(False, 400, code, str(error))
        except BotoCoreError as error:
            return TaskResult(False, 500, "InternalError", str(error))
        if isinstance(outcome, TaskResult):  # an operation whose result carries its own message (checksums)
            return outcome
        return TaskResult(True, 200, "", SUCCESS_MESSAGE)

    def close(self) -> None:
        """The S3 client is shared across jobs (stack_client)."""


def _tag_query(tags: list[dict[str, str]]) -> str:
    return urlencode([(tag["Key"], tag["Value"]) for tag in tags])


def _acl_call(config: dict[str, Any]) -> Callable[[Any, str, str, dict[str, str]], Any]:
    policy = config.get("AccessControlPolicy") or {}
    canned = policy.get("CannedAccessControlList")
    acl = policy.get("AccessControlList")
    if not canned and not acl:
        raise JobFailure(UNSUPPORTED_OPERATION, "S3PutObjectAcl needs AccessControlPolicy with "
                         "AccessControlList or CannedAccessControlList")
    # The same ACL as grant headers: moto applies those but ignores an AccessControlPolicy body.
    acl_args = {"ACL": canned} if canned else _grant_headers(acl.get("Grants") or [], "S3PutObjectAcl")
    ownership = s3_rules.AclPolicy()

    def call(s3: Any, bucket: str, key: str, version: dict[str, str]) -> Any:
        s3_rules.require_current_version(s3, bucket, key, version)
        ownership.check(s3, bucket, canned, grants=not canned)
        return s3.put_object_acl(Bucket=bucket, Key=key, **acl_args, **version)

    return call


def _grant_headers(grants: list[dict[str, Any]], operation: str, *, object_write: bool = True) -> dict[str, str]:
    """S3Grant list → the Grant* parameters of PutObjectAcl/CopyObject (`x-amz-grant-*` headers).

    CopyObject has no GrantWrite (WRITE means nothing on an object), so a copy asking for it is refused.
    """
    headers: dict[str, list[str]] = {}
    for grant in grants:
        grantee = grant.get("Grantee") or {}
        header = _GRANT_HEADERS[grant["Permission"]]
        if header == "GrantWrite" and not object_write:
            raise JobFailure(UNSUPPORTED_OPERATION, f"{operation}: permission WRITE cannot be granted on an object")
        headers.setdefault(header, []).append(f'{grantee.get("TypeIdentifier", "id")}="{grantee.get("Identifier", "")}"')
    return {header: ", ".join(values) for header, values in headers.items()}


def _copy_call(config: dict[str, Any]) -> Callable[[Any, str, str, dict[str, str]], Any]:
    unsupported = [name for name in _COPY_UNSUPPORTED if config.get(name) is not None]
    if unsupported:
        raise JobFailure(UNSUPPORTED_OPERATION, f"S3PutObjectCopy: the local emulator does not support {unsupported}")
    target = bucket_name(str(config.get("TargetResource", "")))
    prefix = config.get("TargetKeyPrefix") or ""
    # "to copy objects into a folder named Folder1, set TargetKeyPrefix to Folder1" (model doc): join with "/"
    prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
    extra: dict[str, Any] = {"MetadataDirective": config.get("MetadataDirective") or "COPY"}
    metadata = config.get("NewObjectMetadata") or {}
    for source, dest in (("CacheControl", "CacheControl"), ("ContentDisposition", "ContentDisposition"),
                         ("ContentEncoding", "ContentEncoding"), ("ContentLanguage", "ContentLanguage"),
                         ("ContentType", "ContentType"), ("HttpExpiresDate", "Expires"),
                         ("UserMetadata", "Metadata")):
        if metadata.get(source) is not None:
            extra[dest] = metadata[source]
    if metadata.get("SSEAlgorithm"):
        extra["ServerSideEncryption"] = "aws:kms" if metadata["SSEAlgorithm"] == "KMS" else "AES256"
    if config.get("NewObjectTagging") is not None:
        extra["TaggingDirective"] = "REPLACE"
        extra["Tagging"] = _tag_query(config["NewObjectTagging"])
    for source, dest in (("StorageClass", "StorageClass"), ("CannedAccessControlList", "ACL"),
                         ("SSEAwsKmsKeyId", "SSEKMSKeyId"), ("BucketKeyEnabled", "BucketKeyEnabled"),
                         ("ChecksumAlgorithm", "ChecksumAlgorithm"), ("RedirectLocation", "WebsiteRedirectLocation"),
                         ("ModifiedSinceConstraint", "CopySourceIfModifiedSince"),
                         ("UnModifiedSinceConstraint", "CopySourceIfUnmodifiedSince"),
                         ("ObjectLockLegalHoldStatus", "ObjectLockLegalHoldStatus"),
                         ("ObjectLockMode", "ObjectLockMode"),
                         ("ObjectLockRetainUntilDate", "ObjectLockRetainUntilDate")):
        if config.get(source) is not None:
            extra[dest] = config[source]
    if config.get("SSEAwsKmsKeyId") and "ServerSideEncryption" not in extra:
        extra["ServerSideEncryption"] = "aws:kms"
    if config.get("AccessControlGrants"):
        extra.update(_grant_headers(config["AccessControlGrants"], "S3PutObjectCopy", object_write=False))
    if config.get("RequesterPays"):
        extra["RequestPayer"] = "requester"  # the job's role pays for the copy, as on AWS
    ownership = s3_rules.AclPolicy()
    canned, grants = config.get("CannedAccessControlList"), bool(config.get("AccessControlGrants"))

    def call(s3: Any, bucket: str, key: str, version: dict[str, str]) -> Any:
        ownership.check(s3, target, canned, grants)
        source = {"Bucket": bucket, "Key": key, **version}
        return s3.copy_object(Bucket=target, Key=prefix + key, CopySource=source, **extra)

    return call


def _tagging_call(config: dict[str, Any]) -> Callable[[Any, str, str, dict[str, str]], Any]:
    tags = list(config.get("TagSet") or [])

    def call(s3: Any, bucket: str, key: str, version: dict[str, str]) -> Any:
        s3_rules.check_tag_set(tags)
        if not tags:  # an empty set replaces the tags with none (moto fails on an empty TagSet)
            s3_rules.require_object(s3, bucket, key, version)
            return s3.delete_object_tagging(Bucket=bucket, Key=key, **version)
        return s3.put_object_tagging(Bucket=bucket, Key=key, Tagging={"TagSet": tags}, **version)

    return call


def _existing_object_call(action: Callable[[Any, str, str, dict[str, str]], Any]) -> Callable[..., Any]:
    """`action` on an object S3 would find; moto answers a missing key or version of these calls with a 500."""
    def call(s3: Any, bucket: str, key: str, version: dict[str, str]) -> Any:
        s3_rules.require_object(s3, bucket, key, version)
        return action(s3, bucket, key, version)

    return call


def _retention_call(config: dict[str, Any]) -> Callable[[Any, str, str, dict[str, str]], Any]:
    wanted = {m: config["Retention"][m] for m in ("Mode", "RetainUntilDate") if config["Retention"].get(m) is not None}
    bypass = bool(config.get("BypassGovernanceRetention"))

    def call(s3: Any, bucket: str, key: str, version: dict[str, str]) -> Any:
        s3_rules.check_retention_change(s3, bucket, key, version, wanted, bypass)
        return s3.put_object_retention(Bucket=bucket, Key=key, Retention=wanted,
                                       **({"BypassGovernanceRetention": True} if bypass else {}), **version)

    return call


def _s3_calls() -> dict[str, Callable[[dict[str, Any]], Callable[[Any, str, str, dict[str, str]], Any]]]:
    return {
        "S3PutObjectTagging": _tagging_call,
        "S3DeleteObjectTagging": lambda c: _existing_object_call(
            lambda s3, b, k, v: s3.delete_object_tagging(Bucket=b, Key=k, **v)),
        "S3PutObjectCopy": _copy_call,
        "S3PutObjectAcl": _acl_call,
        "S3PutObjectLegalHold": lambda c: _existing_object_call(lambda s3, b, k, v: s3.put_object_legal_hold(
            Bucket=b, Key=k, LegalHold={"Status": c["LegalHold"]["Status"]}, **v)),
        "S3PutObjectRetention": _retention_call,
        "S3InitiateRestoreObject": data_operations.restore_call,
        "S3ComputeObjectChecksum": data_operations.checksum_call,
        "S3UpdateObjectEncryption": data_operations.encryption_call,
        "S3ReplicateObject": replication.replicate_call,
    }


S3_OPERATIONS = frozenset(_s3_calls())
SUPPORTED = frozenset({"LambdaInvoke"}) | S3_OPERATIONS


def operation_name(operation: dict[str, Any]) -> str:
    """The single member name of a JobOperation; JobFailure for none or several."""
    names = [name for name, value in operation.items() if value is not None]
    if len(names) != 1:
        raise JobFailure(UNSUPPORTED_OPERATION, f"Operation must have exactly one member, got {names}")
    return names[0]


def build_operation(operation: dict[str, Any], job_id: str, account_id: str, region: str, endpoint_url: str,
                    stop: threading.Event) -> LambdaInvoke | S3Operation:
    """The runnable operation for a job; JobFailure when the engine cannot run it."""
    name = operation_name(operation)
    config = operation[name] or {}
    if name == "LambdaInvoke":
        lambda_client = stack_client("lambda", endpoint_url, region)
        spec = resolve_function(lambda_client, str(config.get("FunctionArn", "")), account_id, region, endpoint_url)
        return LambdaInvoke(job_id, config, spec, stop)
    factory = _s3_calls().get(name)
    if factory is None:
        raise JobFailure(UNSUPPORTED_OPERATION, f"The local emulator does not run {name} jobs")
    call = factory(config)
    s3 = stack_client("s3", endpoint_url, region, pool=_S3_THREADS * 2)
    return S3Operation(name, call, s3)
