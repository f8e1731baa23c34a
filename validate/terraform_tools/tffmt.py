"""Check the layout `terraform fmt` enforces, where no terraform binary is available.

The rules are those of hclwrite's formatter (hashicorp/hcl, hclwrite/format.go): a line that opens more
brackets than it closes indents the following lines by two spaces (one level, however many it opened),
a line that closes them returns to the level before, and the `=` of consecutive one-line arguments is
aligned one space after the longest name. A line whose value opens a bracket it does not close
(`tags = {`), a comment line, a blank line or a nested block ends an alignment group.
"""

from __future__ import annotations

import re

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_ASSIGN = re.compile(r"^(\s*)([A-Za-z0-9_\-]+|\"[^\"]*\"|\([^()]*\))(\s*)=(?!=)(\s*)(.*)$")
_OPENING, _CLOSING = "{[(", "}])"


def _code(line: str) -> str:
    """The line without string contents and trailing comments (for bracket counting)."""
    code = _STRING.sub('""', line)
    for marker in ("#", "//"):
        position = code.find(marker)
        if position >= 0:
            code = code[:position]
    return code


def problems(text: str, source: str = "<text>") -> list[str]:
    """One message per line that `terraform fmt` would change."""
    found: list[str] = []
    levels: list[int] = []  # brackets opened by each line that indented
    chain: list[tuple[int, int, int]] = []  # (line number, name width, column of "=")

    def close_chain() -> None:
        if chain:
            wanted = max(width for _, width, _ in chain) + 1
            found.extend(f"{source}:{number}: '=' at column {column + 1}, terraform fmt puts it at {wanted + 1}"
                         for number, _, column in chain if column != wanted)
            chain.clear()

    for number, line in enumerate(text.splitlines(), start=1):
        if line != line.rstrip():
            found.append(f"{source}:{number}: trailing whitespace")
        stripped = line.strip()
        code = _code(line).strip()
        net = sum(code.count(c) for c in _OPENING) - sum(code.count(c) for c in _CLOSING)
        if net < 0:
            _close(levels, -net)
        indent = 2 * len(levels)
        if stripped and (not line.startswith(" " * indent) or line[indent:indent + 1] == " "):
            found.append(f"{source}:{number}: indent {len(line) - len(line.lstrip())}, terraform fmt uses {indent}")
        if net > 0:
            levels.append(net)
        match = _ASSIGN.match(_STRING.sub(lambda m: "\"" + "x" * (len(m.group(0)) - 2) + "\"", line))
        if match and not stripped.startswith(("#", "//")) and net == 0:
            if match.group(4) != " " and match.group(5):
                found.append(f"{source}:{number}: one space after '=' expected")
            chain.append((number, len(match.group(1)) + len(match.group(2)), len(match.group(1) + match.group(2) + match.group(3))))
        else:
            close_chain()
            if match and not stripped.startswith(("#", "//")) and match.group(3) != " ":
                found.append(f"{source}:{number}: one space before '=' expected")
    close_chain()
    return found


def _close(levels: list[int], closed: int) -> None:
    """Leave the indent levels `closed` closing brackets end (hclwrite's bookkeeping)."""
    while closed > 0 and levels:
        if closed >= levels[-1]:
            closed -= levels.pop()
        else:
            levels[-1] -= closed
            closed = 0

