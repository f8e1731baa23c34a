"""`python -m build` makes an sdist and a wheel twine accepts; the wheel has the console script, the package
data and no tests; the metadata has the licence, URLs and lower-bounded dependencies. (build makes the wheel
from the sdist, so these checks of the wheel also show the sdist is complete.)"""

from __future__ import annotations

import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from tests.packaging.conftest import run

pytestmark = pytest.mark.needs_index


def test_twine_accepts_both(dist: tuple[Path, Path]) -> None:
    done = run([sys.executable, "-m", "twine", "check", "--strict", *dist])
    assert done.returncode == 0, done.stdout + done.stderr


def test_wheel_holds_the_kit_its_data_and_no_tests(dist: tuple[Path, Path]) -> None:
    with zipfile.ZipFile(dist[0]) as wheel:
        names = set(wheel.namelist())
        info = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        entry_points = wheel.read(info).decode()
        metadata = Parser().parsestr(wheel.read(info.replace("entry_points.txt", "METADATA")).decode())
    assert "s3batch = s3batch.cli:main" in entry_points
    assert {"s3batch_lambda/package.py", "s3batch_lambda/sentiment/handler.py", "s3batch_lambda/sentiment/requirements.txt",
            "s3batch_lambda/sentiment/batch_sentiment/lexicon.py", "s3batch_terraform/variables.tf",
            "s3batch_terraform/modules/sentiment_lambda/variables.tf",
            "s3batch_terraform/modules/batch_role/policies/trust.json.tftpl", "s3batch/jobs/prices.json"} <= names
    assert not [n for n in names if n.startswith(("tests/", "bench/")) or "/tests/" in n or "__pycache__" in n]
    assert metadata["License-Expression"] == "Apache-2.0" and metadata.get_all("Project-URL")
    requirements = metadata.get_all("Requires-Dist")
    unbounded = [r for r in requirements if "extra ==" not in r and ">=" not in r]
    assert not unbounded, unbounded
