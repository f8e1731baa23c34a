"""Lint throughput on 10,000 generated policies, and the gate's time without checkov on this repository.

Policies are the catalogue's own (every operation, with and without versioning), each made distinct and
half of them given one extra grant, so the rules do real work: trust and permission rules, and the
operation rules (new access, missing access by shape) for every document.
"""

from __future__ import annotations

import copy
import time
from pathlib import Path

POLICIES = 10_000


def _policies() -> list[tuple[str, dict]]:
    from s3batch_core.iam.catalogue import OPERATIONS, build_policy
    from validate.linter.rules._scope import minimal_scope

    bases = [(op, build_policy(minimal_scope(op))) for op in OPERATIONS]
    out = []
    for index in range(POLICIES):
        operation, base = bases[index % len(bases)]
        document = copy.deepcopy(base)
        document["Statement"][0]["Sid"] = f"ReadManifest{index}"
        if index % 2:
            document["Statement"].append({"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": f"arn:aws:s3:::b{index}/*"})
        out.append((operation, document))
    return out


def _cold_gate() -> dict[str, float]:
    """One `s3batch check --skip-checkov` in a fresh process: wall time and the gate's own step time."""
    import json
    import subprocess
    import sys

    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "s3batch", "check", "--skip-checkov", "--format", "json", "--out-dir", "build/bench-check"],
        capture_output=True, text=True, check=False,
    )
    wall = time.perf_counter() - started
    seconds = json.loads(done.stdout)["seconds"]
    return {
        "cold_process_wall_seconds": round(wall, 3),
        "cold_steps_seconds_without_checkov_and_terraform_cli": seconds["without_checkov_and_terraform_cli"],
        "cold_steps_seconds_with_terraform_cli": seconds["total"],
    }


def _gate_seconds() -> float:
    from validate.gate import GateOptions, run_gate

    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        run_gate(GateOptions(checkov=None, terraform=None, out_dir=Path("build/bench-check")))
        best = min(best, time.perf_counter() - started)
    return round(best, 3)


def run() -> dict[str, object]:
    """policies/s for lint_document with an operation; gate seconds without checkov and terraform CLI."""
    from validate.linter import lint_document

    policies = _policies()
    lint_document(policies[0][1], operation=policies[0][0])  # warm the IAM database and caches
    started = time.perf_counter()
    findings = sum(len(lint_document(doc, operation=op)) for op, doc in policies)
    elapsed = time.perf_counter() - started
    result: dict[str, object] = {
        "policies": POLICIES,
        "findings": findings,
        "seconds": round(elapsed, 2),
        "policies_per_second": round(POLICIES / elapsed),
    }
    if Path("terraform").is_dir():
        result["warm_gate_seconds_without_checkov_best_of_3"] = _gate_seconds()
        result.update(_cold_gate())
    return result
