"""Terraform values as text: the "${...}" interpolations python-hcl2's dict form keeps, and heredocs.

python-hcl2 serialises an expression it does not evaluate as a "${...}" string, a heredoc as "<<EOT\n...\nEOT".
The readers that work on that dict form (the linter's policy extraction, the provider-schema check) find,
replace and unquote those pieces here. The writers of Terraform (generated tests, `s3batch policy --format
terraform`) write values as HCL literals here, laid out as `terraform fmt` leaves them.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable


def strip_interpolation(value: str) -> str | None:
    """The expression inside a string that is exactly one "${...}", else None."""
    if not value.startswith("${") or matching(value, 1, "{", "}") != len(value) - 1:
        return None  # not one "${" whose brace closes at the end
    return value[2:-1].strip()


def matching(text: str, start: int, opening: str, closing: str) -> int:
    """Index of the bracket closing the one at `start`, skipping quoted strings; -1 if none."""
    depth, index, quoted = 0, start, False
    while index < len(text):
        char = text[index]
        if quoted:
            if char == "\\":
                index += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1


def interpolations(text: str) -> list[str]:
    """Every top-level "${...}" in a python-hcl2 string value (an unclosed one is left out)."""
    found: list[str] = []
    index = text.find("${")
    while index >= 0:
        end = matching(text, index + 1, "{", "}")
        if end < 0:
            break
        found.append(text[index : end + 1])
        index = text.find("${", end + 1)
    return found


def replace_interpolations(text: str, fill: Callable[[str], str], literal: Callable[[str], str] = str) -> str:
    """The text with each "${...}" replaced by fill("${...}") (an unclosed one runs to the end of the text) and
    every other character by literal(char)."""
    out: list[str] = []
    index = 0
    while index < len(text):
        if text.startswith("${", index):
            end = matching(text, index + 1, "{", "}")
            end = len(text) - 1 if end < 0 else end
            out.append(fill(text[index : end + 1]))
            index = end + 1
        else:
            out.append(literal(text[index]))
            index += 1
    return "".join(out)


_EFFECT_KEY = re.compile(r'"Effect"\s*:')


def effect_lines(text: str) -> tuple[int, ...]:
    """The 1-based line of every `"Effect":` key in a JSON policy's text (one per statement), counting newlines once
    from match to match (linear in the text)."""
    lines: list[int] = []
    line, position = 1, 0
    for match in _EFFECT_KEY.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        lines.append(line)
    return tuple(lines)


def heredoc_body(value: str) -> str:
    """The text of a heredoc as python-hcl2 returns it ("<<-EOT\\n...\\nEOT"), dedented for <<-."""
    lines = value.splitlines()
    body = "\n".join(lines[1:-1]) if len(lines) >= 2 else ""
    return textwrap.dedent(body) if value.startswith("<<-") else body


def quote_bare_interpolations(text: str) -> str:
    """Wrap ${...} found outside JSON strings in quotes, so JSON with Terraform interpolations parses."""
    out: list[str] = []
    index, quoted = 0, False
    while index < len(text):
        char = text[index]
        if quoted:
            out.append(char)
            if char == "\\" and index + 1 < len(text):
                out.append(text[index + 1])
                index += 1
            elif char == '"':
                quoted = False
        elif text.startswith("${", index):
            end = matching(text, index + 1, "{", "}")
            end = len(text) - 1 if end < 0 else end
            out.append(json.dumps(text[index : end + 1]))
            index = end
        else:
            out.append(char)
            quoted = char == '"'
        index += 1
    return "".join(out)


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class Raw(str):
    """An expression written as it is (not quoted)."""


def hcl_value(value: object, indent: int) -> str:
    """A value as an HCL literal, laid out as `terraform fmt` leaves it (objects one attribute per line)."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return json.dumps(value).replace("${", "$${").replace("%{", "%%{")
    if isinstance(value, list):
        items = [hcl_value(item, indent + 2) for item in value]
        if not any("\n" in item for item in items):
            return "[" + ", ".join(items) + "]"
        return "[\n" + "".join(f"{' ' * (indent + 2)}{item},\n" for item in items) + " " * indent + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{\n" + hcl_attributes(value, indent + 2) + " " * indent + "}"
    raise TypeError(f"no HCL literal for {type(value).__name__}")


def hcl_attributes(values: dict[str, object], indent: int) -> str:
    """`key = value` lines; consecutive one-line values aligned on '=' (a multi-line value ends a group)."""
    lines: list[str] = []
    group: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(key) for key, _ in group), default=0)
        lines.extend(f"{' ' * indent}{key.ljust(width)} = {text}" for key, text in group)
        group.clear()

    for key, value in values.items():
        name = key if _IDENTIFIER.match(key) else json.dumps(key)
        text = hcl_value(value, indent)
        if "\n" in text:
            flush()
        group.append((name, text))
        if "\n" in text:
            flush()
    flush()
    return "".join(line + "\n" for line in lines)


def hcl_block(header: str, body: str, indent: int) -> str:
    """`header { body }` at this indent (body: lines already indented)."""
    pad = " " * indent
    return f"{pad}{header} {{\n{body}{pad}}}\n"
