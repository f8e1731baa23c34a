"""LambdaInvoke end to end over HTTP: events, results, function errors, timeouts, crashes, redrives."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path
from urllib.parse import quote_plus

import pytest
from engine_support import Progress, Stack, job_failure, lambda_op

from s3batch.emulator.engine import execution
from s3batch.emulator.engine.lambda_invoke import interpret_response


def run_keys(stack: Stack, keys: list[str], function_arn: str | None = None, schema: str = "2.0",
             user_arguments: dict | None = None) -> tuple[object, dict[str, list[str]]]:
    for key in keys:
        stack.put(key)
    lines = "".join(f"{stack.data_bucket},{key.replace(' ', '%20')}\n" for key in keys)
    request = stack.request(lambda_op(function_arn or stack.function(), schema, user_arguments),
                            stack.manifest(lines), stack.role())
    result = stack.run(request)
    reported = [row[1] for row in stack.result_rows(result.report_keys)]
    assert len(reported) == len(set(reported)) == len(keys)  # every row exactly once, whatever the handler did
    return result, stack.rows_by_key(result.report_keys)


def test_success_and_failures_are_reported_like_aws(stack: Stack) -> None:
    result, report = run_keys(stack, ["ok/a", "perm/b", "raise/c"])
    assert (result.succeeded, result.failed) == (1, 2)
    assert report["ok/a"][3:6] == ["succeeded", "200", ""]
    assert report["perm/b"][3:] == ["failed", "200", "PermanentFailure", "cannot process perm/b"]
    raised = 'Lambda returned function error: {"errorMessage":"bad object raise/c","errorType":"ValueError"}'
    assert report["raise/c"][3:] == ["failed", "200", "PermanentFailure", raised]


def ok_event(report: dict[str, list[str]], key: str) -> dict:
    return json.loads(report[key][6])


def test_schema_2_event_shape_user_arguments_and_context(stack: Stack) -> None:
    function_arn = stack.function(env={"GREETING": "hi"})
    _, report = run_keys(stack, ["ok/a b"], function_arn, "2.0", {"run": "r1", "mode": "test"})
    seen = ok_event(report, "ok/a%20b")
    event = seen["event"]
    assert set(event) == {"invocationSchemaVersion", "invocationId", "job", "tasks"}
    assert event["invocationSchemaVersion"] == "2.0"
    assert event["job"]["userArguments"] == {"run": "r1", "mode": "test"}
    assert event["tasks"] == [{"taskId": event["tasks"][0]["taskId"], "s3Key": "ok/a%20b", "s3VersionId": None,
                               "s3Bucket": stack.data_bucket}]
    assert seen["key"] == "ok/a b"  # the handler decodes once
    assert seen["invoked_arn"] == function_arn and seen["function_version"] == "1"
    assert seen["memory"] == "256" and 0 < seen["remaining_ms"] <= 3000
    assert seen["env"] == {"AWS_ENDPOINT_URL": stack.endpoint, "AWS_REGION": "us-east-1", "GREETING": "hi",
                           "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
                           "AWS_LAMBDA_FUNCTION_NAME": "behaviours", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256"}


def test_execution_env_names_the_declared_runtime(stack: Stack) -> None:
    function_arn = stack.function(name="on-313", runtime="python3.13")
    _, report = run_keys(stack, ["ok/r"], function_arn)
    assert ok_event(report, "ok/r")["env"]["AWS_EXECUTION_ENV"] == "AWS_Lambda_python3.13"


def test_schema_1_event_shape(stack: Stack) -> None:
    _, report = run_keys(stack, ["ok/x"], schema="1.0")
    event = ok_event(report, "ok/x")["event"]
    assert event["invocationSchemaVersion"] == "1.0" and event["job"] == {"id": event["job"]["id"]}
    task = event["tasks"][0]
    assert set(task) == {"taskId", "s3Key", "s3VersionId", "s3BucketArn"}
    assert task["s3BucketArn"] == f"arn:aws:s3:::{stack.data_bucket}"


def test_invocation_ids_are_unique_and_job_id_is_passed(stack: Stack) -> None:
    keys = [f"ok/{i}" for i in range(6)]
    _, report = run_keys(stack, keys)
    events = [ok_event(report, key)["event"] for key in keys]
    assert len({e["invocationId"] for e in events}) == 6 and len({e["tasks"][0]["taskId"] for e in events}) == 6
    assert {e["job"]["id"] for e in events} == {events[0]["job"]["id"]}


@pytest.mark.parametrize("qualifier", ["", ":$LATEST", ":live", ":1"])
def test_qualified_and_unqualified_function_arns(stack: Stack, qualifier: str) -> None:
    versioned_arn = stack.function()
    base = versioned_arn.rsplit(":", 1)[0]
    stack.lam.create_alias(FunctionName="behaviours", Name="live", FunctionVersion="1")
    result, report = run_keys(stack, ["ok/q"], base + qualifier)
    assert result.succeeded == 1 and ok_event(report, "ok/q")["invoked_arn"] == base + qualifier


def test_keys_with_spaces_plus_and_unicode_reach_the_handler_encoded(stack: Stack) -> None:
    real = ["ok/a b.txt", "ok/c+d.txt", "ok/ünï cødé.txt"]
    for key in real:
        stack.put(key)
    written = [quote_plus(key, safe="/") for key in real]
    lines = "".join(f"{stack.data_bucket},{key}\n" for key in written)
    report = stack.run_rows(lambda_op(stack.function()), lines)
    assert sorted(report) == sorted(written)
    for key, encoded in zip(real, written):
        seen = ok_event(report, encoded)
        assert seen["event"]["tasks"][0]["s3Key"] == encoded and seen["key"] == key


def test_malformed_responses(stack: Stack) -> None:
    keys = ["garbage/a", "badcode/b", "unknown/c", "missing/-/d", "missing/Succeeded/e", "missing/Nonsense/f",
            "nomarshal/g"]
    result, report = run_keys(stack, keys)
    status = {key: report[key][3:] for key in keys}
    assert status["garbage/a"] == ["failed", "200", "PermanentFailure",
                                   "Invalid JSON returned in Lambda payload: the response is not a JSON object"]
    assert status["badcode/b"][:3] == ["failed", "200", "PermanentFailure"]
    assert "invalid resultCode 'Successful'" in status["badcode/b"][3]
    assert "unknown taskId 'someone-else'" in status["unknown/c"][3]
    assert status["missing/-/d"][:3] == ["failed", "200", "PermanentFailure"]
    assert status["missing/Succeeded/e"][0] == "succeeded"
    assert "invalid treatMissingKeysAs 'Nonsense'" in status["missing/Nonsense/f"][3]
    marshal = ('Lambda returned function error: {"errorMessage":"Unable to marshal response: Object of type object '
               'is not JSON serializable","errorType":"Runtime.MarshalError"}')
    assert status["nomarshal/g"][2:] == ["PermanentFailure", marshal]
    assert result.failed == 6 and result.succeeded == 1


def test_timeouts_and_crashes_are_function_errors_and_the_invocations_behind_run_on_a_new_worker(stack: Stack) -> None:
    # one worker: every invocation but the running one waits in its socket (lambda_runtime.PIPELINE_DEPTH)
    function_arn = stack.function(name="single", timeout=1)
    stack.lam.put_function_concurrency(FunctionName="single", ReservedConcurrentExecutions=1)
    result, report = run_keys(stack, ["sleep/a", "ok/b", "exit/c", "ok/d", "ok/e"], function_arn)
    assert report["sleep/a"][3:6] == ["failed", "200", "PermanentFailure"]
    message = report["sleep/a"][6]
    assert message.startswith('Lambda returned function error: {"errorMessage":"')
    assert message.endswith(' Task timed out after 1.00 seconds"}')
    assert report["exit/c"][6].startswith('Lambda returned function error: {"errorMessage":"RequestId: ')
    assert "Runtime exited with error: exit status 3" in report["exit/c"][6]
    assert [report[key][3] for key in ("ok/b", "ok/d", "ok/e")] == ["succeeded"] * 3
    assert (result.succeeded, result.failed) == (3, 2)


def test_temporary_failure_is_redriven_then_reported(stack: Stack, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("S3BATCH_LOCAL_REDRIVES", "3")
    monkeypatch.setenv("S3BATCH_LOCAL_REDRIVE_BACKOFF_S", "0")
    function_arn = stack.function(name="retrying", env={"COUNT_DIR": str(tmp_path)})
    _, report = run_keys(stack, ["temp/a", "flaky/b"], function_arn)
    assert report["temp/a"][3:] == ["failed", "200", "TemporaryFailure", "try later temp/a"]
    assert report["flaky/b"][3:] == ["succeeded", "200", "", "attempt 3"]  # two redrives, then success
    assert (tmp_path / "b").read_text() == "3"


def test_import_error_fails_every_task_with_the_runtime_message(stack: Stack) -> None:
    function_arn = stack.function(name="broken", handler="nomodule.handler")
    result, report = run_keys(stack, ["ok/a", "ok/b"], function_arn)
    assert result.failed == 2
    assert report["ok/a"][6] == ('Lambda returned function error: {"errorMessage":"Unable to import module '
                                 "'nomodule': No module named 'nomodule'\",\"errorType\":\"Runtime.ImportModuleError\"}")


def test_a_killed_worker_fails_only_its_task(stack: Stack, tmp_path: Path) -> None:
    function_arn = stack.function(name="blocking", timeout=120, env={"PID_DIR": str(tmp_path)})
    killer_done = threading.Event()

    def kill_blocked_worker() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            pids = [p for p in tmp_path.iterdir() if p.name.isdigit()]
            if pids:
                os.kill(int(pids[0].name), signal.SIGKILL)
                break
            time.sleep(0.02)  # polling for the worker's pid file, with a deadline
        killer_done.set()

    threading.Thread(target=kill_blocked_worker, daemon=True).start()
    result, report = run_keys(stack, ["block/a", "ok/b", "ok/c"], function_arn)
    assert killer_done.is_set()
    assert "Runtime exited with error: signal: kill" in report["block/a"][6]
    assert report["ok/b"][3] == report["ok/c"][3] == "succeeded"
    assert (result.succeeded, result.failed) == (2, 1)


def test_reserved_concurrency_caps_the_worker_pool(stack: Stack) -> None:
    function_arn = stack.function(name="capped")
    stack.lam.put_function_concurrency(FunctionName="capped", ReservedConcurrentExecutions=1)
    stack.put("ok/a")
    request = stack.request(lambda_op(function_arn), stack.manifest(f"{stack.data_bucket},ok/a\n"), stack.role())
    prepared = execution.prepare(request)
    assert prepared.operation.pool.size == 1 and prepared.operation.threads == 1
    assert execution.execute(prepared, Progress()).succeeded == 1


def test_handler_output_goes_to_the_function_log(stack: Stack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("S3BATCH_LOCAL_LAMBDA_LOG_DIR", str(tmp_path))
    function_arn = stack.function(name="logged")
    run_keys(stack, ["raise/boom"], function_arn)
    assert "about to fail on raise/boom" in (tmp_path / "logged.log").read_text()  # workers write unbuffered


def _python_function_changed_to_nodejs(stack: Stack) -> str:
    function_arn = stack.function(name="nodejs")
    stack.lam.update_function_configuration(FunctionName="nodejs", Runtime="nodejs20.x")
    return function_arn.rsplit(":", 1)[0]


# name -> (the job's FunctionArn, made in the stack, and what the job's FailureReason names)
NOT_RUN = {
    "an unknown function": (lambda stack: "arn:aws:lambda:us-east-1:123456789012:function:nope", "function:nope"),
    "a runtime other than Python": (_python_function_changed_to_nodejs, "runs Python functions only"),
    "a function of another Region": (lambda stack: stack.function().replace(":us-east-1:", ":eu-west-1:"),
                                     "is in eu-west-1, the job in us-east-1"),
}


@pytest.mark.parametrize("case", NOT_RUN)
def test_a_function_the_engine_cannot_invoke_fails_the_job(stack: Stack, case: str) -> None:
    function, reason = NOT_RUN[case]
    stack.put("a")
    request = stack.request(lambda_op(function(stack)), stack.manifest(f"{stack.data_bucket},a\n"), stack.role())
    failure = job_failure(request)
    assert failure.failure_code == "LambdaFunctionNotFound" and reason in failure.reason


def test_a_payload_nested_past_the_parser_is_invalid_json() -> None:
    payload = b'{"results":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert interpret_response(payload, "t1") == ("PermanentFailure", "Invalid JSON returned in Lambda payload")
