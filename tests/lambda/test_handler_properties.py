"""The sentiment handler on arbitrary tasks (issue 11): every task with a taskId gets exactly one result, a valid
result code and a resultString of one line within 1,024 characters, whatever the key, bucket, version or
user arguments; the object is read from moto S3 when it exists."""

from __future__ import annotations

import importlib
import json
from typing import Any
from urllib.parse import quote_plus

from hypothesis import given
from hypothesis import strategies as st

_support = importlib.import_module("tests.lambda.conftest")  # `lambda` is a keyword: no from-import
BUCKET, FakeLambdaContext, load_event_file = _support.BUCKET, _support.FakeLambdaContext, _support.load_event_file

TEXT = st.text(max_size=40)
TASKS = st.lists(st.fixed_dictionaries({
    "taskId": st.uuids().map(str),
    "s3Key": st.one_of(TEXT, TEXT.map(lambda k: quote_plus(k, safe="/")), st.sampled_from(["texts/love.txt"])),
    "s3Bucket": st.one_of(st.just(BUCKET), TEXT),
    "s3VersionId": st.one_of(st.none(), TEXT),
}), min_size=1, max_size=4)
USER_ARGUMENTS = st.one_of(st.none(), st.dictionaries(st.sampled_from(["mode", "language", "languageCode", "x"]) | TEXT,
                                                     TEXT, max_size=3))
OBJECT_BODIES = st.binary(max_size=200) | TEXT.map(str.encode)


@given(tasks=TASKS, user_arguments=USER_ARGUMENTS, body=OBJECT_BODIES)
def test_every_task_is_answered_once_with_a_valid_result(s3: Any, tasks: list[dict[str, Any]],
                                                         user_arguments: Any, body: bytes) -> None:
    import handler

    event = load_event_file("schema-2.0")
    event["tasks"] = tasks
    if user_arguments is not None:
        event["job"]["userArguments"] = user_arguments
    s3.put_object(Bucket=BUCKET, Key="texts/love.txt", Body=body)
    response = handler.detect_sentiment(event, FakeLambdaContext())
    assert [r["taskId"] for r in response["results"]] == [t["taskId"] for t in tasks]
    for result in response["results"]:
        assert result["resultCode"] in ("Succeeded", "TemporaryFailure", "PermanentFailure")
        text = result["resultString"]
        assert "\n" not in text and "\r" not in text and len(text) <= 1024
        if result["resultCode"] == "Succeeded":
            assert json.loads(text)["label"] in ("POSITIVE", "NEGATIVE", "NEUTRAL", "MIXED")
