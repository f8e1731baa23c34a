"""`s3batch job …`: argparse wiring, one small function per subcommand; the work lives in the other modules."""

from __future__ import annotations

import argparse
import functools
import shutil
import sys
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from s3batch_core.errors import InputError, S3BatchError, UsageError, one_line
from s3batch.arguments import parse_pairs
from s3batch.jobs import manage, render
from s3batch.jobs import report as reports
from s3batch.jobs import retry as retries
from s3batch.jobs.manifest import parse_s3_uri, upload_manifest
from s3batch.jobs.outputs import DEFAULT_TERRAFORM_DIR, resolve_outputs
from s3batch.jobs.pipeline import (
    JobSettings,
    ManifestSource,
    SourceKind,
    SubmitOptions,
    submit,
)
from s3batch.jobs.preflight import enforce, run_preflight
from s3batch.jobs.spec import (
    LAMBDA_INVOKE,
    OperationFlags,
    enum_values,
    load_spec,
    operation_from_flags,
    operation_names,
)
from s3batch.jobs.submit import GeneratorSettings, JobOptions, ReportSettings, create_job
from s3batch.jobs.target import Clients, JobTarget
from s3batch.jobs.wait import (
    NEW_JOB_GRACE_S,
    ExitCode,
    PREPARING,
    PlainDisplay,
    PollSettings,
    describe_job,
    exit_code_for,
    make_display,
    outcome_lines,
    wait_for_job,
)
from s3batch_core.contract.stack_outputs import StackOutputs

EXIT_CODES = """exit codes:
  0  job Complete with no failed task (or the command succeeded)
  1  job Complete with failed tasks
  2  job Failed or Cancelled, an AWS/runtime error, or a usage error (bad flags; as in every s3batch command)
  3  input error (unreadable outputs/manifest/spec, preflight problems, --max-cost exceeded, unknown job)
  4  --timeout ran out while the job was still running"""

Formatter = argparse.RawDescriptionHelpFormatter


def _input_exit_code(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Input errors of job commands end with exit 3 (jobs' documented code: 2 already means "the job failed");
    usage errors keep exit 2, argparse's code, as in every s3batch command."""

    @functools.wraps(func)
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except InputError as exc:
            raise S3BatchError(str(exc), exit_code=ExitCode.INPUT) from None

    return run


# --- shared arguments ---------------------------------------------------------------------------------------------


def _add_target(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("target (AWS by default; the local stack through AWS_ENDPOINT_URL)")
    group.add_argument("--outputs", type=Path, help="stack outputs file (`terraform output -json` shape); "
                       "default: `terraform output -json` in --terraform-dir when terraform is on PATH")
    group.add_argument("--terraform-dir", type=Path, default=DEFAULT_TERRAFORM_DIR, help="where to run terraform (default: %(default)s)")
    group.add_argument("--region", help="job Region (default: the region output, else the AWS configuration)")
    group.add_argument("--endpoint-url", help="custom endpoint for every service (default: AWS_ENDPOINT_URL)")
    group.add_argument("--account-id", help="account of the jobs (default: the account_id output, else STS)")


def _outputs(args: argparse.Namespace, *, terraform: bool) -> StackOutputs | None:
    """The outputs file given, else (with `terraform`: for submitting) terraform's when terraform is on PATH."""
    if args.outputs is None and not (terraform and shutil.which("terraform")):
        return None
    return resolve_outputs(args.outputs, args.terraform_dir)


def _clients(args: argparse.Namespace, outputs: StackOutputs | None) -> Clients:
    region = args.region or (outputs.region if outputs else None)
    account = args.account_id or (outputs.account_id if outputs else None)
    return Clients(JobTarget(region=region, endpoint_url=args.endpoint_url, account_id_hint=account))


def _job_clients(args: argparse.Namespace) -> Clients:
    return _clients(args, _outputs(args, terraform=False))


def _add_poll(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("waiting")
    group.add_argument("--poll-interval", type=float, help="minimum seconds between DescribeJob calls "
                       "(default: 5 against AWS, 0.2 against a custom endpoint)")
    group.add_argument("--max-poll-interval", type=float, default=30.0, help="backoff ceiling in seconds (default: %(default)s)")
    group.add_argument("--timeout", type=float, help="stop waiting after this many seconds (exit 4)")


def _poll_settings(args: argparse.Namespace, clients: Clients) -> PollSettings:
    minimum = args.poll_interval if args.poll_interval is not None else clients.target.default_poll_interval()
    if minimum <= 0 or args.max_poll_interval < minimum:
        raise UsageError("--poll-interval must be > 0 and not above --max-poll-interval")
    return PollSettings(min_interval=minimum, max_interval=args.max_poll_interval, timeout=args.timeout)


def _add_job_options(parser: argparse.ArgumentParser, *, for_retry: bool = False) -> None:
    group = parser.add_argument_group("job options")
    group.add_argument("--priority", type=int, help="job priority, 0..2147483647 (default: "
                       + ("the original job's" if for_retry else "10") + ")")
    group.add_argument("--description", help="job description (≤256 characters)")
    group.add_argument("--job-tag", action="append", metavar="KEY=VALUE", help="job tag (repeatable; needs s3:PutJobTagging)")
    group.add_argument("--confirm-required", action="store_true",
                       help="create the job Suspended; it runs after `s3batch job confirm JOB_ID`")
    group.add_argument("--new", action="store_true", help="start a new job even if an identical one was submitted")


def _job_options(args: argparse.Namespace) -> JobOptions:
    return JobOptions(
        priority=args.priority, description=args.description, tags=parse_pairs(args.job_tag, "--job-tag"),
        confirmation_required=args.confirm_required, new=args.new,
    )


def _add_submit_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_argument_group("manifest (one source)").add_mutually_exclusive_group(required=True)
    source.add_argument("--folder", type=Path, help="upload the files of this folder under data_prefix and list them")
    source.add_argument("--from-bucket", metavar="S3_URI", help="list s3://BUCKET[/PREFIX] (streamed, any size)")
    source.add_argument("--manifest", metavar="CSV", help="an existing CSV manifest: local file or s3://BUCKET/KEY")
    source.add_argument("--inventory", metavar="S3_URI", help="an S3 Inventory manifest.json (CSV inventories)")
    source.add_argument("--generate", metavar="BUCKET", help="let S3 generate the manifest from BUCKET (ManifestGenerator)")
    m = parser.add_argument_group("manifest options")
    m.add_argument("--pattern", default="*", help="files of --folder to upload (glob, default: %(default)s)")
    m.add_argument("--versions", action="store_true", help="--from-bucket: list versions; the manifest carries version ids")
    m.add_argument("--filter-prefix", help="--generate: keys starting with this")
    m.add_argument("--filter-suffix", help="--generate: keys ending with this")
    m.add_argument("--filter-substring", help="--generate: keys containing this")
    m.add_argument("--created-after", type=datetime.fromisoformat, help="--generate: ISO date-time")
    m.add_argument("--created-before", type=datetime.fromisoformat, help="--generate: ISO date-time")
    m.add_argument("--min-size", type=int, help="--generate: objects larger than this many bytes")
    m.add_argument("--max-size", type=int, help="--generate: objects smaller than this many bytes")
    m.add_argument("--storage-class", dest="filter_storage_class", action="append", choices=enum_values("S3StorageClass"),
                   help="--generate: match any of these storage classes (repeatable)")
    m.add_argument("--eligible-for-replication", action="store_true", default=None,
                   help="--generate: objects the source's replication rules replicate (Batch Replication)")
    m.add_argument("--replication-status", action="append", choices=enum_values("ReplicationStatus"),
                   help="--generate: objects with this replication status (repeatable)")
    m.add_argument("--generated-manifest-bucket", help="--generate: also write the generated manifest here")
    r = parser.add_argument_group("resources (override the stack outputs)")
    r.add_argument("--role-arn", help="role S3 Batch Operations assumes (output batch_role_arn)")
    r.add_argument("--data-bucket", help="bucket --folder uploads to (output bucket_name)")
    r.add_argument("--data-prefix", help="prefix --folder uploads under (output data_prefix)")
    r.add_argument("--manifest-bucket", help="bucket for manifests (output manifest_bucket)")
    r.add_argument("--manifest-prefix", help="prefix for manifests (output manifest_prefix)")
    r.add_argument("--report-bucket", help="bucket for the completion report (output report_bucket)")
    r.add_argument("--report-prefix", help="prefix for the completion report (output report_prefix)")
    r.add_argument("--report-expected-owner", metavar="ACCOUNT_ID",
                   help="Report.ExpectedBucketOwner: the report is written only if this account owns the bucket")
    r.add_argument("--report-scope", choices=enum_values("JobReportScope"), help="default: AllTasks")
    r.add_argument("--no-report", action="store_true", help="no completion report (not recommended)")
    _add_operation_arguments(parser)
    _add_job_options(parser)
    c = parser.add_argument_group("preflight and cost")
    c.add_argument("--dry-run", action="store_true", help="check everything and print the CreateJob request; submit nothing "
                   "(uploads nothing; the manifest ETag is predicted)")
    c.add_argument("--skip-preflight", action="store_true", help="skip the role, function and report checks")
    c.add_argument("--probe-report-write", action="store_true",
                   help="preflight writes and deletes one empty object under the report prefix")
    c.add_argument("--max-cost", type=float, metavar="USD", help="refuse (exit 3) a job whose estimate is above this")
    c.add_argument("--prices", type=Path, help="JSON price table overriding s3batch/jobs/prices.json")
    c.add_argument("--comprehend", choices=("auto", "yes", "no"), default="auto",
                   help="count Comprehend units (auto: when the function's SENTIMENT_BACKEND is comprehend)")
    c.add_argument("--assumed-duration-ms", type=float, help="Lambda duration per task for the estimate (default: prices table)")


def _add_operation_arguments(parser: argparse.ArgumentParser) -> None:
    o = parser.add_argument_group("operation (default: LambdaInvoke of the stack's function)")
    o.add_argument("--operation", choices=operation_names(), help="operation (default: the operation output, else LambdaInvoke)")
    o.add_argument("--spec", type=Path, help="JSON/YAML file holding the JobOperation, e.g. {\"S3PutObjectTagging\": {...}}")
    o.add_argument("--function-arn", help="LambdaInvoke: qualified function ARN (output function_arn)")
    o.add_argument("--schema-version", choices=("1.0", "2.0"), help="LambdaInvoke: invocation schema (output invocation_schema_version)")
    o.add_argument("--user-arg", action="append", metavar="KEY=VALUE", help="LambdaInvoke UserArguments (schema 2.0)")
    o.add_argument("--tag", action="append", metavar="KEY=VALUE", help="S3PutObjectTagging tag set / S3PutObjectCopy new tags")
    o.add_argument("--target-bucket", help="S3PutObjectCopy destination bucket")
    o.add_argument("--target-prefix", help="S3PutObjectCopy destination key prefix")
    o.add_argument("--target-storage-class", dest="storage_class", choices=enum_values("S3StorageClass"),
                   help="S3PutObjectCopy storage class")
    o.add_argument("--metadata-directive", choices=enum_values("S3MetadataDirective"), help="S3PutObjectCopy")
    o.add_argument("--canned-acl", choices=enum_values("S3CannedAccessControlList"), help="S3PutObjectAcl / S3PutObjectCopy")
    o.add_argument("--kms-key-arn", help="S3UpdateObjectEncryption / S3PutObjectCopy KMS key")
    o.add_argument("--bucket-key", dest="bucket_key_enabled", action="store_true", default=None,
                   help="enable S3 Bucket Keys (copy, encryption)")
    o.add_argument("--checksum-algorithm", choices=enum_values("ComputeObjectChecksumAlgorithm"), help="S3ComputeObjectChecksum / copy")
    o.add_argument("--checksum-type", choices=enum_values("ComputeObjectChecksumType"), help="S3ComputeObjectChecksum")
    o.add_argument("--expiration-days", type=int, help="S3InitiateRestoreObject")
    o.add_argument("--glacier-tier", choices=enum_values("S3GlacierJobTier"), help="S3InitiateRestoreObject")
    o.add_argument("--legal-hold", choices=enum_values("S3ObjectLockLegalHoldStatus"), help="S3PutObjectLegalHold")
    o.add_argument("--retention-mode", choices=enum_values("S3ObjectLockRetentionMode"), help="S3PutObjectRetention")
    o.add_argument("--retain-until", type=datetime.fromisoformat, help="S3PutObjectRetention ISO date-time")
    o.add_argument("--bypass-governance", action="store_true", default=None, help="S3PutObjectRetention")


def _operation(args: argparse.Namespace, outputs: StackOutputs | None) -> dict[str, Any]:
    if args.spec is not None:
        if args.operation:
            raise UsageError("give --operation or --spec, not both")
        return load_spec(args.spec)
    name = args.operation or (outputs.operation if outputs else LAMBDA_INVOKE)
    parsed = {"user_arguments": parse_pairs(args.user_arg, "--user-arg"), "tags": parse_pairs(args.tag, "--tag")}
    flags = {f.name: parsed[f.name] if f.name in parsed else getattr(args, f.name) for f in fields(OperationFlags)}
    flags.update(function_arn=args.function_arn or (outputs.function_arn if outputs else None),
                 schema_version=args.schema_version or (outputs.invocation_schema_version if outputs else None))
    return operation_from_flags(name, OperationFlags(**flags))


def _source(args: argparse.Namespace) -> ManifestSource:
    if args.folder is not None:
        return ManifestSource(SourceKind.FOLDER, str(args.folder), pattern=args.pattern)
    if args.from_bucket:
        return ManifestSource(SourceKind.LISTING, args.from_bucket, versions=args.versions)
    if args.manifest:
        return ManifestSource(SourceKind.CSV, args.manifest)
    if args.inventory:
        parse_s3_uri(args.inventory)
        return ManifestSource(SourceKind.INVENTORY, args.inventory)
    generator = GeneratorSettings(args.generate, _generator_filter(args), output_bucket=args.generated_manifest_bucket)
    return ManifestSource(SourceKind.GENERATOR, args.generate, generator=generator)


# The --generate flags (their argparse dest) -> members of JobManifestGeneratorFilter / its KeyNameConstraint.
_GENERATOR_FILTER = {
    "created_after": "CreatedAfter", "created_before": "CreatedBefore", "min_size": "ObjectSizeGreaterThanBytes",
    "max_size": "ObjectSizeLessThanBytes", "filter_storage_class": "MatchAnyStorageClass",
    "eligible_for_replication": "EligibleForReplication", "replication_status": "ObjectReplicationStatuses",
}
_KEY_NAME_FILTER = {"filter_prefix": "MatchAnyPrefix", "filter_suffix": "MatchAnySuffix",
                    "filter_substring": "MatchAnySubstring"}


def _generator_filter(args: argparse.Namespace) -> dict[str, Any]:
    """JobManifestGeneratorFilter from the flags given."""
    given = vars(args)
    found = {member: given[dest] for dest, member in _GENERATOR_FILTER.items() if given[dest] is not None}
    keys = {member: [given[dest]] for dest, member in _KEY_NAME_FILTER.items() if given[dest]}
    return found | ({"KeyNameConstraint": keys} if keys else {})


def _settings(args: argparse.Namespace, clients: Clients, outputs: StackOutputs | None) -> JobSettings:
    """The job's resources: each flag wins over its stack output; without outputs the flags are required."""
    if outputs is None:
        missing = [flag for flag, value in (("--role-arn", args.role_arn), ("--manifest-bucket", args.manifest_bucket),
                                            ("--report-bucket", args.report_bucket)) if value is None]
        if missing:
            raise UsageError(f"{', '.join(missing)} required without stack outputs (--outputs FILE)")

    def pick(flag_value: str | None, output: str) -> Any:
        return flag_value if flag_value is not None or outputs is None else getattr(outputs, output)

    report = ReportSettings(bucket=pick(args.report_bucket, "report_bucket"),
                            prefix=pick(args.report_prefix, "report_prefix") or "",
                            scope=args.report_scope or "AllTasks", enabled=not args.no_report,
                            expected_owner=args.report_expected_owner)
    return JobSettings(
        account_id=clients.account_id, region=clients.target.region or clients.s3control.meta.region_name,
        role_arn=pick(args.role_arn, "batch_role_arn"), manifest_bucket=pick(args.manifest_bucket, "manifest_bucket"),
        manifest_prefix=pick(args.manifest_prefix, "manifest_prefix") or "", data_bucket=pick(args.data_bucket, "bucket_name"),
        data_prefix=pick(args.data_prefix, "data_prefix") or "", report=report,
    )


def _submit(args: argparse.Namespace) -> tuple[Clients, Any]:
    """Run the submit pipeline; with --dry-run, print the request it would send (`job_id` is then None)."""
    outputs = _outputs(args, terraform=True)
    clients = _clients(args, outputs)
    options = SubmitOptions(
        dry_run=args.dry_run, skip_preflight=args.skip_preflight, probe_report_write=args.probe_report_write,
        max_cost=args.max_cost, prices=args.prices, comprehend=args.comprehend, lambda_duration_ms=args.assumed_duration_ms,
    )
    done = submit(clients, _settings(args, clients, outputs), _source(args), _operation(args, outputs),
                  _job_options(args), options, log=sys.stderr)
    if done.job_id is None:
        render.print_json(done.request, sys.stdout)
    return clients, done


# --- subcommands ----------------------------------------------------------------------------------------------------


def cmd_submit(args: argparse.Namespace) -> int:
    """Build the manifest, check, estimate and create the job; print its id (or the request with --dry-run)."""
    _, done = _submit(args)
    if done.job_id is not None:
        print(done.job_id)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """Submit, wait with progress, then print the report summary and where the report is."""
    clients, done = _submit(args)
    if done.job_id is None:
        return 0
    print(f"job {done.job_id} submitted", file=sys.stderr)
    just_created = replace(_poll_settings(args, clients), new_job_grace=NEW_JOB_GRACE_S)  # not describable at once
    job = _wait(clients, done.job_id, just_created)
    _print_report(clients, job, render.Format.TEXT, None, _report_keys(args), missing_ok=True)
    return int(exit_code_for(job))


def _wait(clients: Clients, job_id: str, settings: PollSettings) -> dict[str, Any]:
    display = make_display(sys.stderr, job_id)
    try:
        job = wait_for_job(clients.s3control_poller, clients.account_id, job_id, settings, display=display)
    finally:
        display.close()
    for line in outcome_lines(job):
        print(line, file=sys.stderr)
    return job


def cmd_wait(args: argparse.Namespace) -> int:
    """Wait for a job with a progress bar; the exit code tells how it ended."""
    clients = _job_clients(args)
    return int(exit_code_for(_wait(clients, args.job_id, _poll_settings(args, clients))))


def _print_report(clients: Clients, job: dict[str, Any], fmt: render.Format, download: Path | None,
                  key_encoding: str, *, missing_ok: bool = False) -> None:
    try:
        location = reports.job_report(clients.s3, job)
    except S3BatchError as exc:
        if missing_ok:
            print(one_line(f"no report: {exc}"), file=sys.stderr)
            return
        raise
    _, files = reports.read_report_manifest(clients.s3, location)
    if download is not None:
        for path in reports.download_report(clients.s3, location, files, download):
            print(one_line(f"downloaded {path}"), file=sys.stderr)
    results = reports.iter_results(clients.s3, files, key_encoding)
    if fmt is render.Format.CSV:
        reports.write_csv(results, sys.stdout)
    elif fmt is render.Format.JSON:
        rows = list(results)
        render.print_json({"job_id": job["JobId"], "report": f"s3://{location.bucket}/{location.manifest_key}",
                           "summary": reports.summarize(rows).to_dict(),
                           "tasks": [reports.result_to_dict(row) for row in rows]}, sys.stdout)
    else:
        out = render.console(sys.stdout)
        summary = reports.summarize(results)
        for table in render.summary_tables(summary):
            out.print(table)
        if summary.rows_left_out:
            out.print(f"({summary.rows_left_out} more objects; use --format csv for all rows)")
    print(one_line(f"report: s3://{location.bucket}/{location.manifest_key}"), file=sys.stderr)


def cmd_report(args: argparse.Namespace) -> int:
    """Find, summarise and optionally download a job's completion report."""
    clients = _job_clients(args)
    job = describe_job(clients.s3control, clients.account_id, args.job_id)
    _print_report(clients, job, render.Format(args.format), args.download, _report_keys(args))
    return 0


def cmd_retry_failed(args: argparse.Namespace) -> int:
    """New job over the failed tasks of a finished job, with the same operation, role and report."""
    outputs = _outputs(args, terraform=False)
    clients = _clients(args, outputs)
    job = describe_job(clients.s3control, clients.account_id, args.job_id)
    location = reports.job_report(clients.s3, job)
    _, files = reports.read_report_manifest(clients.s3, location)
    failed = [f for f in files if f.status in (None, "failed")]
    buckets = retries.job_buckets(clients.s3, job)
    retry = retries.failed_manifest(reports.iter_results(clients.s3, failed, _report_keys(args)), buckets)
    if retry is None:
        print(f"job {args.job_id}: the report lists no failed task; nothing to retry", file=sys.stderr)
        return 0
    stack = (outputs.manifest_bucket, outputs.manifest_prefix) if outputs else None
    manifest_bucket, manifest_prefix = retries.retry_manifest_prefix(job, location.bucket, stack)
    with retry.body:
        manifest = upload_manifest(clients.s3, retry.body, retry.stats, bucket=manifest_bucket, prefix=manifest_prefix,
                                   with_versions=retry.with_versions, kind="retry")
    request = retries.retry_request(job, clients.account_id, manifest, _job_options(args))
    print(one_line(f"retry manifest: {manifest.object_arn()} ({retry.stats.rows} failed tasks)"), file=sys.stderr)
    if not args.skip_preflight:
        _retry_preflight(clients, request)
    print(create_job(clients.s3control, request))
    return 0


def _retry_preflight(clients: Clients, request: dict[str, Any]) -> None:
    """The submit preflight for a retry job (its manifest is in a new place the role may not read)."""
    region = clients.target.region or clients.s3control.meta.region_name
    enforce(run_preflight(clients, request, region=region, sample=()), sys.stderr,
            "fix them (e.g. --outputs for the stack's manifest location) or use --skip-preflight")


def _show(args: argparse.Namespace, value: Any, table: Any) -> int:
    """`value` as JSON (--format json) or as the given rich table."""
    if args.format == "json":
        render.print_json(value, sys.stdout)
    else:
        render.console(sys.stdout).print(table(value))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    clients = _job_clients(args)
    return _show(args, list(manage.list_jobs(clients.s3control, clients.account_id, args.status or ())),
                 render.jobs_table)


def cmd_status(args: argparse.Namespace) -> int:
    clients = _job_clients(args)
    return _show(args, describe_job(clients.s3control, clients.account_id, args.job_id), render.job_table)


def cmd_confirm(args: argparse.Namespace) -> int:
    """Confirm a Suspended job (UpdateJobStatus Ready), after S3 has finished preparing it."""
    clients = _job_clients(args)
    settled = {s for s in manage.job_statuses() if s not in PREPARING}
    wait_for_job(clients.s3control_poller, clients.account_id, args.job_id, _poll_settings(args, clients),
                 display=PlainDisplay(sys.stderr), until=frozenset(settled))
    result = manage.confirm_job(clients.s3control, clients.account_id, args.job_id)
    print(f"job {result['JobId']}: {result.get('Status')}")
    return 0


def cmd_cancel(args: argparse.Namespace) -> int:
    clients = _job_clients(args)
    result = manage.cancel_job(clients.s3control, clients.account_id, args.job_id, args.reason)
    print(f"job {result['JobId']}: {result.get('Status')}")
    return 0


def cmd_priority(args: argparse.Namespace) -> int:
    clients = _job_clients(args)
    result = manage.set_priority(clients.s3control, clients.account_id, args.job_id, args.priority)
    print(f"job {result['JobId']}: priority {result.get('Priority')}")
    return 0


# --- registration ---------------------------------------------------------------------------------------------------


def _sub(subparsers: Any, name: str, func: Any, help_text: str, *, job_id: bool = True, epilog: str | None = None) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(name, help=help_text, description=help_text, epilog=epilog, formatter_class=Formatter)
    if job_id:
        parser.add_argument("job_id", metavar="JOB_ID")
    _add_target(parser)
    parser.set_defaults(func=_input_exit_code(func))
    return parser


def _report_keys(args: argparse.Namespace) -> str:
    return args.report_keys or reports.default_key_encoding()


def _add_report_keys(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--report-keys", choices=reports.KEY_ENCODINGS, default=None,
        help="how the completion report writes object keys: url = URL-encoded like the manifest (default), raw = as "
             f"the keys themselves; AWS's choice is undocumented (default from {reports.KEY_ENCODING_ENV})")


def register(subparsers: Any) -> None:
    job = subparsers.add_parser("job", help="submit, watch and report S3 Batch Operations jobs",
                                description="S3 Batch Operations jobs, on AWS or the local stack (same calls).",
                                epilog=EXIT_CODES, formatter_class=Formatter)
    commands = job.add_subparsers(dest="job_command", metavar="SUBCOMMAND", required=True)
    _add_submit_arguments(_sub(commands, "submit", cmd_submit, "build the manifest, preflight, estimate cost, create the job",
                               job_id=False, epilog=EXIT_CODES))
    run = _sub(commands, "run", cmd_run, "submit, wait with progress, print the report (what `make job` runs)",
               job_id=False, epilog=EXIT_CODES)
    _add_submit_arguments(run)
    _add_poll(run)
    _add_report_keys(run)
    _add_poll(_sub(commands, "wait", cmd_wait, "wait for a job with a progress bar", epilog=EXIT_CODES))
    report = _sub(commands, "report", cmd_report, "summarise (and download) a job's completion report", epilog=EXIT_CODES)
    report.add_argument("--format", choices=[f.value for f in render.Format], default="text")
    report.add_argument("--download", type=Path, metavar="DIR", help="also download the report files into DIR")
    _add_report_keys(report)
    retry = _sub(commands, "retry-failed", cmd_retry_failed, "new job over the failed tasks of a job", epilog=EXIT_CODES)
    _add_job_options(retry, for_retry=True)
    _add_report_keys(retry)
    retry.add_argument("--skip-preflight", action="store_true", help="skip the role, function and report checks")
    listing = _sub(commands, "list", cmd_list, "list jobs", job_id=False)
    listing.add_argument("--status", action="append", choices=manage.job_statuses(), help="only these statuses (repeatable)")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    _sub(commands, "status", cmd_status, "describe a job").add_argument("--format", choices=("text", "json"), default="text")
    _add_poll(_sub(commands, "confirm", cmd_confirm,
                   "run a job created with --confirm-required (UpdateJobStatus Ready; waits while it is Preparing)"))
    _sub(commands, "cancel", cmd_cancel, "cancel a job").add_argument("--reason", help="StatusUpdateReason")
    _sub(commands, "priority", cmd_priority, "change a job's priority").add_argument("priority", type=int)
