"""Checks before CreateJob, each problem one line naming what to fix.

What S3 Batch Operations would otherwise report late and opaquely ("Reading the manifest is forbidden",
"The job report could not be written", reference §7.6) is checked here against the role's *real* policies,
with the permission catalogue (`s3batch_core.iam`) as the reference of what the job needs, and the trust policy
evaluated exactly as the emulator evaluates it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from s3batch_core.errors import InputError, one_line
from s3batch_core.contract.formats import CSV_FORMAT, INVENTORY_FORMAT
from s3batch.jobs.manifest import ManifestEntry, join_prefix
from s3batch_core.contract.manifest_rules import strip_etag
from s3batch.jobs.spec import LAMBDA_INVOKE, operation_name
from s3batch_core.contract.operation_rules import INTELLIGENT_TIERING, archive_kind, restore_days_problem
from s3batch_core.iam import catalogue, evaluate
from s3batch_core.contract import arns
from s3batch_core.contract.arns import role_name
from s3batch_core.iam import role

PROBE_KEY = ".s3batch-preflight-probe"


@dataclass(frozen=True)
class Problem:
    """One thing that would make the job fail; `message` says what to fix."""

    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.check}: {self.message}"


@dataclass
class PreflightResult:
    """Problems (the job would fail) and notes (checks that could not run)."""

    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def requirements(scope: dict[str, Any], sample: Sequence[ManifestEntry]) -> list[catalogue.Requirement]:
    """The catalogue's requirements for the job and a sample of its tasks, each (action, resource) once."""
    job_scope = catalogue.JobScope(**scope)
    found = list(catalogue.job_requirements(job_scope))
    for entry in sample:
        found.extend(catalogue.task_requirements(job_scope, entry.bucket, entry.key, entry.version_id))
    unique: dict[tuple[str, str], catalogue.Requirement] = {}
    for requirement in found:
        unique.setdefault((requirement.action, requirement.resource), requirement)
    return list(unique.values())


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def check_manifest(s3: Any, manifest: dict[str, Any]) -> list[Problem]:
    """The manifest object exists and its ETag is the pinned one."""
    bucket, key = arns.s3_object(manifest["Location"]["ObjectArn"])
    try:
        head = s3.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        return [Problem("manifest", f"s3://{bucket}/{key} cannot be read ({_code(exc) or exc}); upload it or fix the path")]
    current, pinned = strip_etag(head["ETag"]), strip_etag(manifest["Location"]["ETag"])
    if current != pinned:
        return [Problem("manifest", f"s3://{bucket}/{key} changed since it was pinned (ETag {current} != {pinned}); re-run to pin it again")]
    encryption = str(head.get("ServerSideEncryption", ""))
    if encryption.startswith("aws:kms") and manifest.get("Spec", {}).get("Format") == CSV_FORMAT:
        return [Problem("manifest", f"s3://{bucket}/{key} is encrypted with {encryption}: S3 Batch Operations reads "
                        "SSE-KMS only for inventory reports; upload the CSV manifest with ServerSideEncryption=AES256")]
    return []


def job_scope(request: dict[str, Any], region: str, sample: Sequence[ManifestEntry]) -> dict[str, Any]:
    """JobScope fields (s3batch_core.iam.catalogue) for a CreateJob request."""
    name = operation_name(request["Operation"])
    body = request["Operation"][name]
    report = request["Report"]
    scope: dict[str, Any] = {
        "operation": name,
        "partition": arns.partition(request["RoleArn"]),
        "manifest_bucket": "",
        "manifest_key": "",
        "report_bucket": arns.bucket_name(report.get("Bucket", "")),
        "report_prefix": report.get("Prefix", ""),
        "region": region,
        **catalogue.scope_resources(name, body),
    }
    if "Manifest" in request:
        manifest = request["Manifest"]
        scope["manifest_bucket"], scope["manifest_key"] = arns.s3_object(manifest["Location"]["ObjectArn"])
        scope["versioned"] = "VersionId" in manifest["Spec"].get("Fields", ())
        scope["manifest_format"] = "inventory" if manifest["Spec"]["Format"] == INVENTORY_FORMAT else "csv"
    else:
        generator = request["ManifestGenerator"]["S3JobManifestGenerator"]
        scope["manifest_generator"] = True
        scope["bucket"] = arns.bucket_name(generator["SourceBucket"])
        output = generator.get("ManifestOutputLocation")
        if output:
            scope["manifest_bucket"] = arns.bucket_name(output["Bucket"])
            scope["manifest_key"] = join_prefix(output.get("ManifestPrefix", ""), "*")
    if sample and "bucket" not in scope:
        scope["bucket"] = sample[0].bucket
    if not report.get("Enabled"):  # no report: a stand-in location, whose write requirement check_role drops
        scope["report_bucket"], scope["report_prefix"] = scope["manifest_bucket"] or scope.get("bucket", ""), ""
    return scope


def check_role(iam: Any, request: dict[str, Any], region: str, sample: Sequence[ManifestEntry]) -> list[Problem]:
    """The role exists, its trust policy lets S3 Batch Operations assume it for this account's job, and its
    policies allow what the job will do: `s3batch_core.iam.role`'s evaluation, the one the emulator makes."""
    role_arn = request["RoleArn"]
    name = role_name(role_arn)
    loaded = role.load(iam, role_arn)
    if not isinstance(loaded, role.BatchRole):
        return [Problem("role", _unavailable(name, loaded))]
    context = role.batch_context(account_id=request["AccountId"], region=region, role_arn=role_arn)
    denial = role.trust_denial(role_arn, loaded.trust, context)
    problems = [Problem("trust", f"role {name}: {denial}; fix its trust policy")] if denial else []
    needed = requirements(job_scope(request, region, sample), sample)
    if not request["Report"].get("Enabled"):
        needed = [r for r in needed if r.purpose != catalogue.REPORT_WRITE_PURPOSE]
    for requirement, decision in evaluate.unmet(loaded.policies, needed, context):
        problems.append(Problem(
            "permission",
            f"role {name} may not {requirement.action} on {requirement.resource} ({requirement.purpose}): "
            f"{decision.reason}; allow it in the role's policy",
        ))
    return problems


def _unavailable(name: str, loaded: role.RoleUnavailable) -> str:
    if loaded.arn:
        return f"role {name} is {loaded.arn}; pass its ARN (--role-arn)"
    if loaded.missing:
        return f"role {name} does not exist; create it (terraform apply) or pass the right --role-arn"
    return f"cannot read role {name} ({loaded.code}); the caller needs iam:GetRole to run preflight, or use --skip-preflight"


def check_function(lambda_client: Any, function_arn: str, region: str) -> list[Problem]:
    """The function (qualified ARN) exists in the job's Region."""
    function = arns.parse(function_arn)
    if function and function.region and function.region != region:
        return [Problem("function", f"{function_arn} is in {function.region} but the job runs in {region}; deploy the function in {region}")]
    try:
        lambda_client.get_function(FunctionName=function_arn)
    except ClientError as exc:
        if _code(exc) == "ResourceNotFoundException":
            return [Problem("function", f"{function_arn} does not exist in {region}; deploy it or fix --function-arn")]
        return [Problem("function", f"cannot read {function_arn} ({_code(exc)}); the caller needs lambda:GetFunction")]
    return []


def check_bucket_region(s3: Any, bucket: str, region: str, notes: list[str], check: str, what: str,
                        rule: str) -> list[Problem]:
    """A problem when `bucket` is in another Region than the job (a note when its location cannot be read)."""
    try:
        location = s3.get_bucket_location(Bucket=bucket).get("LocationConstraint") or "us-east-1"
    except ClientError as exc:
        notes.append(f"{check} {what} {bucket}: Region not checked ({_code(exc)})")
        return []
    location = {"EU": "eu-west-1"}.get(location, location)  # legacy LocationConstraint values
    if location != region:
        return [Problem(check, f"{what} {bucket} is in {location} but the job would run in {region}; "
                        f"{rule} (--region {location})")]
    return []


def check_restore_sample(s3: Any, body: dict[str, Any], sample: Sequence[ManifestEntry],
                         notes: list[str]) -> list[Problem]:
    """A restore job over the manifest's first rows (HeadObject): ExpirationInDays as their archive kind needs it,
    one kind per job (the model documentation's rules); objects not archived are a note (their tasks will fail)."""
    kinds: dict[str, str] = {}
    not_archived = []
    for entry in sample:
        version = {"VersionId": entry.version_id} if entry.version_id else {}
        try:
            kind = archive_kind(s3.head_object(Bucket=entry.bucket, Key=entry.key, **version))
        except ClientError as exc:
            notes.append(f"restore: s3://{entry.bucket}/{entry.key} not checked ({_code(exc)})")
            continue
        if kind is None:
            not_archived.append(entry.key)
        else:
            kinds.setdefault(kind, f"s3://{entry.bucket}/{entry.key}")
    problems = [Problem("restore", f"{problem} ({uri}); "
                        + ("drop --expiration-days" if kind == INTELLIGENT_TIERING else "give --expiration-days N"))
                for kind, uri in kinds.items() if (problem := restore_days_problem(kind, body.get("ExpirationInDays")))]
    if len(kinds) > 1:
        problems.append(Problem("restore", "one job cannot restore both S3 Glacier and S3 Intelligent-Tiering archive "
                                f"objects ({', '.join(kinds.values())}); create one job for each"))
    if not_archived:
        notes.append(f"restore: {len(not_archived)} of the first {len(sample)} objects are not archived (e.g. "
                     f"{not_archived[0]}); their tasks will fail with InvalidObjectState")
    return problems


def check_report_location(s3: Any, report: dict[str, Any], notes: list[str], *, probe_write: bool) -> list[Problem]:
    """The report bucket exists; with probe_write (--probe-report-write: we write into users' buckets only when
    asked), one zero-byte object can be written and deleted, with the caller's credentials.

    HeadBucket runs with the caller's credentials, not the job role's: a 403 (e.g. a report bucket in another
    account whose policy grants only the batch role) says nothing about the job, so it is a note, not a problem;
    the role's own report permission is judged by the policy evaluation.
    """
    if not report.get("Enabled"):
        return []
    bucket = arns.bucket_name(report["Bucket"])
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as exc:
        code = _code(exc)
        if code in ("403", "AccessDenied", "Forbidden"):
            notes.append(f"report bucket {bucket} not checked: HeadBucket is forbidden to you ({code})")
            return []
        what = "does not exist" if code in ("404", "NoSuchBucket") else f"is not reachable ({code})"
        return [Problem("report", f"report bucket {bucket} {what}; create it or fix --report-bucket")]
    if probe_write:
        key = join_prefix(report.get("Prefix", ""), PROBE_KEY)
        try:
            s3.put_object(Bucket=bucket, Key=key, Body=b"")
            s3.delete_object(Bucket=bucket, Key=key)
        except ClientError as exc:
            return [Problem("report", f"cannot write s3://{bucket}/{key} ({_code(exc)}); check the bucket policy and Object Lock")]
    return []


def enforce(result: PreflightResult, log: Any, hint: str = "fix them or use --skip-preflight") -> None:
    """Print the notes and problems of a preflight to `log`; an input error (exit 3) when there are problems."""
    for note in result.notes:
        print(one_line(f"preflight note: {note}"), file=log)
    for problem in result.problems:
        print(one_line(f"preflight: {problem}"), file=log)
    if result.problems:
        raise InputError(f"preflight found {len(result.problems)} problem(s); {hint}")
    print("preflight: ok", file=log)


def run_preflight(
    clients: Any,
    request: dict[str, Any],
    *,
    region: str,
    sample: Sequence[ManifestEntry] = (),
    probe_report_write: bool = False,
    manifest_uploaded: bool = True,
) -> PreflightResult:
    """Every check for a CreateJob request; problems in a stable order (manifest, role, function, report).

    `manifest_uploaded=False` (a dry run that did not upload) skips the manifest object's ETag check.
    """
    result = PreflightResult()
    if "Manifest" in request and manifest_uploaded:
        result.problems += check_manifest(clients.s3, request["Manifest"])
    elif "Manifest" in request:
        result.notes.append("manifest ETag not checked: the manifest was not uploaded (dry run)")
    try:
        result.problems += check_role(clients.iam, request, region, sample)
    except ValueError as exc:  # the catalogue cannot describe this job's scope, or a policy cannot be read
        result.notes.append(f"permission checks skipped: {exc}")
    body = request["Operation"][operation_name(request["Operation"])]
    if LAMBDA_INVOKE in request["Operation"]:
        result.problems += check_function(clients.lambda_, body["FunctionArn"], region)
    if "TargetResource" in body:  # "Copy jobs must be created in the destination Region" (reference §4.3)
        result.problems += check_bucket_region(clients.s3, arns.bucket_name(body["TargetResource"]), region, result.notes,
                                               "copy", "destination bucket", "copy jobs must be created in the destination Region")
    if "S3InitiateRestoreObject" in request["Operation"]:
        result.problems += check_restore_sample(clients.s3, body, sample, result.notes)
        if sample:  # "You must create the job in the same Region as the archived objects" (User Guide)
            result.problems += check_bucket_region(clients.s3, sample[0].bucket, region, result.notes, "restore",
                                                   "bucket", "restore jobs must be created in the objects' Region")
    result.problems += check_report_location(clients.s3, request["Report"], result.notes,
                                             probe_write=probe_report_write)
    return result
