"""SARIF 2.1.0 for code scanning (GitHub and others): one run, every rule described, one result per finding.

Suppressed findings stay in the log with a `suppressions` entry (kind "inSource", the reason as
justification), which is how SARIF viewers show them as dismissed rather than lost.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from validate.linter.findings import Finding, Severity
from validate.linter.registry import default_registry
from validate.linter.rule import Rule

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render_sarif(findings: Sequence[Finding]) -> str:
    return json.dumps(sarif_log(findings), indent=2) + "\n"


def sarif_log(findings: Sequence[Finding], rules: Sequence[dict] | None = None, tool: str = "s3batch-lint") -> dict:
    """The SARIF document as a dict; `rules` (SARIF rule descriptors) default to the linter's rules."""
    descriptors = list(rules) if rules is not None else [_rule(rule) for rule in default_registry().all()]
    index = {rule["id"]: i for i, rule in enumerate(descriptors)}
    driver = {"name": tool, "version": version("s3batch-kit"), "rules": descriptors}
    run = {"tool": {"driver": driver}, "results": [_result(f, index) for f in findings]}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _rule(rule: Rule) -> dict:
    return {
        "id": rule.id,
        "name": type(rule).__name__,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": f"{rule.title}. Fix: {rule.fix_hint}"},
        "help": {"text": rule.fix_hint},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
    }


def _result(finding: Finding, index: dict[str, int]) -> dict:
    physical: dict = {"artifactLocation": {"uri": quote(Path(finding.file).as_posix(), safe="/:")}}
    if finding.line:
        physical["region"] = {"startLine": finding.line}
    result: dict = {
        "ruleId": finding.rule,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": physical}],
    }
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    if finding.resource:
        result["locations"][0]["logicalLocations"] = [{"fullyQualifiedName": finding.resource, "kind": "resource"}]
    if finding.suppressed is not None:
        result["suppressions"] = [{"kind": "inSource", "justification": finding.suppressed}]
    return result
