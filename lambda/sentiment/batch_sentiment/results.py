"""Result strings for the completion report: one line, compact, bounded."""

from __future__ import annotations

import json

from batch_sentiment.analysis import Analysis
from batch_sentiment.scores import SCORE_NAMES

# Upper bound of every resultString this function returns (AWS documents no limit; the string lands in
# a CSV cell of the completion report, so keep it short).
RESULT_MAX_CHARS = 1_024
_ELLIPSIS = "..."


def success_result(analysis: Analysis) -> str:
    """Compact JSON: label, scores and how the text was analysed (see docs/lambda.md for the fields)."""
    settings = analysis.settings
    document: dict[str, object] = {
        "label": analysis.sentiment.label,
        "scores": {name: round(analysis.sentiment.scores[name], 4) for name in SCORE_NAMES},
        "backend": settings.backend,
        "language": settings.language_code,
        "mode": settings.mode,
        "bytes_analyzed": analysis.bytes_analyzed,
        "truncated": analysis.truncated,
        "empty": analysis.empty,
        "tagged": bool(settings.tag_key),
    }
    # Every field is an enum, number or boolean (no user text such as the key or tag key), so the
    # string is one line of about 250 characters, far below RESULT_MAX_CHARS.
    return json.dumps(document, separators=(",", ":"))


def failure_result(message: str) -> str:
    """A failure message as one line of at most RESULT_MAX_CHARS characters."""
    line = " ".join(message.split())
    if len(line) > RESULT_MAX_CHARS:
        line = line[: RESULT_MAX_CHARS - len(_ELLIPSIS)] + _ELLIPSIS
    return line
