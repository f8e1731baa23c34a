"""The Comprehend backend, with botocore's Stubber standing in for the AWS-only API (moto S3 holds the objects)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from batch_sentiment.clients import comprehend_client
from batch_sentiment.text import DOCUMENT_BYTES, split_documents

TEXT = "Dear Darla, I hate your stinking guts. You make me vomit."


def detected(label: str, positive: float, negative: float, neutral: float, mixed: float) -> dict[str, Any]:
    """A DetectSentiment answer (PascalCase score keys, as Comprehend sends them)."""
    return {"Sentiment": label, "SentimentScore": {"Positive": positive, "Negative": negative, "Neutral": neutral,
                                                   "Mixed": mixed}}


@pytest.fixture
def comprehend(s3: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    """Comprehend backend selected; the function's own client stubbed (asserting every stubbed call is used)."""
    monkeypatch.setenv("SENTIMENT_BACKEND", "comprehend")
    with Stubber(comprehend_client()) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


# The function's LANGUAGE_CODE (default en), or the LanguageCode user argument, reaches Comprehend.
@pytest.mark.parametrize(("text", "arguments", "language"), [
    (TEXT, None, "en"),
    ("Querida Darla, te odio.", {"LanguageCode": "es"}, "es"),
], ids=["default-language", "language-code-user-argument"])
def test_detect_sentiment_success(comprehend: Stubber, run_on, text: str, arguments: dict[str, str] | None,
                                  language: str) -> None:
    comprehend.add_response("detect_sentiment", detected("NEGATIVE", 0.01, 0.95, 0.03, 0.01),
                            {"Text": text, "LanguageCode": language})
    record = run_on("letter.txt", text, user_arguments=arguments)
    assert record["resultCode"] == "Succeeded"
    assert record["result"] == {
        "label": "NEGATIVE", "scores": {"positive": 0.01, "negative": 0.95, "neutral": 0.03, "mixed": 0.01},
        "backend": "comprehend", "language": language, "mode": "head", "bytes_analyzed": len(text),
        "truncated": False, "empty": False, "tagged": False,
    }


def test_head_mode_sends_at_most_5000_bytes_cut_on_a_character(comprehend: Stubber, run_on) -> None:
    comprehend.add_response("detect_sentiment", detected("NEUTRAL", 0.0, 0.0, 1.0, 0.0),
                            {"Text": "é" * 2500, "LanguageCode": "en"})
    record = run_on("accents.txt", "é" * 3000)  # 6,000 bytes
    assert record["result"]["bytes_analyzed"] == DOCUMENT_BYTES and record["result"]["truncated"] is True


def test_a_comprehend_error_fails_the_task_naming_the_permission(comprehend: Stubber, run_on) -> None:
    """Every error code's result code and hint: tests/lambda/test_failures.py's table."""
    comprehend.add_client_error("detect_sentiment", service_error_code="AccessDeniedException", http_status_code=400)
    record = run_on("letter.txt", TEXT)
    assert record["resultCode"] == "PermanentFailure"
    assert "AccessDeniedException" in record["resultString"] and "comprehend:DetectSentiment" in record["resultString"]


def long_text(documents: int) -> str:
    sentence = "The food was fine and the service was slow but friendly. "
    return sentence * (documents * DOCUMENT_BYTES // len(sentence))


def test_full_mode_batches_25_documents_and_weights_by_size(comprehend: Stubber, run_on,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_BYTES", "200000")
    text = long_text(30)
    rest = len(split_documents(text)) - 25
    assert 5 <= rest <= 7
    calls: list[list[str]] = []  # the TextList of every BatchDetectSentiment call
    comprehend_client().meta.events.register("before-parameter-build.comprehend.BatchDetectSentiment",
                                             lambda params, **_: calls.append(list(params["TextList"])))
    positive, negative = detected("POSITIVE", 0.9, 0.0, 0.1, 0.0), detected("NEGATIVE", 0.0, 0.8, 0.2, 0.0)
    comprehend.add_response("batch_detect_sentiment",
                            {"ResultList": [{"Index": i, **positive} for i in range(25)], "ErrorList": []})
    comprehend.add_response("batch_detect_sentiment",
                            {"ResultList": [{"Index": i, **negative} for i in range(rest)], "ErrorList": []})
    record = run_on("long.txt", text, user_arguments={"Mode": "full"})
    documents = [doc for call in calls for doc in call]
    assert [len(call) for call in calls] == [25, rest]
    assert "".join(documents) == text
    sizes = [len(doc.encode()) for doc in documents]
    assert max(sizes) <= DOCUMENT_BYTES
    assert all(doc.endswith(" ") for doc in documents[:-1])  # cut on whitespace, not inside a word
    share = sum(sizes[:25]) / sum(sizes)
    result = record["result"]
    assert result["label"] == "POSITIVE"
    assert result["scores"]["positive"] == pytest.approx(0.9 * share, abs=1e-4)
    assert result["scores"]["negative"] == pytest.approx(0.8 * (1 - share), abs=1e-4)
    assert result["bytes_analyzed"] == len(text) and result["truncated"] is False


@pytest.mark.parametrize(("error_code", "result_code"), [
    ("INTERNAL_SERVER_ERROR", "TemporaryFailure"),
    ("INVALID_DOCUMENT", "PermanentFailure"),
])
def test_batch_error_list_fails_the_task(comprehend: Stubber, run_on, error_code: str, result_code: str) -> None:
    ok = detected("NEUTRAL", 0.0, 0.0, 1.0, 0.0)
    comprehend.add_response("batch_detect_sentiment", {
        "ResultList": [{"Index": 0, **ok}, {"Index": 2, **ok}],
        "ErrorList": [{"Index": 1, "ErrorCode": error_code, "ErrorMessage": "document 1 failed"}],
    })
    record = run_on("long.txt", long_text(3), user_arguments={"Mode": "full"})
    assert record["resultCode"] == result_code
    assert f"document 1 (of 1 failing in this batch): {error_code}" in record["resultString"]


def test_client_is_created_once_per_container_with_standard_retries(comprehend: Stubber, run_on,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    created: list[str] = []
    real_client = boto3.client
    monkeypatch.setattr(boto3, "client", lambda name, **kw: created.append(name) or real_client(name, **kw))
    for _ in range(2):
        comprehend.add_response("detect_sentiment", detected("NEGATIVE", 0.0, 1.0, 0.0, 0.0))
        run_on("letter.txt", TEXT)
    assert created.count("comprehend") == 0  # the stubbed client made before the invocations is reused
    assert created.count("s3") == 1  # first invocation creates it, the warm one reuses it
    assert comprehend_client().meta.config.retries["mode"] == "standard"
