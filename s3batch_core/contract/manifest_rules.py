"""The rules of an `S3BatchOperations_CSV_20180820` manifest (its syntax and each row) and of an S3 Inventory
manifest.json, in one place for both sides: the job tooling's preflight check (`s3batch.jobs.manifest`) and the
emulator's manifest reader (`s3batch.emulator.engine.manifest`).

Each check returns a problem (a phrase, None when the value is fine); each side turns it into its own error
(InputError exit 3 on the job side, a job failure `InvalidManifestContent` in the emulator) with the row number.

Key fields are URL-encoded with `quote_plus(key, safe="/")`, so `unquote_plus` gives the key back exactly.
The key length limit is S3's object key limit: 1,024 bytes of UTF-8 (S3 User Guide, "Naming Amazon S3
objects"), measured on the decoded key; no longer key can name an object. Whether Batch Operations also
caps the encoded field is UNCONFIRMED (docs/jobs.md).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import quote_plus, unquote_plus

from s3batch_core.contract import arns
from s3batch_core.contract.formats import MAX_KEY_BYTES
from s3batch_core.contract.limits import MAX_MANIFEST_LINE_CHARS

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
    return None if arns.is_bucket(bucket) else f"{bucket[:80]!r} is not a bucket name"


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
    if not _VERSION_ID.fullmatch(version):
        return f"version id {version[:80]!r} has characters no S3 version id has"
    return None


def strip_etag(etag: str) -> str:
    """ETags come quoted from S3 (`"abc"`); CreateJob takes the bare value (both forms appear in AWS material)."""
    return (etag or "").strip().strip('"')


def normalise_etag(etag: str) -> str | None:
    """An ETag quoted or bare → bare lower-case hex; None when it is no S3 ETag at all."""
    bare = strip_etag(etag)
    return bare.lower() if _ETAG.fullmatch(bare) else None


# ---- S3 Inventory reports (S3 User Guide, "Inventory manifest"): CSV inventories only for Batch Operations ----
# "Locating your inventory list": S3 Inventory publishes manifest.json and the data files in its destination
# bucket, which manifest.json names in `destinationBucket` (an ARN); `files[].key` are keys in that bucket. Both
# readers take the data files from there (`inventory_data_bucket`). Which bucket Batch Operations reads when a
# manifest.json was copied to another bucket is UNCONFIRMED: the field's documented meaning is followed.

INVENTORY_REQUIRED = ("sourceBucket", "destinationBucket", "fileFormat", "fileSchema", "files")
INVENTORY_FILE_FIELDS = ("key", "size", "MD5checksum")


def inventory_problem(document: object) -> str | None:
    """What makes a parsed inventory manifest.json unusable by a Batch Operations job, or None."""
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
    problem = fields_problem(inventory_fields(document))
    if problem:
        return problem
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


def inventory_fields(document: dict) -> tuple[str, ...]:
    """The data files' columns as a CSV manifest's Fields: Bucket, Key and VersionId by name, the others Ignore."""
    return tuple(name if name in ("Bucket", "Key", "VersionId") else "Ignore" for name in inventory_schema(document))


def inventory_data_bucket(document: dict) -> str:
    """The bucket holding the inventory's data files: its `destinationBucket` (an ARN, or a bare name)."""
    return arns.bucket_name(str(document["destinationBucket"]))


# ---- CSV manifest syntax (S3BatchOperations_CSV_20180820; S3 Inventory's CSV data files alike) ----
# Rows as Python's csv module reads them (quoted fields allowed, strict quoting), each on one line; UTF-8 without
# a byte order mark; no empty lines; no space before the first or after the last field; 2 columns (Bucket,Key) or
# 3 (Bucket,Key,VersionId) on every row unless the job's Fields declare the layout.


def fields_problem(fields: tuple[str, ...]) -> str | None:
    """Why a manifest's Fields (or an inventory's columns as Fields) cannot place the rows' columns, or None: Bucket
    and Key exactly once each, VersionId at most once, every other column Ignore."""
    unknown = [f for f in fields if f not in ("Ignore", "Bucket", "Key", "VersionId")]
    if unknown:
        return f"Manifest Fields has unknown column name(s) {unknown}"
    for name in ("Bucket", "Key", "VersionId"):
        if fields.count(name) > 1 or (name != "VersionId" and name not in fields):
            return (f"Manifest Fields must name {name} {'at most' if name == 'VersionId' else 'exactly'} once, "
                    f"got {list(fields)}")
    return None


@dataclass(frozen=True)
class RowLayout:
    """Where a row's Bucket, Key and VersionId are: from the job's Fields, or inferred from the first row."""

    columns: int
    bucket_at: int = 0
    key_at: int = 1
    version_at: int | None = None
    declared: bool = False

    @classmethod
    def of_fields(cls, fields: tuple[str, ...]) -> RowLayout:
        """The layout Fields declare (`fields_problem` checked them)."""
        version = fields.index("VersionId") if "VersionId" in fields else None
        return cls(len(fields), fields.index("Bucket"), fields.index("Key"), version, declared=True)

    @classmethod
    def of_row(cls, values: list[str]) -> RowLayout:
        """The layout a first row of 2 or 3 columns sets for every later row (`row_problem` checked it)."""
        return cls(len(values), version_at=2 if len(values) == 3 else None)

    @property
    def fields(self) -> tuple[str, ...]:
        """The CreateJob `Fields` of an inferred layout."""
        return ("Bucket", "Key", "VersionId") if self.version_at is not None else ("Bucket", "Key")

    def split(self, values: list[str]) -> tuple[str, str, str | None]:
        """(bucket, key field as written, version id or None) of a row that fits the layout."""
        version = values[self.version_at] if self.version_at is not None else None
        return values[self.bucket_at], values[self.key_at], version


class _Stop(Exception):
    """A problem found in a line before the csv module reads it (byte order mark, not UTF-8); ends `csv_rows`."""


_UNDECODABLE = re.compile("[\udc80-\udcff]")  # bytes no UTF-8 decoder took, kept by errors="surrogateescape"


def csv_rows(data: IO[bytes]) -> Iterator[tuple[list[str], str | None]]:
    """Each row of a CSV manifest as (values, None), streamed from `data` (left open); the last item is
    (values, problem) when the file breaks a syntax rule there: a byte order mark, bytes that are not UTF-8,
    no valid CSV, a field holding a line break. A gzip stream's own errors (OSError, EOFError) pass through."""
    text = io.TextIOWrapper(data, encoding="utf-8", errors="surrogateescape", newline="")  # type: ignore[arg-type]
    try:
        yield from _rows(csv.reader(_checked_lines(text), strict=True))
    finally:
        if not data.closed:
            text.detach()  # closing the wrapper would close the caller's stream


def _rows(reader: Any) -> Iterator[tuple[list[str], str | None]]:
    line = 0
    try:  # around the loop, not each row: the reader's errors end it either way (the consumer's never reach here)
        for values in reader:
            if reader.line_num - line > 1:
                yield values, "a field contains a line break (rows must be one line each)"
                return
            line = reader.line_num
            yield values, None
    except _Stop as stop:
        yield [], str(stop)
    except csv.Error as error:
        yield [], f"not valid CSV ({error})"


def _checked_lines(text: io.TextIOWrapper) -> Iterator[str]:
    """The lines of `text`, stopping at a byte order mark on the first one, at bytes that are not UTF-8, or at a
    line longer than MAX_MANIFEST_LINE_CHARS (read no further: memory stays bounded)."""
    first = True
    while line := text.readline(MAX_MANIFEST_LINE_CHARS + 1):
        if len(line) > MAX_MANIFEST_LINE_CHARS:
            raise _Stop(f"a line longer than {MAX_MANIFEST_LINE_CHARS} characters (the limit for a manifest row)")
        if first and line.startswith("\ufeff"):
            raise _Stop("the manifest starts with a UTF-8 byte order mark (save it as UTF-8 without BOM)")
        if not line.isascii() and _UNDECODABLE.search(line):
            raise _Stop("not valid UTF-8")
        first = False
        yield line


def row_problem(values: list[str], layout: RowLayout | None) -> str | None:
    """Why a parsed row is no manifest row, or None. `layout` None: the first row, which sets it (`RowLayout.of_row`).
    Both readers ask this; the job tooling's preflight also asks `field_problem` (stricter than the job)."""
    if not values or values == [""]:
        return "empty line (remove empty lines from the manifest)"
    if layout is None or len(values) != layout.columns:  # the first row, or one that does not fit
        problem = columns_problem(len(values), layout)
        if problem:
            return problem
        layout = RowLayout.of_row(values)
    if values[0][:1].isspace() or values[-1][-1:].isspace():
        return "leading or trailing whitespace"
    return key_problem(values[layout.key_at]) if values[layout.bucket_at] else "empty bucket"


def columns_problem(count: int, layout: RowLayout | None) -> str | None:
    """Why a row of `count` columns does not fit the layout of the rows before it (or the job's Fields), or None."""
    if layout is not None and layout.declared:
        return None if count == layout.columns else f"{count} columns but Fields declares {layout.columns}"
    if count not in (2, 3):
        return f"{count} columns; expected Bucket,Key or Bucket,Key,VersionId"
    if layout is None or count == layout.columns:
        return None
    return f"{count} columns but earlier rows have {layout.columns}: give version ids for all rows or none"


def field_problem(bucket: str, key: str, version: str | None, row: int) -> str | None:
    """What the job tooling refuses before submitting beyond `row_problem`, or None: a bucket that is no bucket name
    (with a hint at a header row on row 1), a key not URL-encoded, an unusable version id. The engine runs such rows
    (each task fails, or the handler gets the field as written)."""
    problem = bucket_problem(bucket)
    if problem:
        return problem + (" (a header row? AWS does not allow one)" if row == 1 else "")
    return encoding_problem(key) or (version_problem(version) if version is not None else None)
