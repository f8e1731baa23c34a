"""Helpers for the linter tests: lint a document and look at rule ids."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from validate.linter import Finding, lint_document

TF = Path(__file__).parent / "fixtures" / "terraform"
BATCH = "batchoperations.s3.amazonaws.com"


def trust(*statements: dict) -> dict:
    """A trust policy document."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


def batch_statement(**extra: object) -> dict:
    """The AWS-documented batch trust statement, with overrides."""
    return {"Effect": "Allow", "Principal": {"Service": BATCH}, "Action": "sts:AssumeRole", **extra}


def allow(actions: object, resources: object, **extra: object) -> dict:
    """A permission policy with one Allow statement."""
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resources, **extra}]}


@pytest.fixture
def rules_of() -> Callable[..., list[str]]:
    """lint_document(...) reduced to the sorted rule ids of unsuppressed findings."""

    def run(document: object, **kwargs: object) -> list[str]:
        return sorted(f.rule for f in lint_document(document, **kwargs) if not f.suppressed)

    return run


@pytest.fixture
def findings_of() -> Callable[..., list[Finding]]:
    """lint_document(...) as is."""
    return lint_document
