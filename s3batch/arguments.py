"""Command-line argument shapes shared by the job and emulator commands."""

from __future__ import annotations

from s3batch_core.errors import UsageError


def parse_pairs(values: list[str] | None, flag: str) -> tuple[tuple[str, str], ...]:
    """`K=V` flag values -> pairs; one clear error for a value without `=`."""
    pairs = []
    for value in values or ():
        key, sep, val = value.partition("=")
        if not sep or not key:
            raise UsageError(f"{flag} {value!r}: expected KEY=VALUE")
        pairs.append((key, val))
    return tuple(pairs)
