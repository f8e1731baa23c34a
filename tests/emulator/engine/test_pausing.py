"""Pausing/Paused: a higher-priority job pre-empts a running one, which resumes where it stopped.

Handlers block on gate files the test creates (mode gate/<g>/… in handlers/behaviours.py), so each status is
held until the test moves on; every wait is DescribeJob (or the gate directory) polled to a deadline.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from engine_support import ACCOUNT, Stack, lambda_op

from s3batch.emulator.service import job as job_module
from s3batch.emulator.service.job import Job, JobStatus

ROWS = 12


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)  # poll interval of a deadline-bounded wait


class Gates:
    """The directory the gated handler watches: `open(name)` lets its tasks through."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def open(self, name: str) -> None:
        (self.directory / name).touch()

    def started(self, name: str) -> int:
        return len(list(self.directory.glob(f"started-{name}-*")))


@pytest.fixture()
def gates(tmp_path: Path) -> Gates:
    return Gates(tmp_path)


@dataclass
class Scene:
    """A stack with the gated function, a jobs client over HTTP and the DescribeJob waiter."""

    stack: Stack
    gates: Gates
    function_arn: str
    client: Any
    wait_for_status: Callable[..., dict[str, Any]]


@pytest.fixture()
def scene(stack: Stack, gates: Gates, local_stack: Any, s3control_client: Any, wait_for_status: Any) -> Scene:
    function_arn = stack.function("gated", timeout=120, env={"GATE_DIR": str(gates.directory)})
    return Scene(stack, gates, function_arn, s3control_client(local_stack), wait_for_status)


def submit(scene: Scene, gate: str, priority: int, rows: int = ROWS) -> str:
    stack = scene.stack
    keys = "".join(f"{stack.data_bucket},gate/{gate}/{i}\n" for i in range(rows))
    return scene.client.create_job(
        AccountId=ACCOUNT, ConfirmationRequired=False, Operation=lambda_op(scene.function_arn), Priority=priority,
        Report=stack.report_all(prefix=f"reports-{gate}"), RoleArn=stack.role(),
        Manifest=stack.manifest(keys, key=f"manifests/{gate}.csv"),
    )["JobId"]


def describe(client: Any, job_id: str) -> dict[str, Any]:
    return client.describe_job(AccountId=ACCOUNT, JobId=job_id)["Job"]


def reported_keys(stack: Stack, gate: str, job_id: str) -> list[str]:
    manifest_key = f"reports-{gate}/job-{job_id}/manifest.json"
    manifest = json.loads(stack.s3.get_object(Bucket=stack.report_bucket, Key=manifest_key)["Body"].read())
    keys = [result["Key"] for result in manifest["Results"]]
    return sorted(row[1] for row in stack.result_rows(keys))


def expected_keys(gate: str, rows: int = ROWS) -> list[str]:
    return sorted(f"gate/{gate}/{i}" for i in range(rows))


def done(job: dict[str, Any]) -> int:
    summary = job["ProgressSummary"]
    return summary["NumberOfTasksSucceeded"] + summary["NumberOfTasksFailed"]


def preempt(scene: Scene, raise_priority: bool = False) -> tuple[str, str, dict[str, Any]]:
    """Low-priority job Active with tasks in flight, then a higher one: low goes Pausing, then Paused.

    Returns (low, high, low's job as seen Paused); the high job is Active, held by its closed gate.
    """
    client, gates, wait_for_status = scene.client, scene.gates, scene.wait_for_status
    low = submit(scene, "low", priority=1)
    wait_for_status(client, low, {"Active"})
    wait_until(lambda: gates.started("low") > 0, "a low task in flight")
    high = submit(scene, "high", priority=0 if raise_priority else 5)
    if raise_priority:
        wait_for_status(client, high, {"Ready"})
        assert describe(client, low)["Status"] == "Active"  # a lower-priority waiter pre-empts nothing
        answer = client.update_job_priority(AccountId=ACCOUNT, JobId=high, Priority=9)
        assert answer["Priority"] == 9
    wait_for_status(client, low, {"Pausing"})  # its in-flight tasks are held by the closed gate
    assert describe(client, high)["Status"] == "Ready"
    gates.open("low")
    paused = wait_for_status(client, low, {"Paused"})
    assert 0 < done(paused) == gates.started("low") < ROWS  # every started task finished; no new one started
    wait_for_status(client, high, {"Active"})
    assert gates.started("low") == done(paused)
    return low, high, paused


@pytest.mark.parametrize("raise_priority", [False, True], ids=["submitted higher", "raised while Ready"])
def test_a_higher_priority_job_pauses_the_running_one_which_resumes_where_it_stopped(scene: Scene,
                                                                                     raise_priority: bool) -> None:
    low, high, paused = preempt(scene, raise_priority)
    scene.gates.open("high")
    scene.wait_for_status(scene.client, high, {"Complete"})
    finished = scene.wait_for_status(scene.client, low, {"Complete"})
    assert finished["ProgressSummary"]["TotalNumberOfTasks"] == ROWS
    assert finished["ProgressSummary"]["NumberOfTasksSucceeded"] == ROWS
    assert "FailureReasons" not in finished
    assert finished["ProgressSummary"]["Timers"]["ElapsedTimeInActiveSeconds"] >= \
        paused["ProgressSummary"]["Timers"]["ElapsedTimeInActiveSeconds"]
    assert reported_keys(scene.stack, "low", low) == expected_keys("low")  # every row once, across the pause
    assert reported_keys(scene.stack, "high", high) == expected_keys("high")


def test_cancel_while_paused_reports_what_ran(scene: Scene) -> None:
    low, high, paused = preempt(scene)
    answer = scene.client.update_job_status(AccountId=ACCOUNT, JobId=low, RequestedJobStatus="Cancelled")
    assert answer["Status"] == "Cancelling"
    cancelled = scene.wait_for_status(scene.client, low, {"Cancelled"})
    assert done(cancelled) == done(paused)
    ran = reported_keys(scene.stack, "low", low)
    assert len(ran) == len(set(ran)) == done(paused)
    assert set(ran) <= set(expected_keys("low"))
    scene.gates.open("high")
    scene.wait_for_status(scene.client, high, {"Complete"})
    assert reported_keys(scene.stack, "high", high) == expected_keys("high")


def test_active_time_stops_while_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [0.0]
    monkeypatch.setattr(job_module, "time", type("Clock", (), {"monotonic": staticmethod(lambda: now[0])}))
    job = Job("j", ACCOUNT, "us-east-1", {"Operation": {}}, False, 1, [], 1, status=JobStatus.READY)
    for at, status in ((0, "Active"), (10, "Pausing"), (15, "Paused"), (100, "Active"), (105, "Completing")):
        now[0] = at
        job.move_to(JobStatus(status))
    assert job.progress_summary()["Timers"]["ElapsedTimeInActiveSeconds"] == 20  # Active and Pausing only
