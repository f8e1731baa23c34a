"""`s3batch policy`, `s3batch trust-policy` and `s3batch submitter-policy`: print the catalogue's policies."""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable

from s3batch_core.errors import UsageError
from s3batch_core.iam.catalogue import OPERATIONS, JobScope, build_policy, missing_flags, submitter_policy, trust_policy
from s3batch_core.terraform.policy import as_list
from s3batch_core.terraform.text import hcl_attributes, hcl_block

FORMATS = ("json", "terraform")
_S3_URI = re.compile(r"^s3://(?P<bucket>[^/]+)(?:/(?P<key>.*))?$")


def register(subparsers: argparse._SubParsersAction) -> None:
    policy = subparsers.add_parser(
        "policy",
        help="print the least-privilege permission policy of a batch role",
        description="Print the batch role's permission policy for one job (from the policy catalogue).",
    )
    policy.add_argument("operation", choices=OPERATIONS, metavar="OPERATION", help=", ".join(OPERATIONS))
    policy.add_argument("--manifest", metavar="s3://BUCKET/KEY",
                        help="manifest object (or prefix ending in *); with --manifest-generator: the output location")
    policy.add_argument("--report", metavar="s3://BUCKET/PREFIX", help="completion report bucket and prefix")
    policy.add_argument("--bucket", metavar="NAME", help="bucket whose objects the job acts on (copy: the source)")
    policy.add_argument("--destination-bucket", metavar="NAME", help="copy destination bucket (S3PutObjectCopy)")
    policy.add_argument("--function-arn", metavar="ARN", help="function the job invokes (LambdaInvoke)")
    policy.add_argument("--kms-key-arn", metavar="ARN", action="append", default=[], dest="kms_key_arns",
                        help="KMS key of encrypted objects or inventory manifests (repeatable)")
    policy.add_argument("--versioned", action="store_true", help="the manifest carries version ids")
    policy.add_argument("--operation-option", dest="operation_options", action="append", default=[], metavar="FIELD",
                        help="an operation field the job sets that needs more access, e.g. ObjectLockMode or "
                             "ObjectLockLegalHoldStatus for S3PutObjectCopy (repeatable)")
    policy.add_argument("--inventory", action="store_true", help="the manifest is an S3 Inventory manifest.json")
    policy.add_argument("--manifest-generator", action="store_true",
                        help="the job generates its manifest from --bucket (S3JobManifestGenerator)")
    policy.add_argument("--region", default="us-east-1", help="Region of the job (for kms:ViaService)")
    policy.add_argument("--partition", default="aws", help="AWS partition (aws, aws-cn, aws-us-gov)")

    trust = subparsers.add_parser("trust-policy", help="print the batch role's trust policy",
                                  description="Print the trust policy letting S3 Batch Operations assume the role.")
    trust.add_argument("--source-account", metavar="ID",
                       help="add an aws:SourceAccount condition (UNCONFIRMED for this service; see docs/policies.md)")

    submitter = subparsers.add_parser("submitter-policy", help="print the policy of whoever submits jobs",
                                      description="Print the policy for the principal that calls CreateJob.")
    submitter.add_argument("--role-arn", required=True, metavar="ARN", help="the batch role jobs run as")
    submitter.add_argument("--region", default="us-east-1", help="Region the jobs are created in")

    for parser, run in ((policy, run_policy), (trust, run_trust_policy), (submitter, run_submitter_policy)):
        parser.add_argument("--format", choices=FORMATS, default="json",
                            help="json (default) or terraform (an aws_iam_policy_document data block)")
        parser.set_defaults(func=run)


def _s3_location(flag: str, uri: str) -> tuple[str, str]:
    match = _S3_URI.match(uri)
    if not match:
        raise UsageError(f"{flag}: {uri!r} is not an s3://BUCKET/KEY URI")
    return match["bucket"], match["key"] or ""


def scope_from_args(args: argparse.Namespace) -> JobScope:
    """The JobScope the `policy` command's flags describe; UsageError naming what is missing or wrong."""
    missing = missing_flags(args.operation, manifest=args.manifest, report=args.report, bucket=args.bucket,
                            destination_bucket=args.destination_bucket, function_arn=args.function_arn,
                            kms_key_arns=tuple(args.kms_key_arns), manifest_generator=args.manifest_generator)
    if missing:
        raise UsageError(f"policy {args.operation}: missing required flag(s): {', '.join(missing)}")
    manifest_bucket, manifest_key = _s3_location("--manifest", args.manifest)
    report_bucket, report_prefix = _s3_location("--report", args.report)
    if not manifest_key and not args.manifest_generator:
        raise UsageError(f"--manifest: {args.manifest!r} names no key (s3://BUCKET/KEY, or a prefix ending in *)")
    try:
        return JobScope(
            operation=args.operation, manifest_bucket=manifest_bucket, manifest_key=manifest_key or "*",
            report_bucket=report_bucket, report_prefix=report_prefix, bucket=args.bucket,
            destination_bucket=args.destination_bucket, function_arn=args.function_arn,
            kms_key_arns=tuple(sorted(set(args.kms_key_arns))), versioned=args.versioned,
            manifest_format="inventory" if args.inventory else "csv", manifest_generator=args.manifest_generator,
            partition=args.partition, region=args.region,
            operation_options=tuple(dict.fromkeys(args.operation_options)),
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _printed(build: Callable[..., dict], args: argparse.Namespace, name: str, *values: object,
             **options: object) -> int:
    """Print the catalogue's policy in the chosen format; a ValueError of the catalogue is a usage error."""
    try:
        document = build(*values, **options)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    print(json.dumps(document, indent=2) if args.format == "json" else to_hcl(document, name))
    return 0


def run_policy(args: argparse.Namespace) -> int:
    return _printed(build_policy, args, f"batch_role_{args.operation.lower()}", scope_from_args(args))


def run_trust_policy(args: argparse.Namespace) -> int:
    return _printed(trust_policy, args, "batch_role_trust", args.source_account)


def run_submitter_policy(args: argparse.Namespace) -> int:
    return _printed(submitter_policy, args, "batch_job_submitter", args.role_arn, region=args.region)


# ---- Terraform: an aws_iam_policy_document data block ---------------------------------------------------------


def to_hcl(document: dict, name: str) -> str:
    """The policy as `data "aws_iam_policy_document" "<name>" { statement { ... } }`, laid out as terraform fmt
    lays it out."""
    statements = []
    for statement in document["Statement"]:
        arguments = {"sid": statement.get("Sid"), "effect": statement["Effect"], "actions": as_list(statement["Action"]),
                     "resources": as_list(statement["Resource"]) if "Resource" in statement else None}
        blocks = [hcl_block("principals", hcl_attributes({"type": kind, "identifiers": as_list(principal)}, 6), 4)
                  for kind, principal in statement.get("Principal", {}).items()]
        blocks += [hcl_block("condition", hcl_attributes({"test": test, "variable": variable,
                                                           "values": as_list(values)}, 6), 4)
                   for test, entries in statement.get("Condition", {}).items() for variable, values in entries.items()]
        body = hcl_attributes({key: value for key, value in arguments.items() if value is not None}, 4)
        statements.append(hcl_block("statement", "\n".join([body, *blocks]), 2))
    return hcl_block(f'data "aws_iam_policy_document" "{name}"', "".join(statements), 0).rstrip("\n")
