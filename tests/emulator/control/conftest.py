"""Control-plane fixtures: a stack whose engine is scripted (fake_engine.py), reset before each test."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fake_engine import FakeEngine  # noqa: E402

from s3batch.emulator.server import RunningStack, start_stack  # noqa: E402


@pytest.fixture(scope="session")
def fake_engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture(scope="session")
def control_stack(fake_engine: FakeEngine) -> Iterator[RunningStack]:
    stack = start_stack(engine=fake_engine, max_active_jobs=1)
    try:
        yield stack
    finally:
        stack.stop()


@pytest.fixture()
def stack(control_stack: RunningStack, fake_engine: FakeEngine, reset_stack: Any) -> RunningStack:
    """The control stack, emptied: no jobs, no moto state, a fresh fake engine log."""
    fake_engine.shutdown()  # release anything a previous test left blocked
    reset_stack(control_stack)
    fake_engine.clear()
    return control_stack


@pytest.fixture()
def s3control(stack: RunningStack, s3control_client: Any) -> Any:
    return s3control_client(stack)
