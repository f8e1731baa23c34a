"""Amazon Comprehend backend: DetectSentiment for one document, BatchDetectSentiment (25 per call) for more."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from batch_sentiment.failures import TaskFailure, call_aws, permanent, temporary
from batch_sentiment.scores import SCORE_NAMES, Sentiment, strongest, weighted_mean
from batch_sentiment.settings import comprehend_languages
from batch_sentiment.text import split_documents

BATCH_SIZE = 25  # BatchDetectSentiment's TextList maximum
# BatchItemError codes worth a redrive; any other per-document error fails the task permanently.
_TRANSIENT_ITEM_ERRORS = frozenset({"INTERNAL_SERVER_ERROR", "InternalServerException", "THROTTLING"})


class ComprehendBackend:
    """Sentiment from Comprehend; long text is split into <=5,000-byte documents weighted by size."""

    name = "comprehend"

    def __init__(self, client: Any) -> None:
        self._client = client

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages DetectSentiment accepts, from botocore's model."""
        return comprehend_languages()

    def analyze(self, text: str, language_code: str) -> Sentiment:
        """Score non-blank `text`; one document keeps Comprehend's own label."""
        documents = split_documents(text)
        if len(documents) == 1:
            return self._detect(documents[0], language_code)
        sentiments: list[Sentiment] = []
        for first in range(0, len(documents), BATCH_SIZE):
            sentiments += self._detect_batch(documents[first:first + BATCH_SIZE], language_code, first)
        scores = weighted_mean([(sentiment.scores, float(len(document.encode("utf-8"))))
                                for sentiment, document in zip(sentiments, documents, strict=True)])
        return Sentiment(strongest(scores), scores)

    def _detect(self, document: str, language_code: str) -> Sentiment:
        response = call_aws(self._client.detect_sentiment, "Comprehend DetectSentiment",
                            "comprehend:DetectSentiment", Text=document, LanguageCode=language_code)
        return _sentiment(response)

    def _detect_batch(self, batch: Sequence[str], language_code: str, offset: int) -> list[Sentiment]:
        response = call_aws(self._client.batch_detect_sentiment, "Comprehend BatchDetectSentiment",
                            "comprehend:BatchDetectSentiment", TextList=list(batch), LanguageCode=language_code)
        errors = response.get("ErrorList") or []
        if errors:
            raise _item_failure(errors, offset)
        by_index = {item["Index"]: _sentiment(item) for item in response.get("ResultList") or []}
        missing = [offset + i for i in range(len(batch)) if i not in by_index]
        if missing:
            raise temporary(f"BatchDetectSentiment returned no result for document(s) {missing[:5]}; retryable")
        return [by_index[i] for i in range(len(batch))]


def _sentiment(item: Mapping[str, Any]) -> Sentiment:
    raw = item["SentimentScore"]  # PascalCase keys: Positive, Negative, Neutral, Mixed
    return Sentiment(str(item["Sentiment"]), {name: float(raw[name.capitalize()]) for name in SCORE_NAMES})


def _item_failure(errors: Sequence[Mapping[str, Any]], offset: int) -> TaskFailure:
    first = errors[0]
    where = f"document {offset + int(first.get('Index', 0))} (of {len(errors)} failing in this batch)"
    detail = f"BatchDetectSentiment {where}: {first.get('ErrorCode')}: {first.get('ErrorMessage')}"
    if all(str(e.get("ErrorCode")) in _TRANSIENT_ITEM_ERRORS for e in errors):
        return temporary(f"{detail}; retryable")
    return permanent(detail)
