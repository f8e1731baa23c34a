"""Errors that end a command with a one-line message and a documented exit code."""

from __future__ import annotations


class S3BatchError(Exception):
    """A problem the user can fix; the message is printed as one line, never with a traceback."""

    exit_code: int = 2

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(S3BatchError):
    """Bad flags or arguments: exit 2, argparse's own code for them, in every command (docs/jobs.md, docs/linter.md)."""

    exit_code = 2


class InputError(S3BatchError):
    """Unreadable or malformed input: a file, an outputs document, a manifest row."""


# Control characters (C0, DEL, C1, Unicode line separators) as escapes: a message quoting user input (a key with a
# newline, a terminal escape sequence in a report or a policy) stays one line and cannot drive the terminal. Every
# line the commands print with user-supplied text goes through one_line.
_CONTROL_ESCAPES = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))} | {
    0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def one_line(message: str) -> str:
    """The message with every control character escaped, so it prints as exactly one line."""
    return message.translate(_CONTROL_ESCAPES)
