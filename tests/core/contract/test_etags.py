"""ETags quoted or bare (manifest_rules), one table run against both sides: the job tooling pins and compares
the bare value, the emulator's manifest reader normalises it (and refuses what is no S3 ETag)."""

from __future__ import annotations

import pytest

from s3batch.emulator.engine.failures import JobFailure
from s3batch.emulator.engine.manifest import normalise_etag as emulator_etag
from s3batch_core.contract.manifest_rules import normalise_etag, strip_etag

CASES = [
    ('"60e460c9d1046e73f7dde5043ac3ae85"', "60e460c9d1046e73f7dde5043ac3ae85"),
    ("60E460C9D1046E73F7DDE5043AC3AE85", "60e460c9d1046e73f7dde5043ac3ae85"),
    (' "60e460c9d1046e73f7dde5043ac3ae85-3" ', "60e460c9d1046e73f7dde5043ac3ae85-3"),
]


@pytest.mark.parametrize(("given", "bare"), CASES)
def test_quoted_or_bare_is_one_etag_on_every_side(given: str, bare: str) -> None:
    assert strip_etag(given).lower() == bare
    assert normalise_etag(given) == bare
    assert emulator_etag(given) == bare


def test_no_etag_at_all() -> None:
    assert normalise_etag("not-an-etag") is None
    with pytest.raises(JobFailure, match="ETag format is invalid"):  # the emulator fails the job, as AWS does
        emulator_etag("not-an-etag")
    assert strip_etag('"abc"') == strip_etag("abc") == "abc"
