"""TagKey user argument: the label becomes an object tag, merged with the existing tag set."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest

from batch_sentiment.tagging import MAX_TAGS, merged_tags

BUCKET = "amzn-s3-demo-bucket"
POSITIVE = b"What a wonderful, happy day. I love it."
NEGATIVE = b"This is a terrible, awful mess. I hate it."
LABEL = {"TagKey": "sentiment"}  # the user argument that tags each object with its label


def tag_set(s3: Any, key: str, version_id: str | None = None) -> dict[str, str]:
    extra = {"VersionId": version_id} if version_id else {}
    return {t["Key"]: t["Value"] for t in s3.get_object_tagging(Bucket=BUCKET, Key=key, **extra)["TagSet"]}


ALMOST_FULL = {f"k{i}": f"v{i}" for i in range(MAX_TAGS - 1)}  # room for one more tag


@pytest.mark.parametrize(("tagging", "body", "expected"), [
    ("owner=data-team&tier=gold", POSITIVE, {"owner": "data-team", "tier": "gold", "sentiment": "POSITIVE"}),
    ("sentiment=POSITIVE&owner=x", NEGATIVE, {"sentiment": "NEGATIVE", "owner": "x"}),
    (urlencode(ALMOST_FULL | {"sentiment": "NEUTRAL"}), POSITIVE, ALMOST_FULL | {"sentiment": "POSITIVE"}),
    (None, b"", {"sentiment": "NEUTRAL"}),
], ids=["added-others-kept", "replaced", "full-set-with-the-key", "empty-object-neutral"])
def test_label_is_merged_into_the_tag_set(s3: Any, run_on, tagging: str | None, body: bytes,
                                          expected: dict[str, str]) -> None:
    record = run_on("in box/a+b.txt", body, tagging=tagging, user_arguments=LABEL)
    assert record["resultCode"] == "Succeeded" and record["result"]["tagged"] is True
    assert tag_set(s3, "in box/a+b.txt") == expected


def test_full_tag_set_is_a_clear_permanent_failure_and_keeps_the_tags(s3: Any, run_on) -> None:
    full = ALMOST_FULL | {"last": "one"}
    record = run_on("a.txt", POSITIVE, tagging=urlencode(full), user_arguments=LABEL)
    assert record["resultCode"] == "PermanentFailure"
    assert "already has 10 tags (S3 allows 10)" in record["resultString"]
    assert tag_set(s3, "a.txt") == full


def test_tags_go_on_the_version_that_was_read(versioned_s3: Any, event_for, invoke_one) -> None:
    old = versioned_s3.put_object(Bucket=BUCKET, Key="r.txt", Body=POSITIVE, Tagging="keep=me")["VersionId"]
    latest = versioned_s3.put_object(Bucket=BUCKET, Key="r.txt", Body=NEGATIVE)["VersionId"]
    invoke_one(event_for("r.txt", version_id=old, user_arguments=LABEL))
    assert tag_set(versioned_s3, "r.txt", old) == {"keep": "me", "sentiment": "POSITIVE"}
    assert tag_set(versioned_s3, "r.txt", latest) == {}


def test_unversioned_task_in_versioned_bucket_tags_the_version_read(versioned_s3: Any, event_for,
                                                                     invoke_one) -> None:
    read = versioned_s3.put_object(Bucket=BUCKET, Key="r.txt", Body=NEGATIVE)["VersionId"]
    invoke_one(event_for("r.txt", user_arguments={"TagKey": "mood"}))
    assert tag_set(versioned_s3, "r.txt", read) == {"mood": "NEGATIVE"}


@pytest.mark.parametrize(("existing", "expected"), [
    ([], [{"Key": "s", "Value": "MIXED"}]),
    ([{"Key": "a", "Value": "1"}], [{"Key": "a", "Value": "1"}, {"Key": "s", "Value": "MIXED"}]),
    ([{"Key": "s", "Value": "OLD"}, {"Key": "b", "Value": "2"}],
     [{"Key": "s", "Value": "MIXED"}, {"Key": "b", "Value": "2"}]),
])
def test_merged_tags(existing: list[dict[str, str]], expected: list[dict[str, str]]) -> None:
    assert merged_tags(existing, "s", "MIXED") == expected
