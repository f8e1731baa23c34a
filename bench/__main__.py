"""`make bench`: run every bench/bench_*.py module and write one JSON document to build/bench.json.

Each module exposes `run() -> dict[str, object]` returning named measurements; the runner prints
them and merges them under the module's name. Benchmarks measure; tests never time anything.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import time
from pathlib import Path

from s3batch_core.files import write_text_atomically

OUT = Path("build/bench.json")


def discover() -> list[str]:
    here = Path(__file__).parent
    return sorted(f"bench.{p.stem}" for p in here.glob("bench_*.py"))


def previous_results() -> dict[str, object]:
    try:
        loaded = json.loads(OUT.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def main(argv: list[str]) -> int:
    selected = [name for name in discover() if not argv or any(a in name for a in argv)]
    if not selected:
        print("bench: no benchmark modules found", file=sys.stderr)
        return 1
    # A filtered run (`python -m bench emulator`) updates its sections and keeps the others.
    results: dict[str, object] = previous_results() if argv else {}
    results["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count()}
    for name in selected:
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        section = importlib.import_module(name).run()
        section["_wall_seconds"] = round(time.perf_counter() - started, 2)
        for key, value in section.items():
            print(f"   {key}: {value}")
        results[name.removeprefix("bench.bench_")] = section
    write_text_atomically(OUT, json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
