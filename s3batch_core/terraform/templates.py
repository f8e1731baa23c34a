"""Terraform's templatefile() for policy templates: ${name}, ${jsonencode(name)} and the $${ / %%{ escapes.

The generated policy templates use nothing else; the linter, the static plan and the generator render them here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any


class TemplateError(ValueError):
    """A template that uses more than ${name} and ${jsonencode(name)}, or a variable that was not given."""


_INTERPOLATION = re.compile(r"\$\$\{|%%\{|\$\{([^}]*)\}|%\{")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_JSONENCODE = re.compile(r"^jsonencode\(\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\)$")
TEMPLATE_ESCAPES = {"$${": "${", "%%{": "%{"}  # how a template writes a literal ${ or %{


def jsonencode(value: Any, default: Callable[[Any], Any] | None = None) -> str:
    """Terraform's jsonencode(): compact, non-ASCII as it is, and <, >, &, U+2028 and U+2029 as \\u escapes
    (Terraform's jsonencode documentation). `default` encodes what JSON has no type for (as json.dumps's)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=default)
    return text.translate(_JSON_ESCAPES)


_JSON_ESCAPES = str.maketrans({c: f"\\u{ord(c):04x}" for c in "<>&\u2028\u2029"})


def _variable(variables: Mapping[str, Any], name: str) -> Any:
    if name not in variables:
        raise TemplateError(f"vars map does not contain key {name!r}")
    return variables[name]


def _interpolate(expression: str, variables: Mapping[str, Any]) -> str:
    expression = expression.strip()
    if _IDENTIFIER.match(expression):
        value = _variable(variables, expression)
        if not isinstance(value, str):
            raise TemplateError(f"variable {expression!r} must be a string to be interpolated (use jsonencode)")
        return value
    encoded = _JSONENCODE.match(expression)
    if encoded:
        return jsonencode(_variable(variables, encoded.group(1)))
    raise TemplateError(f"unsupported interpolation ${{{expression}}}: only ${{name}} and ${{jsonencode(name)}}")


def render_text(text: str, variables: Mapping[str, Any]) -> str:
    """Render a template to text: ${name}, ${jsonencode(name)}, and the $${ / %%{ escapes; nothing else."""
    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in TEMPLATE_ESCAPES:
            return TEMPLATE_ESCAPES[token]
        if token == "%{":
            raise TemplateError("template directives (%{...}) are not supported in policy templates")
        return _interpolate(match.group(1), variables)

    return _INTERPOLATION.sub(replace, text)


def render_template(text: str, variables: dict) -> dict:
    """Render a policy template the way Terraform's templatefile() would, and parse the JSON result."""
    rendered = render_text(text, variables)
    try:
        document = json.loads(rendered)
    except json.JSONDecodeError as exc:
        raise TemplateError(f"rendered template is not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise TemplateError("rendered template is not a JSON object")
    return document
