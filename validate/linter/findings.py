"""What the linter reports: a severity and one finding per problem, with where it was found."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    """How bad a finding is; only unsuppressed ERROR findings fail `s3batch lint` and the gate."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    """One problem in one policy. `suppressed` holds the reason when an inline suppression covers it."""

    rule: str
    severity: Severity
    message: str
    file: str
    line: int | None
    resource: str | None
    suppressed: str | None = None

    @property
    def blocking(self) -> bool:
        """True when this finding makes the exit code 1."""
        return self.severity is Severity.ERROR and self.suppressed is None

    def to_dict(self) -> dict[str, object]:
        """The JSON shape: rule, severity, message, file, line, resource (+ suppressed when set)."""
        out: dict[str, object] = {"rule": self.rule, "severity": self.severity.value, "message": self.message,
                                  "file": self.file, "line": self.line, "resource": self.resource}
        if self.suppressed is not None:
            out["suppressed"] = self.suppressed
        return out


def exit_code(findings: list[Finding]) -> int:
    return 1 if any(f.blocking for f in findings) else 0
