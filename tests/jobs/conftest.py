"""Fixtures of the job tooling's tests: `s3`, moto's S3 client, the one tests/core/contract's tables use."""

from tests.core.contract.conftest import s3  # noqa: F401 - the fixture, shared
