"""`s3batch lint` and `s3batch check`: argument parsing only; the work is in validate.linter and validate.gate."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from s3batch_core.iam.catalogue import OPERATIONS
from validate.linter.formats import OutputFormat


def register(subparsers: argparse._SubParsersAction) -> None:
    lint = subparsers.add_parser(
        "lint", help="lint IAM trust and permission policies in JSON files and Terraform code",
        description="Lint S3 Batch Operations role policies. Exit 0: no errors; 1: errors; 2: unreadable input or bad "
                    "usage. Rules, suppressions and formats: docs/linter.md.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    lint.add_argument("paths", nargs="+", type=Path, metavar="PATH", help=".json policy files, .tf files or directories")
    lint.add_argument("--format", choices=[f.value for f in OutputFormat], default=OutputFormat.TEXT.value)
    lint.add_argument("--operation", choices=OPERATIONS, metavar="OPERATION",
                      help="check batch roles against the catalogue for this CreateJob operation (overrides "
                           "Terraform's declaration)")
    lint.add_argument("--show-info", action="store_true", help="also show info findings (hidden by default: they "
                                                               "never fail and some fire on nearly every file)")
    lint.set_defaults(func=run_lint)

    check = subparsers.add_parser(
        "check", help="pre-merge gate over a repository's Terraform: parse, provider schema, lint, catalogue, drift, "
                      "checkov, terraform fmt/validate/test",
        description="Run every static check of the Terraform code; artefacts in build/check/. Exit 0 passed, 1 failed, "
                    "2 bad input. Works in any repository (docs/linter.md).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    check.add_argument("--format", choices=["text", "json"], default="text")
    checkov = check.add_mutually_exclusive_group()
    checkov.add_argument("--skip-checkov", action="store_true", help="do not run checkov")
    checkov.add_argument("--require-checkov", action="store_true", help="fail when checkov is not installed")
    check.add_argument("--checkov", type=Path, default=None,
                       help="checkov executable (default: checkov on PATH, else .venv-checkov/bin/checkov, "
                            "else skipped)")
    check.add_argument("--terraform-dir", type=Path, default=None,
                       help="the Terraform code (default: ./terraform if present, else .)")
    check.add_argument("--policies-dir", type=Path, default=None,
                       help="generated policy templates to compare with the catalogue (default: the generated folders "
                            "found under the Terraform dir; none found: the drift check is skipped)")
    check.add_argument("--out-dir", type=Path, default=Path("build/check"))
    check.add_argument("--provider-schema", type=Path, default=None, metavar="JSON",
                       help="AWS provider schema snapshot to check against (default: the one shipped, hashicorp/aws "
                            "6.25.0; make provider-schema writes one)")
    check.set_defaults(func=run_check)


def run_lint(args: argparse.Namespace) -> int:
    from validate.linter import Severity, exit_code, lint_paths

    findings = lint_paths(args.paths, operation=args.operation)
    shown = findings if args.show_info else [f for f in findings if f.severity is not Severity.INFO]
    sys.stdout.write(OutputFormat(args.format).render(shown))
    hidden = len(findings) - len(shown)
    if hidden and args.format == OutputFormat.TEXT.value:
        sys.stdout.write(f"{hidden} info finding(s) hidden; --show-info shows them\n")
    return exit_code(findings)


def run_check(args: argparse.Namespace) -> int:
    import json

    from validate.gate import GateOptions, default_terraform, default_terraform_dir, find_checkov, format_text, run_gate

    if args.skip_checkov:
        checkov, absent = None, "--skip-checkov"
    elif args.checkov is not None:
        checkov, absent = args.checkov, ""
    else:
        checkov, absent = find_checkov()
    report = run_gate(GateOptions(
        terraform_dir=args.terraform_dir or default_terraform_dir(), out_dir=args.out_dir, checkov=checkov,
        checkov_absent=absent, require_checkov=args.require_checkov, terraform=default_terraform(),
        policies_dir=args.policies_dir, provider_schema=args.provider_schema))
    if args.format == "json":
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(format_text(report))
    return report.exit_code
