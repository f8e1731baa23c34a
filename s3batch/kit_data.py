"""Where the files the kit ships with live, installed or in a checkout: package data, never source-tree paths.

`lambda/` and `terraform/` ship as the packages `s3batch_lambda` and `s3batch_terraform` (setup.py); an editable
install maps them to the repository's folders, a wheel to site-packages. Files that belong to the user (their
Terraform, their function, build/) are found from the working directory or a flag, never here.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from types import ModuleType


def sample_terraform() -> Path:
    """The sample stack's Terraform (terraform/ in the repository): `local deploy` reads its variable defaults."""
    # The kit is installed as plain files (pip and pipx never run it zipped), so the package's files are a directory.
    return Path(str(resources.files("s3batch_terraform")))


def function_packager() -> ModuleType:
    """lambda/package.py, the one packager of the sentiment function (`make lambda`)."""
    from s3batch_lambda import package

    return package
