"""Output formats for findings: text (people), json (scripts), sarif (code scanning)."""

from __future__ import annotations

from enum import Enum
from typing import assert_never

from validate.linter.formats.interface import Formatter


class OutputFormat(str, Enum):
    """The --format choices of `s3batch lint`."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"

    def to_formatter(self) -> Formatter:
        from validate.linter.formats.json import JsonFormatter
        from validate.linter.formats.sarif import SarifFormatter
        from validate.linter.formats.text import TextFormatter

        if self is OutputFormat.TEXT:
            return TextFormatter()
        if self is OutputFormat.JSON:
            return JsonFormatter()
        if self is OutputFormat.SARIF:
            return SarifFormatter()
        assert_never(self)


__all__ = ["Formatter", "OutputFormat"]
