"""Fixtures for the sentiment Lambda: the handler imported as Lambda imports it, moto S3, event builders."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest

REPO = Path(__file__).resolve().parents[2]
FUNCTION_DIR = REPO / "lambda" / "sentiment"
EVENTS_DIR = Path(__file__).resolve().parent / "events"
BUCKET = "amzn-s3-demo-bucket"
FUNCTION_ENV = ("SENTIMENT_BACKEND", "SENTIMENT_MODE", "LANGUAGE_CODE", "MAX_BYTES")

# Lambda puts the zip root on sys.path and imports `handler`; do the same.
if str(FUNCTION_DIR) not in sys.path:
    sys.path.insert(0, str(FUNCTION_DIR))

from batch_sentiment.clients import forget_clients  # noqa: E402
from batch_sentiment.telemetry import metrics  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_container(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test is a new container: no cached clients, no pending metrics, lexicon backend by default."""
    for name in FUNCTION_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SENTIMENT_BACKEND", "lexicon")
    forget_clients()
    metrics.clear_metrics()
    yield
    metrics.clear_metrics()
    forget_clients()


@pytest.fixture
def s3(s3: Any) -> Any:
    """The shared moto S3 client (tests/conftest.py) with the test bucket created."""
    s3.create_bucket(Bucket=BUCKET)
    return s3


@pytest.fixture
def versioned_s3(s3: Any) -> Any:
    """The test bucket with versioning enabled."""
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    return s3


def load_event_file(name: str) -> dict[str, Any]:
    return json.loads((EVENTS_DIR / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def event_for() -> Callable[..., dict[str, Any]]:
    """Build an event from a schema fixture for one object, the key URL-encoded as S3 Batch sends it."""

    def build(key: str, *, schema: str = "2.0", version_id: str | None = None,
              user_arguments: dict[str, str] | None = None, bucket: str = BUCKET) -> dict[str, Any]:
        event = load_event_file("schema-1.0" if schema == "1.0" else "schema-2.0-no-user-arguments")
        task = event["tasks"][0]
        task["s3Key"] = quote_plus(key, safe="/")
        task["s3VersionId"] = version_id
        if schema == "1.0":
            task["s3BucketArn"] = f"arn:aws:s3:::{bucket}"
        else:
            task["s3Bucket"] = bucket
            if user_arguments is not None:
                event["job"]["userArguments"] = user_arguments
        return event

    return build


@pytest.fixture
def load_event() -> Callable[[str], dict[str, Any]]:
    """A fresh copy of an event fixture from tests/lambda/events/."""
    return load_event_file  # read afresh each time, so a test may change it


@pytest.fixture
def run_on(s3: Any, event_for: Callable[..., dict[str, Any]],
           invoke_one: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """Put `body` at `key` in the test bucket (with `tagging`), then answer a one-task event for it (`event_for`'s
    options): the setup of most handler tests."""

    def run(key: str, body: bytes | str, *, tagging: str | None = None, **event: Any) -> dict[str, Any]:
        data = body.encode() if isinstance(body, str) else body
        s3.put_object(Bucket=BUCKET, Key=key, Body=data, **({"Tagging": tagging} if tagging else {}))
        return invoke_one(event_for(key, **event))

    return run


@dataclass
class FakeLambdaContext:
    """The LambdaContext attributes a handler may read."""

    function_name: str = "s3batch-sentiment"
    function_version: str = "1"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:s3batch-sentiment:1"
    aws_request_id: str = "5e1f7a9c-0000-4000-8000-000000000001"


@pytest.fixture
def invoke() -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Call handler.detect_sentiment as Lambda would."""
    import handler

    return lambda event: handler.detect_sentiment(event, FakeLambdaContext())


@pytest.fixture
def invoke_one(invoke: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Invoke with a one-task event, checking the response is exactly what S3 Batch Operations reads; return its
    result, with `result` = parsed resultString when Succeeded."""

    def run(event: dict[str, Any]) -> dict[str, Any]:
        response = invoke(event)
        json.dumps(response)  # Lambda serialises it
        assert list(response) == ["invocationSchemaVersion", "treatMissingKeysAs", "invocationId", "results"]
        assert list(response["results"][0]) == ["taskId", "resultCode", "resultString"]  # exactly AWS's fields
        assert response["invocationId"] == event["invocationId"]
        assert response["invocationSchemaVersion"] == event["invocationSchemaVersion"]
        assert response["treatMissingKeysAs"] == "PermanentFailure"
        assert len(response["results"]) == 1
        record = dict(response["results"][0])
        assert record["taskId"] == event["tasks"][0]["taskId"]
        text = record["resultString"]
        assert "\n" not in text and "\r" not in text and len(text) <= 1024
        if record["resultCode"] == "Succeeded":
            record["result"] = json.loads(text)
        return record

    return run
