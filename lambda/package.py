"""Build the sentiment Lambda's deployment package, byte for byte reproducible.

    python lambda/package.py --output build/lambda/sentiment.zip

The zip root holds handler.py, the batch_sentiment package and the dependencies pinned in
sentiment/requirements.txt (installed with pip --no-deps --target). Entries are sorted, dated
1980-01-01 and mode 0644, with no __pycache__, so the same sources always give the same bytes and
Terraform's source_code_hash only changes when the code does. Prints that hash (base64 SHA-256).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO

from s3batch_core.files import atomic_file

FUNCTION_DIR = Path(__file__).resolve().parent / "sentiment"
SOURCES = ("handler.py", "batch_sentiment")
REQUIREMENTS = FUNCTION_DIR / "requirements.txt"
FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can hold
FILE_MODE = 0o644
SKIPPED_PARTS = {"__pycache__"}
SKIPPED_SUFFIXES = {".pyc", ".pyo"}


def build(output: Path, pip_args: list[str] | None = None) -> str:
    """Write the package to `output` (atomically) and return its base64 SHA-256."""
    with tempfile.TemporaryDirectory(prefix="sentiment-package-") as tmp:
        vendor = Path(tmp) / "vendor"
        install_requirements(vendor, pip_args or [])
        entries = {**collect(vendor), **collect(FUNCTION_DIR, *SOURCES)}
        with atomic_file(output) as handle:
            write_zip(handle, entries)
    return source_code_hash(output)


def install_requirements(target: Path, pip_args: list[str]) -> None:
    """pip install the pinned wheels (no dependencies, no bytecode) into `target`."""
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "--no-deps", "--no-compile", "--only-binary=:all:", "--target", str(target),
               "-r", str(REQUIREMENTS), *pip_args]
    subprocess.run(command, check=True)


def collect(root: Path, *relatives: str) -> dict[str, Path]:
    """Archive name -> file for every file under root (or under, or at, each of root/relatives), minus bytecode."""
    starts = [root / relative for relative in relatives] or [root]
    files = [p for start in starts for p in ([start] if start.is_file() else start.rglob("*")) if p.is_file()]
    return {
        path.relative_to(root).as_posix(): path
        for path in files
        if not SKIPPED_PARTS.intersection(path.relative_to(root).parts) and path.suffix not in SKIPPED_SUFFIXES
    }


def write_zip(target: Path | BinaryIO, entries: dict[str, Path]) -> None:
    """Deterministic zip: sorted names, fixed date, fixed permissions, deflate level 9."""
    with zipfile.ZipFile(target, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so external_attr holds the mode
            info.external_attr = (0o100000 | FILE_MODE) << 16
            archive.writestr(info, entries[name].read_bytes(), compresslevel=9)


def source_code_hash(path: Path) -> str:
    """Base64 of the SHA-256 of the file, as Lambda's CodeSha256 and Terraform's source_code_hash."""
    return base64.b64encode(hashlib.sha256(path.read_bytes()).digest()).decode("ascii")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=Path("build/lambda/sentiment.zip"),
                        help="zip to write (default: build/lambda/sentiment.zip)")
    parser.add_argument("--pip-arg", action="append", default=[], metavar="ARG",
                        help="extra argument for pip install, e.g. --pip-arg=--find-links=wheels (repeatable)")
    args = parser.parse_args(argv)
    try:
        digest = build(args.output, args.pip_arg)
    except subprocess.CalledProcessError as error:
        print(f"package.py: error: pip install -r {REQUIREMENTS} failed (exit {error.returncode})",
              file=sys.stderr)
        return 1
    with zipfile.ZipFile(args.output) as archive:
        count = len(archive.namelist())
    print(f"wrote {args.output} ({count} files, {args.output.stat().st_size} bytes)")
    print(f"source_code_hash (base64 SHA-256): {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
