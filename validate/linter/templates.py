"""Policy templates (templatefile() files, .json.tpl, .tftpl) read with their variables as unknowns: the call's
literal string values filled in, every other `${...}` kept as an unknown value, as in Terraform code; a template
that cannot become JSON that way is S3B116 naming the variables it needs, never S3B000 (docs/linter.md, Templates).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from s3batch_core.terraform.text import quote_bare_interpolations

_SIMPLE = re.compile(r"\$\{\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\}")
_EXPRESSION = re.compile(r"[$%]\{~?([^}]*?)~?\}")
_IDENTIFIER = re.compile(r"(?<![.\w\"])([A-Za-z_][A-Za-z0-9_-]*)\b(?!\s*\()")
_LOOP_NAMES = re.compile(r"\bfor\s+([A-Za-z_]\w*)(?:\s*,\s*([A-Za-z_]\w*))?\s+in\b")
_KEYWORDS = frozenset({"for", "in", "endfor", "if", "else", "endif", "true", "false", "null"})
_DIRECTIVE = re.compile(r"(?<!%)%\{")


@dataclass(frozen=True)
class TemplateRead:
    """The template's document, or why it cannot be read and which variables had no value."""

    document: object
    error: str | None = None
    missing: tuple[str, ...] = ()


def read_template(text: str, variables: Mapping[str, object], what: str) -> TemplateRead:
    """Fill in the literal string variables, keep the others as ${...}, and parse the JSON."""
    def literal(name: str) -> str | None:
        value = variables.get(name)
        return value if isinstance(value, str) and "${" not in value and '"' not in value else None

    def fill(match: re.Match[str]) -> str:
        return literal(match.group(1)) or match.group(0)

    filled = _SIMPLE.sub(fill, text.replace("$${", "\0"))
    missing = tuple(n for n in _variable_names(filled) if literal(n) is None)
    if _DIRECTIVE.search(filled):
        return TemplateRead(None, f"{what} uses template directives (%{{...}}), which the linter does not evaluate", missing)
    try:
        document = json.loads(quote_bare_interpolations(filled).replace("\0", "${"))
    except json.JSONDecodeError as exc:
        return TemplateRead(None, f"{what} is not JSON without the values of its variables ({exc.msg} at line {exc.lineno})", missing)
    if not isinstance(document, dict):
        return TemplateRead(None, f"{what} is not a JSON object", missing)
    return TemplateRead(document)


def _variable_names(text: str) -> list[str]:
    """The template variables the ${...} and %{...} expressions use (loop variables and functions left out)."""
    expressions = _EXPRESSION.findall(text)
    bound = {name for e in expressions for pair in _LOOP_NAMES.findall(e) for name in pair if name}
    names = (n for e in expressions for n in _IDENTIFIER.findall(e))
    return list(dict.fromkeys(n for n in names if n not in _KEYWORDS and n not in bound))
