"""Read a bounded prefix of one S3 object with a single ranged GET."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from batch_sentiment.failures import from_client_error, from_sdk_error


@dataclass(frozen=True)
class Target:
    """The object a task names: bucket, decoded key, version (None when unversioned)."""

    bucket: str
    key: str
    version_id: str | None

    @property
    def request(self) -> dict[str, str]:
        """Bucket, Key and (when set) VersionId, as GetObject and the tagging calls take them."""
        return {"Bucket": self.bucket, "Key": self.key} | ({"VersionId": self.version_id} if self.version_id else {})

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.key}" + (f" version {self.version_id}" if self.version_id else "")


@dataclass(frozen=True)
class ObjectPrefix:
    """The first bytes of an object, its full size, and the version actually read."""

    data: bytes
    object_size: int
    version_id: str | None

    @property
    def cut(self) -> bool:
        """True when the object continues past `data`."""
        return len(self.data) < self.object_size


def read_prefix(s3: Any, target: Target, max_bytes: int) -> ObjectPrefix:
    """GetObject with `Range: bytes=0-<max_bytes-1>` (and VersionId when given); never reads more."""
    permission = "s3:GetObjectVersion" if target.version_id else "s3:GetObject"
    try:
        response = s3.get_object(**target.request, Range=f"bytes=0-{max_bytes - 1}")
        data = response["Body"].read(max_bytes)
    except ClientError as error:
        if _is_empty_object(error):
            return ObjectPrefix(b"", 0, target.version_id)
        raise from_client_error(error, f"GetObject {target}", permission) from None
    except BotoCoreError as error:
        raise from_sdk_error(error, f"GetObject {target}") from None
    size = _object_size(response.get("ContentRange"), len(data))
    return ObjectPrefix(data, size, response.get("VersionId") or target.version_id)


def _is_empty_object(error: ClientError) -> bool:
    # S3 answers a range starting at 0 with 416 InvalidRange only when the object has no bytes at all.
    details = error.response.get("Error", {})
    return details.get("Code") == "InvalidRange" and str(details.get("ActualObjectSize", "0")) == "0"


def _object_size(content_range: str | None, received: int) -> int:
    # "bytes 0-4999/123456": the total after the slash; absent when S3 sent the whole object.
    _, slash, total = (content_range or "").rpartition("/")
    return int(total) if slash and total.isdigit() else received
