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
# VADER's negation and idiom checks read at most 3 words before and 2 after the scored word.
_LOOK_BEHIND = 3
_LOOK_AHEAD = 2


class _WindowedAnalyzer(SentimentIntensityAnalyzer):
    """VADER with identical scores, minus its quadratic cost on long sentences.

    vaderSentiment 3.3.2's `_negation_check` and `_special_idioms_check` lower-case the *whole*
    sentence for every scored word and then read only words i-3..i+2, so a 200-word sentence (text
    without punctuation) costs 200 x 200 `str.lower` calls. Here they get just that window (and the
    index inside it); VADER calls them only with i > start_i (i >= 3 for the idiom check), so no
    index the originals read falls outside it. tests/lambda/test_lexicon.py compares both on a corpus.
    """

    @staticmethod
    def _negation_check(valence: float, words_and_emoticons: list[str], start_i: int, i: int) -> float:
        window, j = _window(words_and_emoticons, i)
        return SentimentIntensityAnalyzer._negation_check(valence, window, start_i, j)

    @staticmethod
    def _special_idioms_check(valence: float, words_and_emoticons: list[str], i: int) -> float:
        window, j = _window(words_and_emoticons, i)
        return SentimentIntensityAnalyzer._special_idioms_check(valence, window, j)


def _window(words: list[str], i: int) -> tuple[list[str], int]:
    """Words i-3..i+2 and the position of word i among them (the whole list when i < 3, where VADER's
    guards alone keep its indices non-negative)."""
    if i < _LOOK_BEHIND:
        return words, i
    return words[i - _LOOK_BEHIND:i + _LOOK_AHEAD + 1], _LOOK_BEHIND


@dataclass(frozen=True)
class _Sentence:
    weight: int
    compound: float


class LexiconBackend:
    """VADER sentiment with Comprehend's output shape."""

    name = "lexicon"
    languages = LANGUAGES

    def __init__(self) -> None:
        self._analyzer = _WindowedAnalyzer()  # loads the lexicon once per container

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
