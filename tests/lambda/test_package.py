"""`make lambda`'s packager: reproducible bytes, the right contents, importable as Lambda imports it."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGER = REPO / "lambda" / "package.py"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    out = tmp_path_factory.mktemp("package")
    runs = [subprocess.run([sys.executable, str(PACKAGER), "--output", str(out / name)], check=True,
                           capture_output=True, text=True) for name in ("first.zip", "second.zip")]
    return out / "first.zip", out / "second.zip", runs[0].stdout


def test_two_builds_are_byte_identical(built: tuple[Path, Path, str]) -> None:
    first, second, _ = built
    assert first.read_bytes() == second.read_bytes()


def test_prints_the_source_code_hash(built: tuple[Path, Path, str]) -> None:
    first, _, stdout = built
    expected = base64.b64encode(hashlib.sha256(first.read_bytes()).digest()).decode()
    assert f"source_code_hash (base64 SHA-256): {expected}" in stdout


def test_contents_are_sources_and_vendored_vader_only(built: tuple[Path, Path, str]) -> None:
    with zipfile.ZipFile(built[0]) as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert names == sorted(names)
    assert "handler.py" in names
    sources = {p.relative_to(REPO / "lambda" / "sentiment").as_posix()
               for p in (REPO / "lambda" / "sentiment" / "batch_sentiment").glob("*.py")}
    assert sources <= set(names)
    assert {"vaderSentiment/vaderSentiment.py", "vaderSentiment/vader_lexicon.txt"} <= set(names)
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if n.split("/")[0] in {"aws_lambda_powertools", "boto3", "botocore", "requests"}]
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {info.external_attr >> 16 for info in infos} == {0o100644}


def test_handler_imports_from_the_zip_root_with_vendored_vader(built: tuple[Path, Path, str],
                                                               tmp_path: Path) -> None:
    with zipfile.ZipFile(built[0]) as archive:
        archive.extractall(tmp_path)
    probe = (
        "import json, handler, vaderSentiment\n"
        "from batch_sentiment.lexicon import lexicon_backend\n"
        f"text = open({str(REPO / 'files' / 'little-rascals.txt')!r}).read()\n"
        "print(json.dumps({'vader': vaderSentiment.__file__, 'handler': handler.__file__,\n"
        "                  'label': lexicon_backend().analyze(text, 'en').label}))\n"
    )
    # Lambda's import path: the zip root first; powertools/boto3 come from this venv as layer/runtime would.
    run = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env={"PYTHONPATH": str(tmp_path)},
                         capture_output=True, text=True, check=True)
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["vader"].startswith(str(tmp_path)) and seen["handler"].startswith(str(tmp_path))
    assert seen["label"] == "NEGATIVE"
