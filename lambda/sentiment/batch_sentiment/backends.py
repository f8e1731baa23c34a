"""Choose the sentiment backend named by SENTIMENT_BACKEND."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from batch_sentiment.clients import comprehend_client
from batch_sentiment.scores import Sentiment


class Backend(Protocol):
    """Scores text; `languages` are the LanguageCode values it accepts."""

    name: str

    @property
    def languages(self) -> Sequence[str]: ...

    def analyze(self, text: str, language_code: str) -> Sentiment: ...


def get_backend(name: str) -> Backend:
    """The backend for a validated SENTIMENT_BACKEND value."""
    if name == "lexicon":
        # Imported here so a Comprehend deployment never loads VADER's lexicon.
        from batch_sentiment.lexicon import lexicon_backend

        return lexicon_backend()
    from batch_sentiment.comprehend import ComprehendBackend

    return ComprehendBackend(comprehend_client())
