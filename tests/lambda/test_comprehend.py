"""The Comprehend backend, with botocore's Stubber standing in for the AWS-only API (moto S3 holds the objects)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from batch_sentiment.clients import comprehend_client
from batch_sentiment.text import DOCUMENT_BYTES, split_documents

BUCKET = "amzn-s3-demo-bucket"
TEXT = "Dear Darla, I hate your stinking guts. You make me vomit."


def scores(positive: float, negative: float, neutral: float, mixed: float) -> dict[str, float]:
    return {"Positive": positive, "Negative": negative, "Neutral": neutral, "Mixed": mixed}


@pytest.fixture
def comprehend(s3: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    """Comprehend backend selected; the function's own client stubbed (asserting every stubbed call is used)."""
    monkeypatch.setenv("SENTIMENT_BACKEND", "comprehend")
    with Stubber(comprehend_client()) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def test_detect_sentiment_success(comprehend: Stubber, s3: Any, event_for, invoke_one) -> None:
    s3.put_object(Bucket=BUCKET, Key="letter.txt", Body=TEXT.encode())
    comprehend.add_response("detect_sentiment",
                            {"Sentiment": "NEGATIVE", "SentimentScore": scores(0.01, 0.95, 0.03, 0.01)},
                            {"Text": TEXT, "LanguageCode": "en"})
    record = invoke_one(event_for("letter.txt"))
    assert record["resultCode"] == "Succeeded"
    assert record["result"] == {
        "label": "NEGATIVE", "scores": {"positive": 0.01, "negative": 0.95, "neutral": 0.03, "mixed": 0.01},
        "backend": "comprehend", "language": "en", "mode": "head", "bytes_analyzed": len(TEXT),
        "truncated": False, "empty": False, "tagged": False,
    }


def test_language_code_user_argument_reaches_comprehend(comprehend: Stubber, s3: Any, event_for,
                                                        invoke_one) -> None:
    s3.put_object(Bucket=BUCKET, Key="carta.txt", Body=b"Querida Darla, te odio.")
    comprehend.add_response("detect_sentiment",
                            {"Sentiment": "NEGATIVE", "SentimentScore": scores(0.0, 0.9, 0.1, 0.0)},
                            {"Text": "Querida Darla, te odio.", "LanguageCode": "es"})
    record = invoke_one(event_for("carta.txt", user_arguments={"LanguageCode": "es"}))
    assert record["result"]["language"] == "es"


def test_head_mode_sends_at_most_5000_bytes_cut_on_a_character(comprehend: Stubber, s3: Any, event_for,
                                                                 invoke_one) -> None:
    s3.put_object(Bucket=BUCKET, Key="accents.txt", Body=("é" * 3000).encode())  # 6,000 bytes
    comprehend.add_response("detect_sentiment",
                            {"Sentiment": "NEUTRAL", "SentimentScore": scores(0.0, 0.0, 1.0, 0.0)},
                            {"Text": "é" * 2500, "LanguageCode": "en"})
    record = invoke_one(event_for("accents.txt"))
    assert record["result"]["bytes_analyzed"] == DOCUMENT_BYTES and record["result"]["truncated"] is True


@pytest.mark.parametrize(("code", "status", "result_code", "words"), [
    ("ThrottlingException", 400, "TemporaryFailure", "throttled"),
    ("TooManyRequestsException", 400, "TemporaryFailure", "throttled"),
    ("InternalServerException", 500, "TemporaryFailure", "retryable"),
    ("TextSizeLimitExceededException", 400, "PermanentFailure", "5,000-byte limit"),
    ("UnsupportedLanguageException", 400, "PermanentFailure", "LanguageCode"),
    ("InvalidRequestException", 400, "PermanentFailure", "rejected the text"),
    ("AccessDeniedException", 400, "PermanentFailure", "comprehend:DetectSentiment"),
])
def test_comprehend_errors_are_classified(comprehend: Stubber, s3: Any, event_for, invoke_one, code: str,
                                          status: int, result_code: str, words: str) -> None:
    s3.put_object(Bucket=BUCKET, Key="letter.txt", Body=TEXT.encode())
    comprehend.add_client_error("detect_sentiment", service_error_code=code, http_status_code=status)
    record = invoke_one(event_for("letter.txt"))
    assert record["resultCode"] == result_code
    assert code in record["resultString"] and words in record["resultString"]


def long_text(documents: int) -> str:
    sentence = "The food was fine and the service was slow but friendly. "
    return sentence * (documents * DOCUMENT_BYTES // len(sentence))


class TextListRecorder:
    def __init__(self, client: Any) -> None:
        self.calls: list[list[str]] = []
        client.meta.events.register("before-parameter-build.comprehend.BatchDetectSentiment", self._record)

    def _record(self, params: dict[str, Any], **_: Any) -> None:
        self.calls.append(list(params["TextList"]))


def test_full_mode_batches_25_documents_and_weights_by_size(comprehend: Stubber, s3: Any, event_for,
                                                              invoke_one, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAX_BYTES", "200000")
    text = long_text(30)
    rest = len(split_documents(text)) - 25
    assert 5 <= rest <= 7
    s3.put_object(Bucket=BUCKET, Key="long.txt", Body=text.encode())
    recorder = TextListRecorder(comprehend_client())
    positive = {"Sentiment": "POSITIVE", "SentimentScore": scores(0.9, 0.0, 0.1, 0.0)}
    negative = {"Sentiment": "NEGATIVE", "SentimentScore": scores(0.0, 0.8, 0.2, 0.0)}
    comprehend.add_response("batch_detect_sentiment",
                            {"ResultList": [{"Index": i, **positive} for i in range(25)], "ErrorList": []})
    comprehend.add_response("batch_detect_sentiment",
                            {"ResultList": [{"Index": i, **negative} for i in range(rest)], "ErrorList": []})
    record = invoke_one(event_for("long.txt", user_arguments={"Mode": "full"}))
    documents = [doc for call in recorder.calls for doc in call]
    assert [len(call) for call in recorder.calls] == [25, rest]
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
def test_batch_error_list_fails_the_task(comprehend: Stubber, s3: Any, event_for, invoke_one, error_code: str,
                                         result_code: str) -> None:
    s3.put_object(Bucket=BUCKET, Key="long.txt", Body=long_text(3).encode())
    ok = {"Sentiment": "NEUTRAL", "SentimentScore": scores(0.0, 0.0, 1.0, 0.0)}
    comprehend.add_response("batch_detect_sentiment", {
        "ResultList": [{"Index": 0, **ok}, {"Index": 2, **ok}],
        "ErrorList": [{"Index": 1, "ErrorCode": error_code, "ErrorMessage": "document 1 failed"}],
    })
    record = invoke_one(event_for("long.txt", user_arguments={"Mode": "full"}))
    assert record["resultCode"] == result_code
    assert f"document 1 (of 1 failing in this batch): {error_code}" in record["resultString"]


def test_client_is_created_once_per_container_with_standard_retries(comprehend: Stubber, s3: Any, event_for,
                                                                    invoke_one,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    created: list[str] = []
    real_client = boto3.client
    monkeypatch.setattr(boto3, "client", lambda name, **kw: created.append(name) or real_client(name, **kw))
    s3.put_object(Bucket=BUCKET, Key="letter.txt", Body=TEXT.encode())
    for _ in range(2):
        comprehend.add_response("detect_sentiment",
                                {"Sentiment": "NEGATIVE", "SentimentScore": scores(0.0, 1.0, 0.0, 0.0)})
        invoke_one(event_for("letter.txt"))
    assert created.count("comprehend") == 0  # the stubbed client made before the invocations is reused
    assert created.count("s3") == 1  # first invocation creates it, the warm one reuses it
    assert comprehend_client().meta.config.retries["mode"] == "standard"
