"""The sentiment value both backends produce: a label and four scores summing to 1, as Comprehend reports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

LABELS = ("POSITIVE", "NEGATIVE", "NEUTRAL", "MIXED")
SCORE_NAMES = tuple(label.lower() for label in LABELS)  # result JSON keys: positive, negative, ...


@dataclass(frozen=True)
class Sentiment:
    """A label from LABELS and one score per label (keys from SCORE_NAMES)."""

    label: str
    scores: Mapping[str, float]


def weighted_mean(parts: Sequence[tuple[Mapping[str, float], float]]) -> dict[str, float]:
    """Average score maps, each weighted (e.g. by its text length)."""
    total = sum(weight for _, weight in parts)
    if total <= 0:
        raise ValueError("weighted_mean needs a positive total weight")
    return {name: sum(scores[name] * weight for scores, weight in parts) / total for name in SCORE_NAMES}


def strongest(scores: Mapping[str, float]) -> str:
    """The label whose score is highest (Comprehend's own rule for a single document)."""
    return max(LABELS, key=lambda label: scores[label.lower()])


# An empty or whitespace-only object has no sentiment evidence at all.
EMPTY = Sentiment("NEUTRAL", {"positive": 0.0, "negative": 0.0, "neutral": 1.0, "mixed": 0.0})
