"""Machine-readable findings: {"findings": [{"rule", "severity", "message", "file", "line", "resource"}]}."""

from __future__ import annotations

import json
from collections.abc import Sequence

from validate.linter.findings import Finding
from validate.linter.formats.interface import Formatter


class JsonFormatter(Formatter):
    """The documented JSON shape; suppressed findings carry "suppressed": "<reason>"."""

    def format(self, findings: Sequence[Finding]) -> str:
        return json.dumps({"findings": [f.to_dict() for f in findings]}, indent=2) + "\n"
