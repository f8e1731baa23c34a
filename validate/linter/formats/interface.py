"""The Formatter interface every output format implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from validate.linter.findings import Finding


class Formatter(ABC):
    """Turns findings into one text document."""

    @abstractmethod
    def format(self, findings: Sequence[Finding]) -> str:
        """The whole output, ending in a newline."""
