"""The submit pipeline, without argparse: manifest → request → preflight → cost → CreateJob.

`s3batch job submit` runs it; `s3batch job run` (what `make job` calls) runs it and then waits and reports.
Everything goes through `Clients`, so the same calls reach AWS or the local stack.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import IO, Any, TextIO

from botocore.exceptions import ClientError

from s3batch_core.errors import InputError, UsageError, one_line
from s3batch.jobs import cost as costs
from s3batch.jobs import manifest as manifests
from s3batch.jobs.manifest import ManifestLocation, ManifestStats, build_manifest_file
from s3batch.jobs.preflight import enforce, run_preflight
from s3batch.jobs.spec import LAMBDA_INVOKE, operation_name
from s3batch.jobs.submit import GeneratorSettings, JobOptions, ReportSettings, build_create_job_request, create_job


class SourceKind(str, Enum):
    """Where the job's objects come from."""

    FOLDER = "folder"
    LISTING = "listing"
    CSV = "csv"
    INVENTORY = "inventory"
    GENERATOR = "generator"


@dataclass(frozen=True)
class ManifestSource:
    kind: SourceKind
    value: str
    pattern: str = "*"
    versions: bool = False
    generator: GeneratorSettings | None = None


@dataclass(frozen=True)
class JobSettings:
    """Resources of the job: from the stack outputs, each overridable by a flag (`s3batch job` assembles them)."""

    account_id: str
    region: str
    role_arn: str
    manifest_bucket: str
    manifest_prefix: str
    data_bucket: str | None
    data_prefix: str
    report: ReportSettings


@dataclass
class PreparedManifest:
    """The manifest (or generator) of a job, and what is known about its objects."""

    location: ManifestLocation | None = None
    generator: GeneratorSettings | None = None
    stats: ManifestStats | None = None
    uploaded: bool = True
    notes: list[str] = field(default_factory=list)
    content_digest: str | None = None  # --folder: digest of the files' keys and bytes (part of the job identity)


def _store(s3: Any, body: IO[bytes], stats: ManifestStats, settings: JobSettings, versions: bool, dry_run: bool) -> PreparedManifest:
    with body:
        location = manifests.upload_manifest(None if dry_run else s3, body, stats, bucket=settings.manifest_bucket,
                                             prefix=settings.manifest_prefix, with_versions=versions)
    if dry_run:
        return PreparedManifest(location, stats=stats, uploaded=False, notes=["dry run: manifest not uploaded; ETag predicted"])
    return PreparedManifest(location, stats=stats)


def _listing_target(value: str) -> tuple[str, str]:
    if not value.startswith("s3://") or not value[5:].split("/", 1)[0]:
        raise UsageError(f"--from-bucket {value!r}: expected s3://BUCKET[/PREFIX]")
    bucket, _, prefix = value[5:].partition("/")
    return bucket, prefix


def prepare_manifest(s3: Any, source: ManifestSource, settings: JobSettings, *, dry_run: bool = False) -> PreparedManifest:
    """Build and upload (or locate) the manifest for `source`."""
    if source.kind is SourceKind.FOLDER:
        if not settings.data_bucket:
            raise UsageError("--folder needs a bucket to upload to (--data-bucket or the bucket_name output)")
        content = hashlib.sha256()
        entries = manifests.upload_folder(None if dry_run else s3, Path(source.value), bucket=settings.data_bucket,
                                prefix=settings.data_prefix, pattern=source.pattern, content=content)
        body, stats = build_manifest_file(entries)
        return replace(_store(s3, body, stats, settings, False, dry_run), content_digest=content.hexdigest())
    if source.kind is SourceKind.LISTING:
        bucket, prefix = _listing_target(source.value)
        body, stats = build_manifest_file(manifests.list_bucket(s3, bucket, prefix, versions=source.versions), with_versions=source.versions)
        return _store(s3, body, stats, settings, source.versions, dry_run)
    if source.kind is SourceKind.CSV and not source.value.startswith("s3://"):
        body, stats, info = manifests.read_local_manifest(Path(source.value))
        return _store(s3, body, stats, settings, info.columns == 3, dry_run)
    if source.kind in (SourceKind.CSV, SourceKind.INVENTORY):
        location, info = manifests.existing_manifest(s3, source.value, inventory=source.kind is SourceKind.INVENTORY)
        return PreparedManifest(location, stats=ManifestStats(rows=info.rows, sample=list(info.first_rows)))
    assert source.generator is not None
    return PreparedManifest(generator=source.generator, notes=["manifest generator: object count unknown until S3 generates it"])


@dataclass(frozen=True)
class SubmitOptions:
    dry_run: bool = False
    skip_preflight: bool = False
    probe_report_write: bool = False
    max_cost: float | None = None
    prices: Path | None = None
    comprehend: str = "auto"
    """auto (from the function's SENTIMENT_BACKEND), yes or no."""
    lambda_duration_ms: float | None = None


@dataclass(frozen=True)
class Submitted:
    """The outcome of the pipeline: the request and, unless a dry run, the job id."""

    request: dict[str, Any]
    job_id: str | None
    estimate: costs.CostEstimate | None


def _function_configuration(lambda_client: Any, function_arn: str) -> dict[str, Any]:
    try:
        return dict(lambda_client.get_function_configuration(FunctionName=function_arn))
    except ClientError:
        return {}  # preflight reports a missing function; the estimate falls back to defaults


def cost_inputs(clients: Any, request: dict[str, Any], prepared: PreparedManifest, comprehend: str) -> costs.CostInputs:
    """What the estimate needs: task count, sizes, and for Lambda the memory and sentiment backend."""
    operation = operation_name(request["Operation"])
    stats = prepared.stats
    memory, uses_comprehend, read_bytes = None, comprehend == "yes", None
    if operation == LAMBDA_INVOKE:
        config = _function_configuration(clients.lambda_, request["Operation"][LAMBDA_INVOKE]["FunctionArn"])
        memory = config.get("MemorySize")
        env = (config.get("Environment") or {}).get("Variables") or {}
        if comprehend == "auto":
            uses_comprehend = env.get("SENTIMENT_BACKEND", "").lower() == "comprehend"
        if env.get("SENTIMENT_MODE", "").lower() == "full" and env.get("MAX_BYTES", "").isdigit():
            read_bytes = int(env["MAX_BYTES"])
    return costs.CostInputs(operation=operation, tasks=stats.rows if stats else 0,
                            sizes=tuple(stats.sizes) if stats else (), lambda_memory_mb=memory,
                            comprehend=uses_comprehend, comprehend_read_bytes=read_bytes)


def _price_table(options: SubmitOptions) -> costs.PriceTable:
    table = costs.load_prices(options.prices)
    if options.lambda_duration_ms is not None:
        table.assumptions["lambda_duration_ms"] = options.lambda_duration_ms
    return table


def submit(
    clients: Any,
    settings: JobSettings,
    source: ManifestSource,
    operation: dict[str, Any],
    job_options: JobOptions,
    options: SubmitOptions,
    *,
    log: TextIO,
) -> Submitted:
    """Run the pipeline; progress lines go to `log`. Refuses on preflight problems (exit 3) or cost (exit 3)."""
    check_request_before_uploads(settings, operation, job_options)
    prepared = prepare_manifest(clients.s3, source, settings, dry_run=options.dry_run)
    if prepared.location is not None:
        print(one_line(f"manifest: {prepared.location.object_arn()} (ETag {prepared.location.etag}, "
                       f"{prepared.stats.rows if prepared.stats else '?'} objects)"), file=log)
    for note in prepared.notes:
        print(one_line(f"note: {note}"), file=log)
    request = build_create_job_request(
        account_id=settings.account_id, role_arn=settings.role_arn, operation=operation, report=settings.report,
        options=job_options, manifest=prepared.location, generator=prepared.generator,
        content_digest=prepared.content_digest,
    )
    if not options.skip_preflight:
        enforce(run_preflight(clients, request, region=settings.region, probe_report_write=options.probe_report_write,
                              sample=prepared.stats.sample if prepared.stats else (),
                              manifest_uploaded=prepared.uploaded), log)
    estimate = costs.estimate(cost_inputs(clients, request, prepared, options.comprehend), _price_table(options))
    print("cost estimate:", file=log)
    for line in costs.format_lines(estimate):
        print(line, file=log)
    if prepared.stats is None and options.max_cost is not None:
        raise InputError("cannot check --max-cost: the object count is unknown (manifest generator)")
    costs.enforce_max_cost(estimate, options.max_cost)
    return Submitted(request, None if options.dry_run else create_job(clients.s3control, request), estimate)


def check_request_before_uploads(settings: JobSettings, operation: dict[str, Any], job_options: JobOptions) -> None:
    """The model check of the whole CreateJob request, with a stand-in manifest, before anything is uploaded:
    a description, priority, tag or user argument AWS would refuse is an input error (exit 3) with no side effect."""
    stand_in = ManifestLocation(bucket="stand-in-bucket", key="stand-in.csv", etag="0" * 32)
    build_create_job_request(account_id=settings.account_id, role_arn=settings.role_arn, operation=operation,
                             report=settings.report, options=job_options, manifest=stand_in)

