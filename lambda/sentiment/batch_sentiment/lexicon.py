"""Offline backend: VADER (vaderSentiment), scored sentence by sentence.

VADER's compound score saturates towards +-1 as text grows, so a long text is split into sentences,
each scored alone, and the compounds are averaged weighted by sentence length (in characters).
The thresholds below are the only tuning; docs/lambda.md explains them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from batch_sentiment.scores import Sentiment

# VADER's published thresholds on the compound score (Hutto & Gilbert 2014, vaderSentiment README).
POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05
# MIXED: a sentence with |compound| >= STRONG_COMPOUND is strong evidence; the text is MIXED when at least
# MIXED_SHARE of its length is strongly positive AND at least MIXED_SHARE is strongly negative.
STRONG_COMPOUND = 0.5
MIXED_SHARE = 0.3

LANGUAGES = ("en",)  # VADER's lexicon is English
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class _Sentence:
    weight: int
    compound: float


class LexiconBackend:
    """VADER sentiment with Comprehend's output shape."""

    name = "lexicon"
    languages = LANGUAGES

    def __init__(self) -> None:
        self._analyzer = SentimentIntensityAnalyzer()  # loads the lexicon once per container

    def analyze(self, text: str, language_code: str) -> Sentiment:
        """Score non-blank `text` (English)."""
        sentences = [
            _Sentence(len(part), self._analyzer.polarity_scores(part)["compound"])
            for part in (piece.strip() for piece in _SENTENCE_END.split(text))
            if part
        ]
        return classify(sentences)


def classify(sentences: list[_Sentence]) -> Sentiment:
    """Turn per-sentence compounds into a label and four scores summing to 1.

    positive/negative evidence p, n = length-weighted means of max(compound, 0) and max(-compound, 0);
    mixed = min(p, n) (evidence that cancels out), positive = p - mixed, negative = n - mixed,
    neutral = 1 - max(p, n). positive - negative is the length-weighted mean compound, which the
    thresholds label.
    """
    total = sum(s.weight for s in sentences)
    p = sum(s.weight * max(s.compound, 0.0) for s in sentences) / total
    n = sum(s.weight * max(-s.compound, 0.0) for s in sentences) / total
    mixed = min(p, n)
    scores = {"positive": p - mixed, "negative": n - mixed, "neutral": 1.0 - max(p, n), "mixed": mixed}
    strong_positive = sum(s.weight for s in sentences if s.compound >= STRONG_COMPOUND) / total
    strong_negative = sum(s.weight for s in sentences if s.compound <= -STRONG_COMPOUND) / total
    compound = p - n
    if strong_positive >= MIXED_SHARE and strong_negative >= MIXED_SHARE:
        label = "MIXED"
    elif compound >= POSITIVE_THRESHOLD:
        label = "POSITIVE"
    elif compound <= NEGATIVE_THRESHOLD:
        label = "NEGATIVE"
    else:
        label = "NEUTRAL"
    return Sentiment(label, scores)


@functools.cache
def lexicon_backend() -> LexiconBackend:
    """The container's one analyzer (building it parses the 7,500-word lexicon)."""
    return LexiconBackend()
