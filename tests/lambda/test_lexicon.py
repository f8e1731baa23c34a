"""The VADER backend: sentence-by-sentence scoring, documented thresholds, Comprehend-shaped scores."""

from __future__ import annotations

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
