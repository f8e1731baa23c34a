"""`s3batch local up --detach | status | deploy | down` as a user runs them: a real background process."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from fake_engine import job_params

from s3batch_core.aws import make_client
from s3batch.cli import main
from s3batch.emulator.local import stack as stack_module
from s3batch.emulator.local.deploy import local_session


@pytest.fixture()
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # build/local/ lands here, not in the repository
    return tmp_path


def test_up_detach_status_deploy_down(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, wait_for_status: Any
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name)  # a fresh machine: no AWS configuration at all
    assert main(["local", "status"]) == 1
    assert main(["local", "up", "--detach"]) == 0
    try:
        state = json.loads((in_tmp / "build/local/stack.json").read_text())
        assert set(state) == {"endpoint_url", "port", "pid", "account_id", "region"}
        assert state["endpoint_url"] == f"http://127.0.0.1:{state['port']}"
        assert (state["account_id"], state["region"]) == ("123456789012", "us-east-1")
        assert stack_module.health(state["endpoint_url"]) is not None
        assert main(["local", "up", "--detach"]) == 2  # one stack at a time
        assert main(["local", "status"]) == 0
        assert "0 job(s)" in capsys.readouterr().out
        assert main(["local", "deploy", "--outputs", "out/outputs.json"]) == 0
        outputs = json.loads((in_tmp / "out/outputs.json").read_text())
        assert outputs["function_arn"]["value"].endswith(":1")
        # The stack's engine signs its own calls even though this environment has no credentials.
        client = make_client("s3control", endpoint_url=state["endpoint_url"], session=local_session("us-east-1"))
        job_id = client.create_job(**job_params(RoleArn="arn:aws:iam::123456789012:role/missing"))["JobId"]
        job = wait_for_status(client, job_id, {"Failed"})
        assert job["FailureReasons"][0]["FailureCode"] != "InternalError", job["FailureReasons"]
    finally:
        assert main(["local", "down"]) == 0
    assert not (in_tmp / "build/local/stack.json").exists()
    with pytest.raises(ProcessLookupError):
        os.kill(state["pid"], 0)
    assert stack_module.health(state["endpoint_url"]) is None
    assert main(["local", "status"]) == 1


def test_deploy_without_a_stack_is_a_one_line_error(in_tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["local", "deploy"]) == 2
    assert "no local stack is running" in capsys.readouterr().err


def test_bad_flags_are_usage_errors(
    in_tmp: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["local", "up", "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err
    assert main(["local", "up", "--max-active-jobs", "0"]) == 2
    monkeypatch.setenv("S3BATCH_EMULATOR_MAX_ACTIVE_JOBS", "many")  # the flag's default: parsed as the flag is
    with pytest.raises(SystemExit) as caught:
        main(["local", "up"])
    assert caught.value.code == 2 and "--max-active-jobs: invalid int value: 'many'" in capsys.readouterr().err


def test_stack_defaults_spill_large_objects_and_keep_handler_logs(tmp_path: Path) -> None:
    environ: dict[str, str] = {}
    stack_module.apply_stack_defaults(environ, tmp_path)
    assert environ == {"MOTO_S3_DEFAULT_KEY_BUFFER_SIZE": str(1024 * 1024),
                       "S3BATCH_LOCAL_LAMBDA_LOG_DIR": str(tmp_path / "build/local/logs")}
    mine = {"MOTO_S3_DEFAULT_KEY_BUFFER_SIZE": "42", "S3BATCH_LOCAL_LAMBDA_LOG_DIR": "/var/log/mine"}
    stack_module.apply_stack_defaults(environ := dict(mine), tmp_path)
    assert environ == mine  # the user's settings win


def test_status_after_the_stack_process_was_killed_says_its_state_is_gone(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["local", "up", "--detach"]) == 0
    state = json.loads((in_tmp / "build/local/stack.json").read_text())
    try:
        os.kill(state["pid"], signal.SIGKILL)  # a crash: no `local down`, stack.json stays behind
        deadline = time.monotonic() + 30
        while stack_module.is_running(state["pid"]):
            assert time.monotonic() < deadline, "the killed stack process did not end"
            time.sleep(0.02)  # poll interval of a deadline-bounded wait
        capsys.readouterr()
        assert main(["local", "status"]) == 1
        [line] = capsys.readouterr().out.splitlines()
        assert line.startswith(f"gone: the stack process (pid {state['pid']}) ended")
        assert "objects and jobs went with it" in line
    finally:
        assert main(["local", "down"]) == 0
    assert not (in_tmp / "build/local/stack.json").exists()
