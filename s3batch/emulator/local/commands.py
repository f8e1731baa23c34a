"""`s3batch local up|down|status|deploy|deploy-function`: run the local S3 Batch Operations stack."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from s3batch.emulator.local import stack
from s3batch_core.errors import S3BatchError, UsageError

DEFAULT_OUTPUTS = Path("build/local/outputs.json")
MAX_ACTIVE_ENV = "S3BATCH_EMULATOR_MAX_ACTIVE_JOBS"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `local` command group."""
    local = subparsers.add_parser("local", help="run the local S3 Batch Operations emulator (moto + job API)")
    commands = local.add_subparsers(dest="local_command", metavar="ACTION", required=True)

    up = commands.add_parser("up", help="start the stack on 127.0.0.1 (foreground unless --detach)")
    up.add_argument("--port", type=int, default=0, help="port to bind (default: any free port)")
    up.add_argument("--detach", action="store_true", help="run in the background; record it in build/local/stack.json")
    up.add_argument(
        "--max-active-jobs", type=int, default=os.environ.get(MAX_ACTIVE_ENV, "1"),  # argparse applies type=int
        help=f"jobs that may be Active at once; Ready jobs wait by priority (default 1, env {MAX_ACTIVE_ENV})",
    )
    up.add_argument("--announce", action="store_true", help=argparse.SUPPRESS)  # used by --detach's child
    up.set_defaults(func=local_up)

    down = commands.add_parser("down", help="stop the stack recorded in build/local/stack.json")
    down.set_defaults(func=local_down)

    status = commands.add_parser("status", help="is the stack running? endpoint and number of jobs")
    status.set_defaults(func=local_status)

    deploy = commands.add_parser("deploy", help="create the bucket, batch role and function; write the outputs file")
    deploy.add_argument("--outputs", type=Path, default=DEFAULT_OUTPUTS, help=f"outputs file (default {DEFAULT_OUTPUTS})")
    deploy.set_defaults(func=local_deploy)

    function = commands.add_parser(
        "deploy-function",
        help="register your own Lambda function (directory or zip) with a batch role; write an outputs file for `job run`",
        description="Create or update your function in the running local stack, with an execution role and a batch "
                    "role allowed to invoke exactly that version; then `s3batch job run --outputs FILE ...`.",
    )
    function.add_argument("source", type=Path, metavar="DIR|ZIP", help="the function's code: a directory (zipped as "
                          "`make lambda` zips) or a .zip deployment package")
    function.add_argument("--handler", required=True, help="MODULE.FUNCTION, e.g. handler.lambda_handler")
    function.add_argument("--name", help="function name (default: the directory or zip name)")
    function.add_argument("--runtime", help="a python3.x runtime (default: the sample stack's, terraform/variables.tf)")
    function.add_argument("--env", action="append", metavar="KEY=VALUE", help="environment variable (repeatable)")
    function.add_argument("--timeout", type=int, default=3, help="seconds per invocation (default: Lambda's, %(default)s)")
    function.add_argument("--memory", type=int, default=128, help="MB (default: Lambda's, %(default)s)")
    function.add_argument("--outputs", type=Path, help="outputs file (default: build/local/<name>-outputs.json)")
    function.set_defaults(func=local_deploy_function)


def local_up(args: argparse.Namespace) -> int:
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, got {args.port}")
    if args.max_active_jobs < 1:
        raise UsageError(f"--max-active-jobs must be at least 1, got {args.max_active_jobs}")
    if args.detach:
        info = stack.start_detached(args.port, max_active_jobs=args.max_active_jobs)
        print(f"local stack running at {info.endpoint_url} (pid {info.pid}); stop it with `s3batch local down`")
        print(f"export AWS_ENDPOINT_URL={info.endpoint_url}")
        return 0
    state = None if args.announce else stack.STATE_PATH
    return stack.serve(args.port, max_active_jobs=args.max_active_jobs, state_path=state, announce=args.announce)


def local_down(args: argparse.Namespace) -> int:
    info = stack.stop()
    if info is None:
        print("no local stack is recorded (build/local/stack.json); nothing to stop", file=sys.stderr)
        return 0
    print(f"stopped the local stack at {info.endpoint_url} (pid {info.pid}); its objects and jobs are gone")
    return 0


def local_status(args: argparse.Namespace) -> int:
    info = stack.read_state()
    if info is None:
        print("not running (no build/local/stack.json)")
        return 1
    health = stack.health(info.endpoint_url)
    if health is None and not stack.is_running(info.pid):
        print(f"gone: the stack process (pid {info.pid}) ended without `s3batch local down`, and its objects and jobs "
              "went with it (they live in memory); `s3batch local down` clears the record, `local up` starts afresh")
        return 1
    if health is None:
        print(f"not answering: {info.endpoint_url} (pid {info.pid}); `s3batch local down` clears the record")
        return 1
    print(f"running: {info.endpoint_url} (pid {info.pid}), account {info.account_id}, {info.region}, "
          f"{health['jobs']} job(s)")
    return 0


def _running_stack() -> stack.StackInfo:
    info = stack.read_state()
    if info is None or stack.health(info.endpoint_url) is None:
        raise S3BatchError("no local stack is running; start one with `s3batch local up --detach`")
    return info


def local_deploy(args: argparse.Namespace) -> int:
    from s3batch.emulator.local.deploy import deploy  # imports python-hcl2 and the policy catalogue: only when used

    info = _running_stack()
    outputs = deploy(info, args.outputs)
    print(f"deployed to {info.endpoint_url}: bucket {outputs.bucket_name}, role {outputs.batch_role_arn}, "
          f"function {outputs.function_arn}; outputs in {args.outputs}")
    return 0


def local_deploy_function(args: argparse.Namespace) -> int:
    from s3batch.emulator.local.deploy import plan, sample_function
    from s3batch.emulator.local.user_function import check_handler, deploy_function, function_code, function_settings
    from s3batch.arguments import parse_pairs

    sample = sample_function(plan())
    name = args.name or args.source.name.removesuffix(".zip")
    function = function_settings(name, args.handler, args.runtime or sample.runtime, parse_pairs(args.env, "--env"),
                                 args.timeout, args.memory, sample.architecture)
    code = function_code(args.source)
    check_handler(code, args.handler, args.source)
    info = _running_stack()
    outputs_path = args.outputs or DEFAULT_OUTPUTS.with_name(f"{name}-outputs.json")
    outputs = deploy_function(info, outputs_path, function, code)
    print(f"deployed {outputs.function_arn} to {info.endpoint_url} with batch role {outputs.batch_role_arn}; "
          f"outputs in {outputs_path}")
    print(f"run a job: AWS_ENDPOINT_URL={info.endpoint_url} s3batch job run --outputs {outputs_path} --folder DIR")
    return 0
