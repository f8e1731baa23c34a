"""`make bench` runner: sections merge into build/bench.json; a filtered run keeps the other sections."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest

import bench.__main__ as runner


@pytest.fixture
def fake_benchmarks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name, value in (("alpha", 1), ("beta", 2)):
        module = types.ModuleType(f"bench.bench_{name}")
        module.run = lambda value=value: {"value": value}  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, f"bench.bench_{name}", module)
    monkeypatch.setattr(runner, "discover", lambda: ["bench.bench_alpha", "bench.bench_beta"])
    out = tmp_path / "bench.json"
    monkeypatch.setattr(runner, "OUT", out)
    return out


def test_full_run_writes_every_section(fake_benchmarks: Path) -> None:
    assert runner.main([]) == 0
    document = json.loads(fake_benchmarks.read_text())
    assert document["alpha"]["value"] == 1 and document["beta"]["value"] == 2
    assert document["machine"]["cpus"] >= 1


def test_filtered_run_keeps_other_sections(fake_benchmarks: Path) -> None:
    fake_benchmarks.write_text(json.dumps({"alpha": {"value": 0}, "beta": {"value": 0}}))
    assert runner.main(["beta"]) == 0
    document = json.loads(fake_benchmarks.read_text())
    assert document["alpha"] == {"value": 0}
    assert document["beta"]["value"] == 2


def test_unknown_filter_fails(fake_benchmarks: Path) -> None:
    assert runner.main(["gamma"]) == 1
    assert not fake_benchmarks.exists()
