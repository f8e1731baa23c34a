"""Record the label as an S3 object tag, merged into the object's existing tag set."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from batch_sentiment.failures import call_aws, permanent
from batch_sentiment.reader import Target

MAX_TAGS = 10  # S3's limit of tags per object


def merged_tags(existing: Sequence[Mapping[str, str]], key: str, value: str) -> list[dict[str, str]]:
    """`existing` with `key` set to `value`: replaced in place, or appended if there is room."""
    tags = [{"Key": tag["Key"], "Value": tag["Value"]} for tag in existing]
    for tag in tags:
        if tag["Key"] == key:
            tag["Value"] = value
            return tags
    if len(tags) >= MAX_TAGS:
        raise permanent(f"cannot add tag {key!r}: the object already has {len(tags)} tags (S3 allows "
                        f"{MAX_TAGS}); remove one or choose a TagKey the object already has")
    return [*tags, {"Key": key, "Value": value}]


def tag_object(s3: Any, target: Target, tag_key: str, value: str) -> None:
    """GetObjectTagging + PutObjectTagging on the same version, keeping every other tag.

    S3 has no conditional tagging write: a tag written by someone else between the two calls is lost.
    """
    versioned = "Version" if target.version_id else ""
    current = call_aws(s3.get_object_tagging, f"GetObjectTagging {target}",
                       f"s3:GetObject{versioned}Tagging", **target.request)["TagSet"]
    tags = merged_tags(current, tag_key, value)
    if tags == current:
        return  # already labelled: no write, no new version of the tag set
    call_aws(s3.put_object_tagging, f"PutObjectTagging {target}", f"s3:PutObject{versioned}Tagging",
             **target.request, Tagging={"TagSet": tags})
