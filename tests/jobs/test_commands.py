"""`s3batch job …` (s3batch.jobs.commands): where each setting comes from, the exit codes of usage and input
errors, the help. The job's work itself is tested with its modules and end to end (test_e2e_local.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from botocore.stub import Stubber
from moto import mock_aws

import s3batch.jobs.commands as job_commands
from s3batch.cli import build_parser, main
from s3batch.jobs.target import Clients, JobTarget
from s3batch_core.aws import make_client
from s3batch_core.contract.stack_outputs import to_terraform_json
from tests.core.contract.test_stack_outputs import GOOD

ROLE = "arn:aws:iam::123456789012:role/other-role"


@pytest.fixture
def outputs(tmp_path: Path) -> Path:
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(to_terraform_json(GOOD)), encoding="utf-8")
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "a.txt").write_text("I love this", encoding="utf-8")
    return path


def _dry_run(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    with mock_aws():
        code = main(["job", "submit", "--dry-run", "--skip-preflight", *argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    return dict(json.loads(out))


def test_the_stack_outputs_fill_every_setting(outputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    request = _dry_run(capsys, "--outputs", str(outputs), "--folder", str(outputs.parent / "files"))
    assert request["AccountId"] == GOOD.account_id and request["RoleArn"] == GOOD.batch_role_arn
    assert request["Operation"] == {"LambdaInvoke": {"FunctionArn": GOOD.function_arn, "InvocationSchemaVersion": "2.0"}}
    assert request["Report"] == {"Bucket": f"arn:aws:s3:::{GOOD.report_bucket}", "Format": "Report_CSV_20180820",
                                 "Enabled": True, "ReportScope": "AllTasks", "Prefix": GOOD.report_prefix}
    manifest_arn = request["Manifest"]["Location"]["ObjectArn"]  # type: ignore[index]
    assert manifest_arn.startswith(f"arn:aws:s3:::{GOOD.manifest_bucket}/{GOOD.manifest_prefix}")


def test_a_flag_wins_over_its_output(outputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    request = _dry_run(capsys, "--outputs", str(outputs), "--folder", str(outputs.parent / "files"), "--role-arn", ROLE,
                       "--report-prefix", "", "--report-scope", "FailedTasksOnly", "--manifest-bucket", "other-bucket")
    assert request["RoleArn"] == ROLE
    assert request["Report"] == {"Bucket": f"arn:aws:s3:::{GOOD.report_bucket}", "Format": "Report_CSV_20180820",
                                 "Enabled": True, "ReportScope": "FailedTasksOnly"}  # an empty prefix is no prefix
    assert request["Manifest"]["Location"]["ObjectArn"].startswith("arn:aws:s3:::other-bucket/")  # type: ignore[index]


def test_operation_flags_reach_the_request(outputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = f"arn:aws:kms:us-east-1:{GOOD.account_id}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    request = _dry_run(capsys, "--outputs", str(outputs), "--folder", str(outputs.parent / "files"), "--operation",
                       "S3PutObjectCopy", "--target-bucket", "dest-bkt", "--target-storage-class", "GLACIER_IR",
                       "--bucket-key", "--kms-key-arn", key, "--tag", "team=data")
    assert request["Operation"] == {"S3PutObjectCopy": {
        "TargetResource": "arn:aws:s3:::dest-bkt", "StorageClass": "GLACIER_IR", "SSEAwsKmsKeyId": key,
        "BucketKeyEnabled": True, "NewObjectTagging": [{"Key": "team", "Value": "data"}]}}


@pytest.mark.parametrize(("argv", "message"), [
    (["job", "wait"], "the following arguments are required: JOB_ID"),
    (["job", "report", "j-123", "--format", "xml"], "argument --format: invalid choice: 'xml'"),
    (["job", "submit", "--folder", "files", "--manifest", "m.csv"], "not allowed with argument --folder"),
])
def test_flags_argparse_refuses_exit_2_as_in_every_command(argv: list[str], message: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "message"), [
    (["--operation", "S3DeleteObjectTagging", "--spec", "op.json"], "give --operation or --spec, not both"),
    (["--operation", "S3PutObjectCopy"], "S3PutObjectCopy needs --target-bucket"),
    (["--user-arg", "novalue"], "--user-arg 'novalue': expected KEY=VALUE"),
])
def test_missing_or_conflicting_flags_exit_2(outputs: Path, argv: list[str], message: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["job", "submit", "--outputs", str(outputs), "--folder", str(outputs.parent / "files"), *argv])
    assert (code, capsys.readouterr().err) == (2, f"s3batch: error: {message}\n")


def test_without_outputs_the_resource_flags_are_required(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(job_commands.shutil, "which", lambda _: None)  # no terraform to ask for outputs
    code = main(["job", "submit", "--folder", "files", "--region", "us-east-1", "--account-id", GOOD.account_id,
                 "--manifest-bucket", "m-bkt"])
    assert (code, capsys.readouterr().err) == (
        2, "s3batch: error: --role-arn, --report-bucket required without stack outputs (--outputs FILE)\n")


def test_input_errors_exit_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["job", "submit", "--outputs", str(tmp_path / "none.json"), "--folder", "files"]) == 3
    assert "none.json: outputs file not found" in capsys.readouterr().err
    bad = tmp_path / "outputs.json"
    bad.write_text(json.dumps({"bucket_name": {"value": "data-bkt"}}))
    assert main(["job", "submit", "--outputs", str(bad), "--folder", "files"]) == 3
    assert "output 'data_prefix' is missing" in capsys.readouterr().err


def test_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("wait", "run", "submit"):
        with pytest.raises(SystemExit) as caught:
            main(["job", command, "--help"])
        assert caught.value.code == 0
        lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
        codes = [line.split()[0] for line in lines[lines.index("exit codes:") + 1:]]
        assert codes == ["0", "1", "2", "3", "4"]
        assert "2  job Failed or Cancelled, an AWS/runtime error, or a usage error (bad flags; as in every s3batch " \
               "command)" in lines


@pytest.mark.parametrize("command", [["report", "JOB"], ["retry-failed", "JOB"], ["run", "--folder", "files"]])
def test_report_keys_option_on_every_command_that_reads_a_report(command: list[str]) -> None:
    parser = build_parser()
    assert parser.parse_args(["job", *command, "--report-keys", "raw"]).report_keys == "raw"
    assert parser.parse_args(["job", *command]).report_keys is None  # then S3BATCH_REPORT_KEYS, else url
    with pytest.raises(SystemExit):
        parser.parse_args(["job", *command, "--report-keys", "hex"])


@pytest.fixture
def s3control(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    """The S3 Control client the commands about an existing job get, answered by botocore's Stubber."""
    client = make_client("s3control", region="us-east-1")
    clients = Clients(JobTarget(region="us-east-1", account_id_hint=GOOD.account_id), _made={"s3control": client})
    monkeypatch.setattr(job_commands, "_job_clients", lambda _args: clients)
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


JOB = {"JobId": "job-1", "Status": "Active", "Priority": 10, "CreationTime": datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
       "Description": "nightly [bold]tags[/]", "ProgressSummary": {"TotalNumberOfTasks": 4, "NumberOfTasksSucceeded": 1,
                                                                  "NumberOfTasksFailed": 1}}
WHO = {"AccountId": GOOD.account_id, "JobId": "job-1"}


def test_status_as_json_is_describe_job(s3control: Stubber, capsys: pytest.CaptureFixture[str]) -> None:
    s3control.add_response("describe_job", {"Job": JOB}, WHO)
    assert main(["job", "status", "job-1", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {**JOB, "CreationTime": "2026-01-02 03:04:05+00:00"}


def test_list_follows_the_status_filter_and_prints_user_text_as_it_is(s3control: Stubber,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    s3control.add_response("list_jobs", {"Jobs": [{**JOB, "Operation": "S3PutObjectTagging"}]},
                           {"AccountId": GOOD.account_id, "MaxResults": 1000, "JobStatuses": ["Active"]})
    assert main(["job", "list", "--status", "Active"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "job-1" in line)
    assert [cell.strip() for cell in row.split("│")[1:-1]] == [
        "job-1", "Active", "S3PutObjectTagging", "10", "2/4", "1", "2026-01-02T03:04:05+00:00",
        "nightly [bold]tags[/]"]  # the description as written, never rich markup


def test_cancel_and_priority_say_what_s3_answered(s3control: Stubber, capsys: pytest.CaptureFixture[str]) -> None:
    s3control.add_response("update_job_status", {"JobId": "job-1", "Status": "Cancelled"},
                           {**WHO, "RequestedJobStatus": "Cancelled", "StatusUpdateReason": "wrong input"})
    s3control.add_response("update_job_priority", {"JobId": "job-1", "Priority": 5}, {**WHO, "Priority": 5})
    assert main(["job", "cancel", "job-1", "--reason", "wrong input"]) == 0
    assert main(["job", "priority", "job-1", "5"]) == 0
    assert capsys.readouterr().out == "job job-1: Cancelled\njob job-1: priority 5\n"


def test_a_job_in_the_wrong_state_is_an_input_error(s3control: Stubber, capsys: pytest.CaptureFixture[str]) -> None:
    s3control.add_client_error("update_job_status", "JobStatusException", "job is Complete", 400,
                               expected_params={**WHO, "RequestedJobStatus": "Cancelled"})
    assert main(["job", "cancel", "job-1"]) == 3
    assert capsys.readouterr().err == ("s3batch: error: cancel job-1: JobStatusException: job is Complete "
                                       "(the job is not in a state that allows this)\n")
