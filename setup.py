"""What pyproject.toml cannot say: two repository folders ship in the wheel under importable names.

`lambda/` (the function's packager and sources; `lambda` is a keyword, so not an importable name) ships as the
package `s3batch_lambda`, and `terraform/` (the sample stack whose defaults `s3batch local deploy` reads) as
`s3batch_terraform`. The folders keep their names in the repository, where Terraform, `make lambda` and readers
use them; the installed kit reads them as package data (s3batch/kit_data.py). Everything else is in pyproject.toml.
"""

from setuptools import find_namespace_packages, find_packages, setup

# package name: (folder, its sub-folders that ship); file patterns are in pyproject.toml's package-data.
DATA_PACKAGES = {
    "s3batch_lambda": ("lambda", ["sentiment", "sentiment.*"]),
    "s3batch_terraform": ("terraform", ["modules", "modules.*"]),
}


def data_packages() -> list[str]:
    """Each shipped folder and its sub-folders as packages (setuptools ships a folder's files only as a package's)."""
    return [
        name
        for package, (folder, keep) in DATA_PACKAGES.items()
        for name in (package, *(f"{package}.{sub}" for sub in find_namespace_packages(where=folder, include=keep)))
    ]


setup(
    packages=[*find_packages(include=["s3batch", "s3batch.*", "s3batch_core", "s3batch_core.*", "validate", "validate.*"]), *data_packages()],
    package_dir={package: folder for package, (folder, _) in DATA_PACKAGES.items()},
)
