"""End to end over real HTTP: `s3batch job …` against the local stack, exactly as against AWS but for the endpoint
(`local deploy-function`'s jobs: tests/emulator/local/test_user_function.py)."""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from s3batch_core.aws import make_client
from s3batch.cli import main
from s3batch_core.contract.stack_outputs import load_outputs

server = pytest.importorskip("s3batch.emulator.local.server")
deploy_module = pytest.importorskip("s3batch.emulator.local.deploy")
stack_module = pytest.importorskip("s3batch.emulator.local.stack")

pytestmark = pytest.mark.e2e
FILES = Path(__file__).resolve().parents[2] / "files"
EXPECTED = {"input/think-of-love.txt": "POSITIVE", "input/little-rascals.txt": "NEGATIVE",
            "input/julius-caesar.txt": "NEUTRAL"}


@pytest.fixture(scope="module")
def stack() -> Iterator[Any]:
    running = server.start_stack()
    try:
        yield running
    finally:
        running.stop()


def _reset(stack: Any) -> None:
    request = urllib.request.Request(stack.endpoint_url + "/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (loopback)
        assert response.status == 200


@pytest.fixture
def outputs(stack: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A freshly reset and deployed stack; AWS_ENDPOINT_URL points at it as `make job` sets it."""
    _reset(stack)
    info = stack_module.StackInfo(endpoint_url=stack.endpoint_url, port=stack.port, pid=os.getpid())
    path = tmp_path / "outputs.json"
    deploy_module.deploy(info, path)
    monkeypatch.setenv("AWS_ENDPOINT_URL", stack.endpoint_url)
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _submit_texts(capsys: pytest.CaptureFixture[str], outputs: Path, *argv: str) -> tuple[int, str, str]:
    """`job submit` of the sample texts against the deployed stack."""
    return _run(capsys, "job", "submit", "--outputs", str(outputs), "--folder", str(FILES), "--pattern", "*.txt", *argv)


def _jobs() -> list[dict[str, Any]]:
    return make_client("s3control").list_jobs(AccountId="123456789012")["Jobs"]


def test_make_job_flow_labels_the_three_texts_and_is_idempotent(outputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("job", "run", "--outputs", str(outputs), "--folder", str(FILES), "--pattern", "*.txt", "--timeout", "120")
    code, out, err = _run(capsys, *argv)
    assert code == 0, err
    for key, label in EXPECTED.items():
        assert any(key in line and label in line for line in out.splitlines()), out
    assert "preflight: ok" in err and "report: s3://" in err and "\x1b[" not in err
    code, _, err = _run(capsys, *argv)  # the same inputs: the same job, not a second one
    assert code == 0, err
    assert len(_jobs()) == 1
    code, out, _ = _run(capsys, "job", "report", _jobs()[0]["JobId"], "--outputs", str(outputs), "--format", "json")
    doc = json.loads(out)
    assert {row["key"]: row["label"] for row in doc["summary"]["sentiment"]} == EXPECTED
    assert doc["summary"]["by_status"] == {"succeeded": 3}


def test_failed_tasks_exit_1_and_retry_failed_starts_one_new_job(
    outputs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = load_outputs(outputs)
    manifest = tmp_path / "m.csv"
    manifest.write_text(f"{stack.bucket_name},input/missing+file.txt\n{stack.bucket_name},input/also-missing.txt\n")
    code, _, err = _run(capsys, "job", "run", "--outputs", str(outputs), "--manifest", str(manifest), "--timeout", "120")
    assert code == 1, err
    (first,) = _jobs()
    code, out, err = _run(capsys, "job", "retry-failed", first["JobId"], "--outputs", str(outputs))
    assert code == 0, err
    retry_id = out.strip()
    assert "(2 failed tasks)" in err
    code, _, _ = _run(capsys, "job", "wait", retry_id, "--outputs", str(outputs), "--timeout", "120")
    assert code == 1
    code, out, _ = _run(capsys, "job", "retry-failed", first["JobId"], "--outputs", str(outputs))
    assert out.strip() == retry_id  # re-running retry-failed does not start another job
    code, out, _ = _run(capsys, "job", "report", retry_id, "--outputs", str(outputs), "--format", "csv")
    assert "input/missing file.txt" in out  # the encoded key went through the retry manifest unchanged


def test_confirmation_flow(outputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _submit_texts(capsys, outputs, "--confirm-required")
    assert code == 0, err
    job_id = out.strip()
    code, out, _ = _run(capsys, "job", "confirm", job_id, "--outputs", str(outputs))
    assert code == 0 and job_id in out
    code, _, err = _run(capsys, "job", "wait", job_id, "--outputs", str(outputs), "--timeout", "120")
    assert code == 0, err


@pytest.mark.parametrize(("refusing", "message"), [
    (["--operation", "S3PutObjectTagging", "--tag", "team=data"], "may not s3:PutObjectTagging on arn:aws:s3:::"),
    (["--max-cost", "0.01"], "above --max-cost"),
], ids=["preflight-role", "max-cost"])
def test_a_refused_job_exits_3_and_is_not_created(outputs: Path, capsys: pytest.CaptureFixture[str],
                                                  refusing: list[str], message: str) -> None:
    code, _, err = _submit_texts(capsys, outputs, *refusing)
    assert code == 3 and message in err
    assert _jobs() == []


def test_dry_run_prints_the_request_and_creates_nothing(outputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _submit_texts(capsys, outputs, "--dry-run")
    assert code == 0, err
    request = json.loads(out)
    assert request["ConfirmationRequired"] is False and request["Operation"]["LambdaInvoke"]["InvocationSchemaVersion"] == "2.0"
    assert _jobs() == []
    stack = load_outputs(outputs)
    listing = make_client("s3").list_objects_v2(Bucket=stack.bucket_name)
    assert "Contents" not in listing  # dry run uploads nothing


def test_versions_and_markup_keys_run_and_print_exactly(outputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 11: two versions of one key crashed the summary (dicts compared); `[`…`]` in keys was rich markup."""
    stack = load_outputs(outputs)
    s3 = make_client("s3")
    s3.put_bucket_versioning(Bucket=stack.bucket_name, VersioningConfiguration={"Status": "Enabled"})
    for key, text in (("vers/k.txt", "I love it"), ("vers/k.txt", "I love it so much, wonderful"), ("vers/markup1/a[b].txt", "fine"),
                      ("vers/markup2/x[/].txt", "fine")):
        s3.put_object(Bucket=stack.bucket_name, Key=key, Body=text.encode())
    code, out, err = _run(capsys, "job", "run", "--outputs", str(outputs), "--from-bucket",
                          f"s3://{stack.bucket_name}/vers/", "--versions", "--timeout", "120")
    assert code == 0, err
    assert out.count("vers/k.txt") == 2
    assert "vers/markup1/a[b].txt" in out and "vers/markup2/x[/].txt" in out


def _role_for(name: str, outputs: Path, **scope: Any) -> str:
    """A batch role with the catalogue's least-privilege policy for this job on the stack (as terraform/examples
    build them): its data, manifest and report buckets unless `scope` says otherwise."""
    from s3batch_core.iam.catalogue import JobScope, build_policy, trust_policy

    stack = load_outputs(outputs)
    scope = {"bucket": stack.bucket_name, "manifest_bucket": stack.manifest_bucket,
             "manifest_key": f"{stack.manifest_prefix}*", "report_bucket": stack.report_bucket,
             "report_prefix": stack.report_prefix, **scope}
    iam = make_client("iam")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust_policy()))["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="batch", PolicyDocument=json.dumps(build_policy(JobScope(**scope))))
    return arn


def test_restore_job_from_the_tooling_with_preflight(outputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack = load_outputs(outputs)
    s3 = make_client("s3")
    s3.put_object(Bucket=stack.bucket_name, Key="cold/a.txt", Body=b"a", StorageClass="DEEP_ARCHIVE")
    argv = ("job", "run", "--outputs", str(outputs), "--from-bucket", f"s3://{stack.bucket_name}/cold/",
            "--operation", "S3InitiateRestoreObject", "--expiration-days", "2", "--glacier-tier", "BULK",
            "--timeout", "120")
    code, _, err = _run(capsys, *argv)  # the stack's role is the sentiment job's: preflight names what it lacks
    assert code == 3 and "may not s3:RestoreObject on arn:aws:s3:::" in err
    role = _role_for("restore-role", outputs, operation="S3InitiateRestoreObject")
    code, _, err = _run(capsys, *argv, "--role-arn", role)
    assert code == 0, err
    assert s3.head_object(Bucket=stack.bucket_name, Key="cold/a.txt")["Restore"] == 'ongoing-request="true"'


def test_batch_replication_job_with_a_generated_manifest(outputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack = load_outputs(outputs)
    s3 = make_client("s3")
    s3.create_bucket(Bucket="replica-bucket")
    for bucket in (stack.bucket_name, "replica-bucket"):
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_replication(Bucket=stack.bucket_name, ReplicationConfiguration={
        "Role": "arn:aws:iam::123456789012:role/replication", "Rules": [{
            "ID": "docs", "Priority": 1, "Status": "Enabled", "Filter": {"Prefix": "docs/"},
            "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": "arn:aws:s3:::replica-bucket"}}]})
    s3.put_object(Bucket=stack.bucket_name, Key="docs/a.txt", Body=b"a")
    s3.put_object(Bucket=stack.bucket_name, Key="other/b.txt", Body=b"b")
    role = _role_for("replication-role", outputs, operation="S3ReplicateObject", manifest_generator=True,
                     manifest_key="*")  # --generated-manifest-bucket: no prefix
    code, _, err = _run(capsys, "job", "run", "--outputs", str(outputs), "--generate", stack.bucket_name,
                        "--eligible-for-replication", "--replication-status", "NONE",
                        "--generated-manifest-bucket", stack.manifest_bucket, "--operation", "S3ReplicateObject",
                        "--role-arn", role, "--timeout", "120")
    assert code == 0, err
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="replica-bucket")["Contents"]] == ["docs/a.txt"]
