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
    """Bad flags or arguments."""


class InputError(S3BatchError):
    """Unreadable or malformed input: a file, an outputs document, a manifest row."""
