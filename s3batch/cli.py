"""The `s3batch` console script: one parser, one small function per subcommand.

Each concern registers its own subcommands through a `register(subparsers)` function of a module listed in
COMMAND_MODULES (imported here normally, so import-linter sees every edge; docs/architecture.md).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence

from botocore.exceptions import BotoCoreError, ClientError

from s3batch import __version__
from s3batch.emulator.local import commands as emulator_commands
from s3batch.jobs import commands as job_commands
from s3batch_core.errors import S3BatchError, one_line
from validate import lint_commands, policy_commands

AWS_ERROR_EXIT = 2  # "an AWS/runtime error" in every command's exit codes
INTERNAL_ERROR_EXIT = 70  # an unexpected exception (a bug): never 1, which means "lint errors" / "failed tasks"
DEBUG_ENV = "S3BATCH_DEBUG"

# Modules exposing `register(subparsers: argparse._SubParsersAction) -> None`.
COMMAND_MODULES = (emulator_commands, job_commands, policy_commands, lint_commands)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="s3batch",
        description="Toolkit for Amazon S3 Batch Operations: policies, linting, jobs and a local emulator.",
    )
    parser.add_argument("--version", action="version", version=f"s3batch {__version__}")
    parser.add_argument(
        "--debug", action="store_true",
        help=f"print the traceback of an internal error (exit {INTERNAL_ERROR_EXIT}); also {DEBUG_ENV}=1",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(func(args))
    except (S3BatchError, ClientError, BotoCoreError) as exc:  # an AWS error no command expected: exit 2
        print(f"s3batch: error: {one_line(str(exc))}", file=sys.stderr)
        return exc.exit_code if isinstance(exc, S3BatchError) else AWS_ERROR_EXIT
    except KeyboardInterrupt:
        print("s3batch: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last resort: a bug is one line and exit 70, never exit 1
        return internal_error(exc, debug=args.debug or os.environ.get(DEBUG_ENV, "") not in ("", "0"))


def internal_error(exc: BaseException, *, debug: bool) -> int:
    """Report an unexpected exception as one line (the traceback only when debugging); the exit code is 70."""
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    print(f"s3batch: internal error: {type(exc).__name__}: {one_line(str(exc))[:500]} "
          f"(run with --debug or {DEBUG_ENV}=1 for the traceback)", file=sys.stderr)
    return INTERNAL_ERROR_EXIT


if __name__ == "__main__":  # pragma: no cover - exercised through the console script
    sys.exit(main())
