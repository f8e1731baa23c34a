"""`s3batch local deploy-function`: the user's own function deployed to the local stack (a directory or a zip), then
a LambdaInvoke job run against it over real HTTP with `s3batch job run --outputs`; bad input is one line."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from s3batch.cli import main
from s3batch.emulator.local import stack as stack_module
from s3batch.emulator.local.server import RunningStack

pytestmark = pytest.mark.e2e


# A function of the test's own: each task's result names the object, with a setting from its environment.
USER_HANDLER = '''
import os

def lambda_handler(event, context):
    results = [{"taskId": task["taskId"], "resultCode": "Succeeded",
                "resultString": os.environ["GREETING"] + " " + task["s3Key"]} for task in event["tasks"]]
    return {"invocationSchemaVersion": event["invocationSchemaVersion"], "treatMissingKeysAs": "PermanentFailure",
            "invocationId": event["invocationId"], "results": results}
'''


@pytest.fixture
def workdir(local_stack: RunningStack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The reset stack recorded in build/local/stack.json here, as `local up --detach` records it."""
    stack = local_stack
    monkeypatch.chdir(tmp_path)
    stack_module.write_state(stack_module.StackInfo(stack.endpoint_url, stack.port, os.getpid()))
    monkeypatch.setenv("AWS_ENDPOINT_URL", stack.endpoint_url)
    (tmp_path / "greeter").mkdir()
    (tmp_path / "greeter" / "app.py").write_text(USER_HANDLER, encoding="utf-8")
    (tmp_path / "texts").mkdir()
    for name in ("a.txt", "b.txt"):
        (tmp_path / "texts" / name).write_text(f"text {name}\n", encoding="utf-8")
    return tmp_path


def test_a_directory_is_deployed_and_a_job_runs_against_it(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["local", "deploy-function", "greeter", "--handler", "app.lambda_handler", "--env", "GREETING=hello",
                 "--timeout", "10", "--memory", "256"])
    out, err = capsys.readouterr()
    assert code == 0, err
    outputs_path = workdir / "build" / "local" / "greeter-outputs.json"
    outputs = {k: v["value"] for k, v in json.loads(outputs_path.read_text()).items()}
    assert outputs["function_arn"].endswith(":function:greeter:1") and outputs["operation"] == "LambdaInvoke"
    assert outputs["batch_role_arn"].endswith(":role/greeter-batch") and outputs["function_arn"] in out
    code = main(["job", "run", "--outputs", str(outputs_path), "--folder", "texts", "--timeout", "120"])
    out, err = capsys.readouterr()
    assert code == 0, err
    job_id = next(line.split()[1] for line in err.splitlines() if line.endswith(" submitted"))
    assert main(["job", "report", job_id, "--outputs", str(outputs_path), "--format", "json"]) == 0
    tasks = json.loads(capsys.readouterr().out)["tasks"]
    assert {t["key"]: t["message"] for t in tasks} == {"input/a.txt": "hello input/a.txt", "input/b.txt": "hello input/b.txt"}


# Lambda leaves Environment out of a function without variables: "no --env" must still read as unchanged.
@pytest.mark.parametrize("env", [["--env", "GREETING=hi"], []], ids=["with-env", "no-env"])
def test_a_zip_is_deployed_and_redeploying_it_unchanged_keeps_the_version(
    workdir: Path, capsys: pytest.CaptureFixture[str], env: list[str]
) -> None:
    package = workdir / "greeter.zip"
    with zipfile.ZipFile(package, "w") as archive:
        archive.write(workdir / "greeter" / "app.py", "app.py")
    argv = ["local", "deploy-function", str(package), "--handler", "app.lambda_handler", "--outputs", "fn.json"]
    assert main([*argv, *env]) == 0
    assert main([*argv, *env]) == 0
    assert main([*argv, "--env", "GREETING=changed"]) == 0
    arns = [line.split()[1] for line in capsys.readouterr().out.splitlines() if line.startswith("deployed ")]
    assert [arn.rsplit(":", 1)[1] for arn in arns] == ["1", "1", "2"]


@pytest.mark.parametrize(("argv", "message"), [
    (["greeter", "--handler", "missing.lambda_handler"], "no missing.py for --handler"),
    (["greeter", "--handler", "lambda_handler"], "expected MODULE.FUNCTION"),
    (["greeter", "--handler", "app.lambda_handler", "--runtime", "nodejs22.x"], "runs Python only"),
    (["greeter", "--handler", "app.lambda_handler", "--timeout", "0"], "--timeout 0: less than the minimum 1"),
    (["greeter", "--handler", "app.lambda_handler", "--memory", "64"], "--memory 64: less than the minimum 128"),
    (["greeter", "--handler", "app.lambda_handler", "--env", "1BAD=x"], "does not match the pattern"),
    (["greeter", "--handler", "app.lambda_handler", "--name", "no spaces"], "a function name is"),
    (["texts/a.txt", "--handler", "app.lambda_handler", "--name", "x"], "not a zip file"),
    (["absent", "--handler", "app.lambda_handler"], "absent: no such file or directory"),
])
def test_bad_input_is_one_line_and_deploys_nothing(
    workdir: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["local", "deploy-function", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not (workdir / "build" / "local" / "greeter-outputs.json").exists()
