"""Lint time against input size: `s3batch lint` on one file of 100,000 statements and on a 1.1 MB file with one key
repeated 100,000 times (issue 11 measured both quadratic). Linear time shows as seconds growing with the size;
the smaller sizes are there to show the slope.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

STATEMENT_COUNTS = (25_000, 50_000, 100_000)
DUPLICATE_KEY_REPEATS = 100_000


def _statements_file(folder: Path, count: int) -> Path:
    statements = [
        {"Sid": f"Read{i}", "Effect": "Allow", "Action": ["s3:*" if i % 10 == 0 else "s3:GetObject"],
         "Resource": f"arn:aws:s3:::bucket-{i % 97}/p{i}/*"}
        for i in range(count)
    ]
    path = folder / f"statements-{count}.json"
    path.write_text(json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=1), encoding="utf-8")
    return path


def _duplicate_key_file(folder: Path, repeats: int) -> Path:
    """`{"Statement":[{"Effect":0,"Effect":0,...}]}`: ~11 bytes a repeat, so 100,000 repeats are 1.1 MB."""
    path = folder / "duplicate-key.json"
    path.write_text('{"Statement":[{' + '"Effect":0,' * (repeats - 1) + '"Effect":0}]}', encoding="utf-8")
    return path


def _lint_seconds(path: Path) -> tuple[float, int]:
    from validate.linter import lint_paths

    started = time.perf_counter()
    findings = lint_paths([path])
    return round(time.perf_counter() - started, 2), len(findings)


def run() -> dict[str, object]:
    """Seconds to lint each generated file (one run each: the slope, not the noise, is the point)."""
    result: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="s3batch-bench-lint-") as tmp:
        folder = Path(tmp)
        for count in STATEMENT_COUNTS:
            path = _statements_file(folder, count)
            seconds, findings = _lint_seconds(path)
            result[f"statements_{count}_seconds"] = seconds
            result[f"statements_{count}_megabytes"] = round(path.stat().st_size / 1024**2, 1)
            result[f"statements_{count}_findings"] = findings
        path = _duplicate_key_file(folder, DUPLICATE_KEY_REPEATS)
        result["duplicate_key_megabytes"] = round(path.stat().st_size / 1024**2, 2)
        result["duplicate_key_seconds"], _ = _lint_seconds(path)
    return result
