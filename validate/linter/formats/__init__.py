"""Output formats for findings: text (people), json (scripts), sarif (code scanning)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from validate.linter.findings import Finding


class OutputFormat(str, Enum):
    """The --format choices of `s3batch lint`."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"

    def render(self, findings: Sequence[Finding]) -> str:
        """The whole output, ending in a newline."""
        from validate.linter.formats.json import render_json
        from validate.linter.formats.sarif import render_sarif
        from validate.linter.formats.text import render_text

        renderers = {OutputFormat.TEXT: render_text, OutputFormat.JSON: render_json, OutputFormat.SARIF: render_sarif}
        return renderers[self](findings)


__all__ = ["OutputFormat"]
