"""Output formats for findings: text (people), json (scripts), sarif (code scanning)."""

from __future__ import annotations

from enum import Enum

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

        formatters: dict[OutputFormat, type[Formatter]] = {
            OutputFormat.TEXT: TextFormatter, OutputFormat.JSON: JsonFormatter, OutputFormat.SARIF: SarifFormatter,
        }
        return formatters[self]()


__all__ = ["Formatter", "OutputFormat"]
