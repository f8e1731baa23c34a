"""Turn a JobScope into the batch role's permission policy and into the concrete accesses the job makes.

build_policy() and the requirement functions read the same tables (operations.py), so the policy we generate
and the accesses we check it against cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from s3batch_core.contract import arns

from s3batch_core.iam.catalogue.operations import (
    active_grants,
    GENERATED_MANIFEST_WRITE_ACTIONS,
    KMS_ACTIONS,
    KMS_VIA_SERVICE_KEY,
    MANIFEST_READ_ACTIONS,
    REPORT_WRITE_ACTIONS,
    SID_GENERATE_MANIFEST,
    SID_READ_MANIFEST,
    SID_USE_KMS_KEYS,
    SID_WRITE_GENERATED_MANIFEST,
    SID_WRITE_REPORT,
    VERSION_VARIANTS,
    Grant,
    OperationSpec,
    Target,
    spec_for,
    with_version_variants,
)
from s3batch_core.iam.catalogue.scope import JobScope, Requirement

POLICY_VERSION = "2012-10-17"
# A job id of the documented shape, used where a requirement needs one concrete key.
EXAMPLE_JOB_ID = "00000000-0000-0000-0000-000000000000"

# kms:ViaService names the S3 endpoint; only the China partition uses another DNS suffix.
_DNS_SUFFIX = {"aws-cn": "amazonaws.com.cn"}

# CLI flag for each JobScope field (or CLI argument) that an operation may require.
_FLAGS: dict[str, str] = {
    "manifest": "--manifest",
    "report": "--report",
    "bucket": "--bucket",
    "destination_bucket": "--destination-bucket",
    "function_arn": "--function-arn",
    "kms_key_arns": "--kms-key-arn",
}
REPORT_WRITE_PURPOSE = "write the report"  # a job without a report drops these requirements (preflight)

_ALIASES: dict[str, str] = {"manifest_bucket": "manifest", "report_bucket": "report", "kms_key_arn": "kms_key_arns"}
# The JobScope field naming each grant target's resource, which the operation then needs (its flag: _FLAGS).
_TARGET_FIELDS = {Target.OBJECTS: "bucket", Target.BUCKET: "bucket", Target.DESTINATION_OBJECTS: "destination_bucket",
                  Target.FUNCTION: "function_arn"}


@dataclass(frozen=True)
class _Statement:
    sid: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    condition: dict[str, dict[str, str]] | None = None

    def render(self) -> dict:
        statement: dict = {
            "Sid": self.sid,
            "Effect": "Allow",
            "Action": sorted(set(self.actions)),
            "Resource": sorted(set(self.resources)),
        }
        if self.condition:
            statement["Condition"] = self.condition
        return statement


# ---- ARNs -----------------------------------------------------------------------------------------------------


def kms_via_service(scope: JobScope) -> str:
    """The kms:ViaService value of S3's calls to KMS in the scope's Region."""
    return f"s3.{scope.region}.{_DNS_SUFFIX.get(scope.partition, 'amazonaws.com')}"


def function_resources(function_arn: str) -> tuple[str, ...]:
    """The function ARN exactly; for an unqualified ARN also every version and alias (ARN:*)."""
    qualified = function_arn.count(":") == 7
    return (function_arn,) if qualified else (function_arn, f"{function_arn}:*")


def manifest_keys(scope: JobScope) -> tuple[str, ...]:
    """Keys (or key patterns) the job reads its manifest from."""
    if scope.manifest_generator:
        return (_as_prefix_pattern(scope.manifest_key),)
    if scope.manifest_format == "inventory" and not scope.manifest_key.endswith("*"):
        return (scope.manifest_key, inventory_data_pattern(scope.manifest_key))
    return (scope.manifest_key,)


def inventory_data_pattern(manifest_json_key: str) -> str:
    """Data files of an S3 Inventory report: <dest-prefix>/<source-bucket>/<config-id>/data/*."""
    parts = manifest_json_key.split("/")
    if parts[-1] != "manifest.json" or len(parts) < 3:
        raise ValueError(
            f"manifest_key: {manifest_json_key!r} is not an S3 Inventory manifest.json key "
            "(<prefix>/<source-bucket>/<config-id>/<YYYY-MM-DDTHH-MMZ>/manifest.json)"
        )
    return "/".join(parts[:-2]) + "/data/*"


def report_example_key(scope: JobScope, job_id: str = EXAMPLE_JOB_ID) -> str:
    """A key AWS writes the report under: <prefix>/job-<id>/manifest.json (no leading '/' without a prefix)."""
    job_dir = f"job-{job_id}/manifest.json"
    return f"{scope.report_prefix}/{job_dir}" if scope.report_prefix else job_dir


def _as_prefix_pattern(key: str) -> str:
    return key if key.endswith("*") else f"{key}*"


# ---- resolving the table against a scope ------------------------------------------------------------------------


def _require(scope: JobScope, field_name: str, why: str) -> str:
    value = getattr(scope, field_name)
    if not value:
        raise ValueError(f"{field_name}: required for {scope.operation} ({why})")
    return value


def _grant_resources(scope: JobScope, grant: Grant) -> tuple[str, ...]:
    named = _require(scope, _TARGET_FIELDS[grant.target], grant.purpose)
    if grant.target is Target.FUNCTION:
        return function_resources(named)
    return (arns.s3(named, None if grant.target is Target.BUCKET else "*", partition=scope.partition),)


def _grant_actions(grant: Grant, versioned: bool) -> tuple[str, ...]:
    # Version ids name existing objects: only actions on the job's own objects get version-specific variants
    # (a copy's destination objects are new, so its writes never carry a version id).
    return with_version_variants(grant.actions, versioned and grant.target is Target.OBJECTS)


def _kms_actions(spec: OperationSpec) -> tuple[str, ...]:
    return KMS_ACTIONS + spec.kms_actions


def _statements(scope: JobScope) -> list[_Statement]:
    spec = spec_for(scope.operation)
    p = scope.partition
    manifest_resources = tuple(arns.s3(scope.manifest_bucket, key, partition=p) for key in manifest_keys(scope))
    statements = [_Statement(SID_READ_MANIFEST, with_version_variants(MANIFEST_READ_ACTIONS, scope.versioned), manifest_resources)]
    if scope.manifest_generator:
        source = _require(scope, "bucket", "the manifest generator's source bucket")
        statements.append(_Statement(SID_GENERATE_MANIFEST, spec.generator_bucket_actions, (arns.s3(source, partition=p),)))
        statements.append(_Statement(SID_WRITE_GENERATED_MANIFEST, GENERATED_MANIFEST_WRITE_ACTIONS, manifest_resources))
    report = arns.s3(scope.report_bucket, f"{scope.report_prefix}*", partition=p)
    statements.append(_Statement(SID_WRITE_REPORT, REPORT_WRITE_ACTIONS, (report,)))
    for grant in active_grants(scope.operation, scope.operation_options):
        statements.append(_Statement(grant.sid, _grant_actions(grant, scope.versioned), _grant_resources(scope, grant)))
    if scope.kms_key_arns:
        condition = {"StringEquals": {KMS_VIA_SERVICE_KEY: kms_via_service(scope)}}
        statements.append(_Statement(SID_USE_KMS_KEYS, _kms_actions(spec), scope.kms_key_arns, condition))
    return statements


# ---- public API ---------------------------------------------------------------------------------------------------


def build_policy(scope: JobScope) -> dict:
    """The batch role's least-privilege permission policy for this job (deterministic order and Sids)."""
    return {"Version": POLICY_VERSION, "Statement": [s.render() for s in _statements(scope)]}


def job_requirements(scope: JobScope, *, job_id: str = EXAMPLE_JOB_ID) -> list[Requirement]:
    """Accesses made once per job: manifest read, generator, report write, bucket-level checks, function, KMS."""
    spec = spec_for(scope.operation)
    p = scope.partition
    reqs: list[Requirement] = []
    purposes = {True: "read the inventory data files", False: "read the manifest"}
    for key in manifest_keys(scope):
        is_data = scope.manifest_format == "inventory" and key.endswith("/data/*") and not scope.manifest_generator
        for action in MANIFEST_READ_ACTIONS:
            reqs.append(Requirement(action, arns.s3(scope.manifest_bucket, key, partition=p), purposes[is_data]))
    if scope.manifest_generator:
        source = arns.s3(_require(scope, "bucket", "the manifest generator's source bucket"), partition=p)
        reqs += [Requirement(a, source, "generate the manifest from the source bucket") for a in spec.generator_bucket_actions]
        out = arns.s3(scope.manifest_bucket, manifest_keys(scope)[0], partition=p)
        reqs += [Requirement(a, out, "write the generated manifest") for a in GENERATED_MANIFEST_WRITE_ACTIONS]
    report = arns.s3(scope.report_bucket, report_example_key(scope, job_id), partition=p)
    reqs += [Requirement(a, report, REPORT_WRITE_PURPOSE) for a in REPORT_WRITE_ACTIONS]
    for grant in active_grants(scope.operation, scope.operation_options):
        if grant.target in (Target.BUCKET, Target.FUNCTION):  # the bucket, or the function ARN as given
            resource = _grant_resources(scope, grant)[0]
            reqs += [Requirement(a, resource, grant.purpose) for a in grant.actions]
    context = ((KMS_VIA_SERVICE_KEY, kms_via_service(scope)),)
    for key_arn in scope.kms_key_arns:
        reqs += [Requirement(a, key_arn, "use the KMS key through S3", context) for a in _kms_actions(spec)]
    return reqs


def task_requirements(scope: JobScope, bucket: str, key: str, version_id: str | None) -> list[Requirement]:
    """Accesses made for one manifest row (bucket, key, version id): the operation's object actions."""
    p = scope.partition
    reqs: list[Requirement] = []
    for grant in active_grants(scope.operation, scope.operation_options):
        if grant.target is Target.OBJECTS:
            arn = arns.s3(bucket, key, partition=p)
        elif grant.target is Target.DESTINATION_OBJECTS:
            arn = arns.s3(_require(scope, "destination_bucket", grant.purpose), key, partition=p)
        else:
            continue
        for action in grant.actions:
            # A call naming a version id is authorised as the version-specific action, when one exists.
            concrete = VERSION_VARIANTS.get(action, action) if version_id and grant.target is Target.OBJECTS else action
            reqs.append(Requirement(concrete, arn, grant.purpose))
    return reqs


def operation_actions(operation: str, versioned: bool) -> dict[str, frozenset[str]]:
    """The operation's own actions (without the shared manifest/report/KMS parts).

    Keys: "object" (object-level S3 actions, on any bucket the operation touches), "bucket" (bucket-level S3
    actions) and "other" (non-S3 actions, e.g. lambda:InvokeFunction, or KMS actions the operation itself needs).
    """
    spec = spec_for(operation)
    result: dict[str, set[str]] = {"object": set(), "bucket": set(), "other": set(spec.kms_actions)}
    kind = {Target.OBJECTS: "object", Target.DESTINATION_OBJECTS: "object", Target.BUCKET: "bucket", Target.FUNCTION: "other"}
    for grant in spec.grants:
        result[kind[grant.target]].update(_grant_actions(grant, versioned))
    return {name: frozenset(actions) for name, actions in result.items()}


def missing_flags(operation: str, **given: object) -> list[str]:
    """CLI flags the operation requires that are absent (None, "", (), False) in `given`.

    `given` uses JobScope field names or the CLI's argument names: manifest, report, bucket, destination_bucket,
    function_arn, kms_key_arns (or kms_key_arn), manifest_generator.
    """
    spec = spec_for(operation)
    present = {_ALIASES.get(name, name) for name, value in given.items() if value not in (None, "", (), [], False)}
    needed = ["manifest", "report"]
    if any(g.target in (Target.OBJECTS, Target.BUCKET) for g in spec.grants) or "manifest_generator" in present:
        needed.append("bucket")
    needed += [_TARGET_FIELDS[g.target] for g in spec.grants]  # "bucket" again at most: dropped below
    if spec.needs_kms_key:
        needed.append("kms_key_arns")
    return [_FLAGS[name] for name in dict.fromkeys(needed) if name not in present]
