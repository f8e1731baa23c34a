"""The rules for one row of an `S3BatchOperations_CSV_20180820` manifest, in one place for both sides: the job
tooling's preflight check (`s3batch.jobs.manifest`) and the emulator's manifest reader (`s3batch.emulator.engine.manifest`).

Each check returns a problem (a phrase, None when the value is fine); each side turns it into its own error
(InputError exit 3 on the job side, a job failure `InvalidManifestContent` in the emulator) with the row number.

Key fields are URL-encoded with `quote_plus(key, safe="/")`, so `unquote_plus` gives the key back exactly.
The key length limit is S3's object key limit: 1,024 bytes of UTF-8 (S3 User Guide, "Naming Amazon S3
objects"), measured on the decoded key; no longer key can name an object. Whether Batch Operations also
caps the encoded field is UNCONFIRMED (docs/jobs.md).
"""

from __future__ import annotations

import re
from urllib.parse import quote_plus, unquote_plus

from s3batch_core.contract import arns
from s3batch_core.contract.formats import MAX_KEY_BYTES

_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_ETAG = re.compile(r"^[0-9a-fA-F]{32}(-\d+)?$")
_VERSION_ID = re.compile(r"^[\x21\x23-\x2b\x2d-\x7e]{1,1024}$")  # printable ASCII but space, '"' and ','
_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# Characters that must never appear raw in an encoded key field (they are what quote_plus escapes away),
# non-ASCII included: AWS's troubleshooting page asks for Unicode keys URL-encoded in the manifest.
_RAW_FORBIDDEN = re.compile(r"[\s,\"'<>&\x00-\x1f\x7f-\U0010ffff]")


def encode_key(key: str) -> str:
    """A key as a manifest row (and S3 Inventory) writes it: `quote_plus` keeping `/` (space → `+`, `+` → `%2B`)."""
    return quote_plus(key, safe="/")


def decode_key(field: str) -> str:
    """The real object key of a key field (invalid UTF-8 escapes become U+FFFD; `key_problem` refuses them)."""
    return unquote_plus(field, encoding="utf-8")


def bucket_problem(bucket: str) -> str | None:
    """Why `bucket` is not a bucket name (a manifest names buckets, not ARNs), or None."""
    return None if _BUCKET_NAME.match(bucket) else f"{bucket[:80]!r} is not a bucket name"


def key_problem(field: str) -> str | None:
    """Why a key field can name no object: empty, invalid UTF-8 once decoded, or longer than S3's key limit."""
    if not field:
        return "empty key"
    try:
        key = unquote_plus(field, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return f"key {field[:80]!r} decodes to invalid UTF-8"
    size = len(key.encode("utf-8", errors="surrogatepass"))
    if size > MAX_KEY_BYTES:
        return f"key is {size} bytes (UTF-8, decoded), more than S3's {MAX_KEY_BYTES}-byte limit"
    return None


def encoding_problem(field: str) -> str | None:
    """Why a key field is not URL-encoded (raw spaces, commas, quotes, control or non-ASCII characters), or None."""
    if _RAW_FORBIDDEN.search(field) or _PERCENT.search(field):
        return f"key {field[:80]!r} is not URL-encoded (encode it like quote_plus(key, safe='/'))"
    return None


def version_problem(version: str) -> str | None:
    """Why a version id field is unusable, or None. S3 version ids are printable ASCII without commas, quotes or
    spaces, so a field with any of those is no version id (and would change the rows of a CSV manifest)."""
    if not version:
        return "empty version id; write the literal 'null' for a null version"
    if not _VERSION_ID.match(version):
        return f"version id {version[:80]!r} has characters no S3 version id has"
    return None


def strip_etag(etag: str) -> str:
    """ETags come quoted from S3 (`"abc"`); CreateJob takes the bare value (both forms appear in AWS material)."""
    return (etag or "").strip().strip('"')


def normalise_etag(etag: str) -> str | None:
    """An ETag quoted or bare → bare lower-case hex; None when it is no S3 ETag at all."""
    bare = strip_etag(etag)
    return bare.lower() if _ETAG.match(bare) else None


# ---- S3 Inventory reports (S3 User Guide, "Inventory manifest"): CSV inventories only for Batch Operations ----
# "Locating your inventory list": S3 Inventory publishes manifest.json and the data files in its destination
# bucket, which manifest.json names in `destinationBucket` (an ARN); `files[].key` are keys in that bucket. Both
# readers take the data files from there (`inventory_data_bucket`). Which bucket Batch Operations reads when a
# manifest.json was copied to another bucket is UNCONFIRMED: the field's documented meaning is followed.

INVENTORY_REQUIRED = ("sourceBucket", "destinationBucket", "fileFormat", "fileSchema", "files")
INVENTORY_FILE_FIELDS = ("key", "size", "MD5checksum")


def inventory_problem(document: object) -> str | None:
    """What makes a parsed inventory manifest.json unusable by a Batch Operations job, or None. Both the job
    tooling (before submitting) and the emulator (when preparing the job) ask this."""
    if not isinstance(document, dict):
        return "expected a JSON object (an S3 Inventory manifest.json)"
    for name in INVENTORY_REQUIRED:
        if name not in document:
            return f"inventory manifest has no {name!r} field"
    if bucket_problem(inventory_data_bucket(document)):
        return f"destinationBucket {str(document['destinationBucket'])[:80]!r} names no bucket"
    if str(document["fileFormat"]).upper() != "CSV":
        return f"fileFormat is {document['fileFormat']!r}; S3 Batch Operations reads CSV inventories only"
    if inventory_schema(document)[:2] != ["Bucket", "Key"]:
        return f"fileSchema must start with 'Bucket, Key', got {document['fileSchema']!r}"
    files = document["files"]
    if not isinstance(files, list) or not files:
        return "inventory manifest lists no data files"
    for index, item in enumerate(files):
        if not isinstance(item, dict) or not all(k in item for k in INVENTORY_FILE_FIELDS) \
                or not isinstance(item["key"], str) or not item["key"]:
            return f"files[{index}] needs key, size and MD5checksum"
    return None


def inventory_schema(document: dict) -> list[str]:
    """The column names of the inventory's data files, in order."""
    return [name.strip() for name in str(document.get("fileSchema", "")).split(",")]


def inventory_data_bucket(document: dict) -> str:
    """The bucket holding the inventory's data files: its `destinationBucket` (an ARN, or a bare name)."""
    return arns.bucket_name(str(document["destinationBucket"]))
