"""LambdaInvoke end to end over HTTP: events, results, function errors, timeouts, crashes, redrives."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from engine_support import Progress, Stack, lambda_op


def rows(stack: Stack, keys: list[str]) -> list[list[str]]:
    """All result rows of a report, parsed (AWS column order)."""
    found = []
    for key, body in stack.report_rows(keys).items():
        if key.endswith(".csv"):
            found += list(csv.reader(io.StringIO(body.decode(), newline="")))
    return sorted(found)


def by_key(stack: Stack, keys: list[str]) -> dict[str, list[str]]:
    return {row[1]: row for row in rows(stack, keys)}


def run_keys(stack: Stack, keys: list[str], function_arn: str | None = None, schema: str = "2.0",
             user_arguments: dict | None = None) -> tuple[object, dict[str, list[str]]]:
    for key in keys:
        stack.put(key)
    lines = "".join(f"{stack.data_bucket},{key.replace(' ', '%20')}\n" for key in keys)
    request = stack.request(lambda_op(function_arn or stack.function(), schema, user_arguments),
                            stack.manifest(lines), stack.role())
    result = stack.run(request)
    return result, by_key(stack, result.report_keys)


def test_success_and_failures_are_reported_like_aws(stack: Stack) -> None:
    result, report = run_keys(stack, ["ok/a", "perm/b", "raise/c"])
    assert (result.succeeded, result.failed) == (1, 2)
    assert report["ok/a"][3:6] == ["succeeded", "200", ""]
    assert report["perm/b"][3:] == ["failed", "200", "PermanentFailure", "cannot process perm/b"]
    assert report["raise/c"][3:] == ["failed", "200", "PermanentFailure",
                                     'Lambda returned function error: {"errorMessage":"bad object raise/c",'
                                     '"errorType":"ValueError"}']
