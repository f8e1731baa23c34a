"""The handler's contract with S3 Batch Operations: schemas, many tasks, bad tasks, user arguments, telemetry."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from batch_sentiment.telemetry import logger

BUCKET = "amzn-s3-demo-bucket"
LOVE = b"If I should think of love\nI'd think of you, your arms uplifted,\n"


@pytest.fixture
def love(s3: Any) -> str:
    s3.put_object(Bucket=BUCKET, Key="texts/think-of-love.txt", Body=LOVE)
    return "texts/think-of-love.txt"


@pytest.mark.parametrize("fixture", ["schema-1.0", "schema-2.0", "schema-2.0-no-user-arguments"])
def test_each_schema_fixture_is_answered(love: str, load_event, invoke_one, fixture: str) -> None:
    record = invoke_one(load_event(fixture))
    assert record["resultCode"] == "Succeeded"
    assert record["result"]["label"] == "POSITIVE"


def test_multi_task_event_answers_every_task_in_order(love: str, load_event, invoke) -> None:
    event = load_event("schema-2.0")
    good = event["tasks"][0]
    event["tasks"] = [
        good,
        {**good, "taskId": "missing-object", "s3Key": "texts/absent.txt"},
        {"taskId": "no-key", "s3VersionId": None, "s3Bucket": BUCKET},
        {"taskId": "no-bucket", "s3Key": "texts/think-of-love.txt", "s3VersionId": None},
        {**good, "taskId": "again"},
    ]
    results = invoke(event)["results"]
    assert [(r["taskId"], r["resultCode"]) for r in results] == [
        (good["taskId"], "Succeeded"),
        ("missing-object", "PermanentFailure"),
        ("no-key", "PermanentFailure"),
        ("no-bucket", "PermanentFailure"),
        ("again", "Succeeded"),
    ]
    assert "no s3Key" in results[2]["resultString"]
    assert "neither s3Bucket" in results[3]["resultString"]


def test_task_without_task_id_is_left_to_treat_missing_keys_as(love: str, load_event, invoke) -> None:
    event = load_event("schema-2.0")
    event["tasks"].insert(0, {"s3Key": "texts/think-of-love.txt", "s3Bucket": BUCKET})
    event["tasks"].insert(0, "not a task")
    response = invoke(event)
    assert response["treatMissingKeysAs"] == "PermanentFailure"
    assert [r["taskId"] for r in response["results"]] == [event["tasks"][2]["taskId"]]


@pytest.mark.filterwarnings("ignore:No application metrics")
def test_event_without_tasks_is_a_function_error(load_event, invoke) -> None:
    event = load_event("schema-2.0")
    del event["tasks"]
    with pytest.raises(KeyError):
        invoke(event)


def test_event_without_job_still_answers(love: str, load_event, invoke_one) -> None:
    event = load_event("schema-1.0")
    del event["job"]
    assert invoke_one(event)["resultCode"] == "Succeeded"


# Schema 2.0 user arguments (the job's) and environment variables (the function's).
@pytest.mark.parametrize(("arguments", "environment", "message"), [
    ({"Mode": "everything"}, {}, "user argument Mode='everything' is not one of: head, full"),
    ({"mode": "full"}, {}, "unknown user argument(s) mode; supported: LanguageCode, Mode, TagKey"),
    ({"LanguageCode": "xx"}, {}, "user argument LanguageCode='xx' is not a Comprehend sentiment language"),
    ({"TagKey": "aws:reserved"}, {}, "user argument TagKey='aws:reserved' is not a valid S3 tag key"),
    ({"TagKey": "bad*char"}, {}, "is not a valid S3 tag key"),
    ({"TagKey": "k" * 129}, {}, "is not a valid S3 tag key"),
    ({"TagKey": ""}, {}, "user argument TagKey='' is not a valid S3 tag key"),
    ({"Mode": 1}, {}, "user argument Mode must be a string, got int"),
    (["Mode"], {}, "job.userArguments must be a map of strings"),
    (None, {"SENTIMENT_BACKEND": "magic"}, "SENTIMENT_BACKEND='magic' is not one of: comprehend, lexicon"),
    (None, {"LANGUAGE_CODE": "klingon"}, "LANGUAGE_CODE='klingon' is not a Comprehend sentiment language"),
    (None, {"MAX_BYTES": "lots"}, "MAX_BYTES='lots' is not an integer"),
    (None, {"MAX_BYTES": "0"}, "MAX_BYTES=0 must be between 1 and"),
    (None, {"SENTIMENT_MODE": "tail"}, "SENTIMENT_MODE='tail' is not one of: head, full"),
])
def test_bad_configuration_fails_the_task_with_a_clear_message(love: str, event_for, invoke_one,
                                                               monkeypatch: pytest.MonkeyPatch, arguments: object,
                                                               environment: dict[str, str], message: str) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    record = invoke_one(event_for(love, user_arguments=arguments))
    assert record["resultCode"] == "PermanentFailure"
    assert record["resultString"].startswith("configuration error: ")
    assert message in record["resultString"]


def test_lexicon_backend_refuses_other_languages(love: str, event_for, invoke_one) -> None:
    record = invoke_one(event_for(love, user_arguments={"LanguageCode": "fr"}))
    assert record["resultCode"] == "PermanentFailure"
    assert "lexicon backend cannot analyse LanguageCode='fr'" in record["resultString"]


def test_schema_2_user_arguments_apply_and_show_in_the_result(love: str, event_for, invoke_one) -> None:
    record = invoke_one(event_for(love, user_arguments={"Mode": "full", "LanguageCode": "en"}))
    assert record["result"]["mode"] == "full" and record["result"]["language"] == "en"
    assert record["result"]["truncated"] is False and record["result"]["bytes_analyzed"] == len(LOVE)  # read whole


def test_metrics_and_structured_logs_name_job_and_task(love: str, load_event, invoke_one,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    event = load_event("schema-2.0")
    log_stream = io.StringIO()
    previous = logger.registered_handler.setStream(log_stream)  # bound to stdout at import, before capsys
    try:
        invoke_one(event)
    finally:
        logger.registered_handler.setStream(previous)
    emf = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    logs = [json.loads(line) for line in log_stream.getvalue().splitlines()]
    assert len(emf) == 1 and emf[0]["TasksSucceeded"] == [1.0] and emf[0]["LabelPositive"] == [1.0]
    assert emf[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "S3BatchKit"
    task_log = next(line for line in logs if line["message"] == "task succeeded")
    assert task_log["job_id"] == event["job"]["id"]
    assert task_log["task_id"] == event["tasks"][0]["taskId"]
    assert task_log["label"] == "POSITIVE"


def test_event_with_no_tasks_publishes_no_metrics_and_does_not_fail(load_event, invoke) -> None:
    event = load_event("schema-2.0")
    event["tasks"] = []
    with pytest.warns(UserWarning, match="No application metrics"):
        assert invoke(event)["results"] == []
