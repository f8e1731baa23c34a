"""The VADER backend: sentence-by-sentence scoring, documented thresholds, Comprehend-shaped scores."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from batch_sentiment.lexicon import (
    MIXED_SHARE,
    NEGATIVE_THRESHOLD,
    POSITIVE_THRESHOLD,
    STRONG_COMPOUND,
    _Sentence,
    classify,
    lexicon_backend,
)

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "files"  # the repo's sample texts


def analyze(text: str):
    return lexicon_backend().analyze(text, "en")


def test_thresholds_are_vaders_published_ones() -> None:
    assert (POSITIVE_THRESHOLD, NEGATIVE_THRESHOLD, STRONG_COMPOUND, MIXED_SHARE) == (0.05, -0.05, 0.5, 0.3)


@pytest.mark.parametrize(("compound", "label"), [
    (0.05, "POSITIVE"), (0.0499, "NEUTRAL"), (0.0, "NEUTRAL"), (-0.0499, "NEUTRAL"), (-0.05, "NEGATIVE"),
])
def test_label_boundaries(compound: float, label: str) -> None:
    assert classify([_Sentence(10, compound)]).label == label


def test_scores_sum_to_one_and_difference_is_the_mean_compound() -> None:
    sentences = [_Sentence(30, 0.8), _Sentence(10, -0.4), _Sentence(60, 0.0)]
    result = classify(sentences)
    assert sum(result.scores.values()) == pytest.approx(1.0)
    assert result.scores["positive"] - result.scores["negative"] == pytest.approx((30 * 0.8 - 10 * 0.4) / 100)
    assert all(value >= 0 for value in result.scores.values())


def test_mixed_needs_strong_evidence_on_both_sides() -> None:
    assert classify([_Sentence(30, 0.6), _Sentence(30, -0.6), _Sentence(40, 0.0)]).label == "MIXED"
    assert classify([_Sentence(29, 0.6), _Sentence(30, -0.6), _Sentence(41, 0.0)]).label != "MIXED"
    assert classify([_Sentence(50, 0.4), _Sentence(50, -0.4)]).label == "NEUTRAL"  # weak on both sides


def test_split_opinion_text_is_mixed() -> None:
    assert analyze("I love this wonderful book. I hate this terrible, awful ending.").label == "MIXED"


def test_one_positive_sentence_does_not_colour_a_long_neutral_text() -> None:
    text = " ".join(["What a great day."] + ["The meeting is at noon in room four."] * 40)
    whole_text = lexicon_backend()._analyzer.polarity_scores(text)["compound"]
    assert whole_text >= POSITIVE_THRESHOLD  # VADER on the whole text: the one sentence decides
    result = analyze(text)
    assert result.label == "NEUTRAL" and result.scores["neutral"] > 0.95


def _tricky_texts(count: int) -> list[str]:
    """Random text built from the words VADER's rules look at: negations, boosters, idioms, 'but', caps."""
    from vaderSentiment import vaderSentiment as vader

    words = ["good", "great", "love", "bad", "hate", "awful", "no", "not", "never", "so", "this", "without",
             "doubt", "least", "at", "very", "kind", "of", "sort", "but", "GREAT", "Bad", "isn't", "the", "a",
             "book", "day", ":)", ":(", "!", "?", "😀", "yeah", "right", "bomb", "shit", "or", "nor", "die", "for",
             "kiss", "death", "to", "heart", "beating",
             *vader.NEGATE[:8], *list(vader.BOOSTER_DICT)[:8]]
    rng = random.Random(11)
    # Every idiom and booster n-gram after 0-3 plain words, so each index VADER reads around a word is used.
    phrases = [*vader.SPECIAL_CASES, *(booster for booster in vader.BOOSTER_DICT if " " in booster)]
    texts = [f"{prefix} {phrase} {suffix}" for phrase in phrases
             for prefix in ("", "the", "the a", "the a the", "not the a") for suffix in ("", "good", "bad day")]
    for _ in range(count):
        sentences = [" ".join(rng.choice(words) for _ in range(rng.choice([1, 2, 3, 4, 6, 12, 40, 150])))
                     for _ in range(rng.randint(1, 4))]
        texts.append(rng.choice([". ", "! ", " "]).join(sentences))
    return texts


def test_windowed_vader_scores_exactly_as_vader() -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    stock, fast = SentimentIntensityAnalyzer(), lexicon_backend()._analyzer
    samples = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES_DIR.glob("*.txt"))]
    for text in [*samples, *_tricky_texts(300)]:
        assert fast.polarity_scores(text) == stock.polarity_scores(text), text[:200]
