"""Human-readable findings: one line each (control characters in paths, names and policy values escaped), file:line
first so editors can jump to it, then a summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from validate.linter.findings import Finding
from validate.linter.registry import default_registry
from s3batch_core.errors import one_line


def location(finding: Finding) -> str:
    return f"{finding.file}:{finding.line}" if finding.line else finding.file


def render_text(findings: Sequence[Finding]) -> str:
    """`path:line: severity S3B001 message [resource]` plus the fix hint, and a count line."""
    registry = default_registry()
    lines: list[str] = []
    for finding in findings:
        where = f" [{finding.resource}]" if finding.resource else ""
        state = f"suppressed ({finding.suppressed})" if finding.suppressed else finding.severity.value
        lines.append(one_line(f"{location(finding)}: {state} {finding.rule} {finding.message}{where}"))
        rule = registry.get(finding.rule)
        if rule and not finding.suppressed:
            lines.append(f"    fix: {rule.fix_hint}")
    lines.append(summary_line(findings))
    return "\n".join(lines) + "\n"


def summary_line(findings: Sequence[Finding]) -> str:
    """'N errors, N warnings, N info, N suppressed' for the unsuppressed/suppressed findings."""
    counts = Counter("suppressed" if finding.suppressed else finding.severity.value for finding in findings)
    return (
        f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info, "
        f"{counts['suppressed']} suppressed"
    )
