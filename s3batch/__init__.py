"""s3batch-kit: job tooling and the local S3 Batch Operations emulator."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("s3batch-kit")  # the installed distribution's metadata (pyproject.toml's version)
except PackageNotFoundError:  # imported from a checkout that was never installed (pip install -e .)
    __version__ = "0+unknown"
