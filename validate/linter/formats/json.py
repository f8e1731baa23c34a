"""Machine-readable findings: {"findings": [{"rule", "severity", "message", "file", "line", "resource"}]}."""

from __future__ import annotations

import json
from collections.abc import Sequence

from validate.linter.findings import Finding


def render_json(findings: Sequence[Finding]) -> str:
    """The documented JSON shape; suppressed findings carry "suppressed": "<reason>"."""
    return json.dumps({"findings": [f.to_dict() for f in findings]}, indent=2) + "\n"
