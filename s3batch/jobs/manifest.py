"""Job manifests: write CSV manifests by AWS's rules (`s3batch_core.contract.manifest_rules`, their one home),
check existing ones, upload and pin the ETag.

Rows end with LF. AWS accepts LF; a single line terminator keeps the content hash (and so the manifest key and
the idempotency token) independent of the platform.

Manifests are streamed into a temporary file while their SHA-256 is computed, so a listing of millions of keys
needs memory for one page, not for the listing. The manifest's S3 key is derived from that hash: re-running
writes the same key with the same bytes, and the job's idempotency token stays the same.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from s3batch_core.contract import arns
from s3batch_core.errors import InputError
from s3batch_core.contract.formats import CSV_FORMAT, INVENTORY_FORMAT, NULL_VERSION
from s3batch_core.contract.limits import MAX_INVENTORY_MANIFEST_BYTES, load_json
from s3batch_core.contract.manifest_rules import (
    RowLayout,
    csv_rows,
    decode_key,
    encode_key,
    field_problem,
    inventory_data_bucket,
    inventory_fields,
    inventory_problem,
    key_problem,
    row_problem,
    strip_etag,
)

@dataclass(frozen=True)
class ManifestEntry:
    """One object of a job: the raw (decoded) key; `size` when known (for the cost estimate)."""

    bucket: str
    key: str
    version_id: str | None = None
    size: int | None = None


@dataclass
class ManifestStats:
    """What was learnt while streaming a manifest: row count, hash and object sizes (when known)."""

    rows: int = 0
    sha256: str = ""
    md5: str = ""
    """MD5 of the manifest bytes: the ETag S3 gives a single-part, non-KMS upload (used by --dry-run)."""
    buckets: set[str] = field(default_factory=set)
    sizes: list[int] = field(default_factory=list, repr=False)
    """Sizes kept for the cost estimate; capped at SIZE_SAMPLE entries so memory stays bounded."""
    sample: list[ManifestEntry] = field(default_factory=list, repr=False)
    """The first rows, for preflight's per-object permission checks."""

    SIZE_SAMPLE = 100_000
    ROW_SAMPLE = 10

    def observe(self, entry: ManifestEntry) -> None:
        self.rows += 1
        if len(self.sample) < self.ROW_SAMPLE:
            self.sample.append(entry)
        if len(self.buckets) < 16:  # enough to tell "one bucket" from "several" without growing
            self.buckets.add(entry.bucket)
        if entry.size is not None and len(self.sizes) < self.SIZE_SAMPLE:
            self.sizes.append(entry.size)


@dataclass(frozen=True)
class ManifestLocation:
    """Where an uploaded (or existing) manifest lives, with the ETag CreateJob must carry."""

    bucket: str
    key: str
    etag: str
    format: str = CSV_FORMAT
    fields: tuple[str, ...] = ("Bucket", "Key")
    version_id: str | None = None

    def object_arn(self, partition: str = arns.DEFAULT_PARTITION) -> str:
        """The manifest's object ARN, as JobManifestLocation.ObjectArn wants it."""
        return arns.s3(self.bucket, self.key, partition)

    def to_job_manifest(self, partition: str = arns.DEFAULT_PARTITION) -> dict[str, Any]:
        """The CreateJob `Manifest` member."""
        spec: dict[str, Any] = {"Format": self.format}
        if self.format == CSV_FORMAT:
            spec["Fields"] = list(self.fields)
        return {"Spec": spec, "Location": {"ObjectArn": self.object_arn(partition), "ETag": self.etag}}


def join_prefix(prefix: str, name: str) -> str:
    """`prefix` + `name` with exactly one `/` between them (an empty prefix adds nothing)."""
    if not prefix:
        return name
    return prefix if not name else prefix.rstrip("/") + "/" + name


def manifest_row(entry: ManifestEntry, with_versions: bool) -> str:
    """One CSV row, LF-terminated. With versions, a null version is written as the literal `null`."""
    encoded = encode_key(entry.key)
    problem = key_problem(encoded)
    if problem:
        raise InputError(f"s3://{entry.bucket}/{entry.key[:80]}: {problem}")
    fields = [entry.bucket, encoded]
    if with_versions:
        fields.append(entry.version_id or NULL_VERSION)
    return ",".join(fields) + "\n"


def write_manifest(entries: Iterable[ManifestEntry], out: IO[bytes], *, with_versions: bool = False) -> ManifestStats:
    """Stream entries as CSV rows into `out`, hashing as we go. Encoded fields never need CSV quoting."""
    stats = ManifestStats()
    digest, md5 = hashlib.sha256(), hashlib.md5(usedforsecurity=False)
    for entry in entries:
        data = manifest_row(entry, with_versions).encode("utf-8")
        digest.update(data)
        md5.update(data)
        out.write(data)
        stats.observe(entry)
    if not stats.rows:
        raise InputError("the manifest would be empty: no objects matched")
    stats.sha256, stats.md5 = digest.hexdigest(), md5.hexdigest()
    return stats


def build_manifest_file(
    entries: Iterable[ManifestEntry], *, with_versions: bool = False
) -> tuple[IO[bytes], ManifestStats]:
    """Write the manifest into a temporary file (deleted when closed), rewound for upload."""
    handle = tempfile.TemporaryFile(prefix="s3batch-manifest-")
    try:
        stats = write_manifest(entries, handle, with_versions=with_versions)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle, stats


def manifest_key(manifest_prefix: str, sha256: str, kind: str = "manifest") -> str:
    """Content-addressed key: the same manifest bytes always land at the same key (`kind`: `manifest`, or `retry`
    for the failed tasks of a job)."""
    return join_prefix(manifest_prefix, f"{kind}-{sha256}.csv")


def existing_copy(s3: Any, bucket: str, key: str, md5: str) -> dict[str, Any] | None:
    """HeadObject of bucket/key when it already holds exactly these bytes (ETag = MD5), else None.

    Skipping identical uploads keeps re-runs from piling up object versions in versioned buckets.
    """
    try:
        head = s3.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("403", "404", "AccessDenied", "NoSuchKey", "NotFound"):
            return None  # absent, or we may not look: upload
        raise
    return dict(head) if strip_etag(head["ETag"]) == md5 else None


def upload_manifest(s3: Any | None, body: IO[bytes], stats: ManifestStats, *, bucket: str, prefix: str,
                    with_versions: bool = False, kind: str = "manifest") -> ManifestLocation:
    """PUT the manifest at its content-addressed key (unless the same bytes are already there) and pin the ETag of
    what S3 holds; `s3=None` only plans (--dry-run: the ETag S3 gives a single-part PUT, the bytes' MD5).

    The object version id is kept for information but not sent in CreateJob: the ETag already pins the content,
    and a new version of identical bytes must not change the request (that would break idempotency).
    """
    key = manifest_key(prefix, stats.sha256, kind)
    if s3 is None:
        response: dict[str, Any] = {"ETag": stats.md5}
    else:
        response = (existing_copy(s3, bucket, key, stats.md5) if stats.md5 else None) or _upload(s3, body, bucket, key)
    fields = ("Bucket", "Key", "VersionId") if with_versions else ("Bucket", "Key")
    return ManifestLocation(bucket=bucket, key=key, etag=strip_etag(response["ETag"]), fields=fields,
                            version_id=response.get("VersionId"))


MULTIPART_THRESHOLD = 4 * 1024**3  # one PutObject takes at most 5 GB; bigger manifests (~90 M keys) go multipart


def _upload(s3: Any, body: IO[bytes], bucket: str, key: str, threshold: int = MULTIPART_THRESHOLD) -> dict[str, Any]:
    """Upload the manifest; S3's answer with its ETag (and VersionId when versioned).

    SSE-S3 explicitly: a bucket whose default is SSE-KMS would store a KMS-encrypted CSV manifest, which S3 Batch
    Operations cannot read (only inventory reports may be KMS-encrypted; reference §2.2). Above `threshold` the
    upload is multipart (its ETag is then no MD5: re-runs upload again, which only costs time).
    """
    extra = {"ContentType": "text/csv", "ServerSideEncryption": "AES256"}
    size = body.seek(0, io.SEEK_END)
    body.seek(0)
    if size <= threshold:
        return dict(s3.put_object(Bucket=bucket, Key=key, Body=body, **extra))
    s3.upload_fileobj(body, bucket, key, ExtraArgs=extra,
                      Config=TransferConfig(multipart_threshold=threshold, multipart_chunksize=max(threshold // 8, 8 * 1024**2)))
    return dict(s3.head_object(Bucket=bucket, Key=key))


# --- sources of entries -----------------------------------------------------------------------------------------


def folder_files(folder: Path, pattern: str = "*") -> list[Path]:
    """Regular files under `folder` matching `pattern` (recursively), sorted so the manifest is deterministic."""
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder")
    files = sorted(p for p in folder.rglob(pattern) if p.is_file() and not p.is_symlink())
    if not files:
        raise InputError(f"{folder}: no files match {pattern!r}")
    return files


def upload_folder(
    s3: Any | None, folder: Path, *, bucket: str, prefix: str, pattern: str = "*", content: Any = None
) -> Iterator[ManifestEntry]:
    """Upload each file under `prefix` (keeping its relative path) and yield its entry; `s3=None` only plans.

    `content` (a hashlib object) is fed each key and the MD5 of its bytes: the manifest lists keys only, so this
    is what tells a re-run with edited files from a plain re-run (the job's identity, see submit.build_create_job_request).
    """
    for path in folder_files(folder, pattern):
        key = join_prefix(prefix, path.relative_to(folder).as_posix())
        with path.open("rb") as body:
            md5 = hashlib.file_digest(body, lambda: hashlib.md5(usedforsecurity=False)).hexdigest()
            if s3 is not None and existing_copy(s3, bucket, key, md5) is None:
                body.seek(0)
                s3.put_object(Bucket=bucket, Key=key, Body=body)
        if content is not None:
            content.update(f"{key}\0{md5}\n".encode())
        yield ManifestEntry(bucket=bucket, key=key, size=path.stat().st_size)


def list_bucket(s3: Any, bucket: str, prefix: str = "", *, versions: bool = False) -> Iterator[ManifestEntry]:
    """Every object under bucket/prefix, page by page (ListObjectsV2, or ListObjectVersions for version ids)."""
    listing, member = ("list_object_versions", "Versions") if versions else ("list_objects_v2", "Contents")
    for page in s3.get_paginator(listing).paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get(member, ()):
            version = (item.get("VersionId") or NULL_VERSION) if versions else None
            yield ManifestEntry(bucket, item["Key"], version, item.get("Size"))


# --- checking existing manifests --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvManifestInfo:
    """What a valid existing CSV manifest holds."""

    rows: int
    columns: int
    fields: tuple[str, ...]
    first_rows: tuple[ManifestEntry, ...]


def check_csv_manifest(data: IO[bytes], source: str, *, sample: int = 10) -> CsvManifestInfo:
    """Check an existing CSV manifest, streamed, by the engine's row rules (`manifest_rules.row_problem`) and the
    stricter `field_problem`; raise InputError naming the row on the first problem."""
    layout: RowLayout | None = None
    rows = 0
    first: list[ManifestEntry] = []
    for rows, (values, problem) in enumerate(csv_rows(data), start=1):
        _refuse(source, rows, problem or row_problem(values, layout))
        layout = layout or RowLayout.of_row(values)
        bucket, key, version = layout.split(values)
        _refuse(source, rows, field_problem(bucket, key, version, rows))
        if len(first) < sample:
            first.append(ManifestEntry(bucket, decode_key(key), version))
    if not layout:
        raise InputError(f"{source}: the manifest is empty")
    return CsvManifestInfo(rows=rows, columns=layout.columns, fields=layout.fields, first_rows=tuple(first))


def _refuse(source: str, row: int, problem: str | None) -> None:
    if problem:
        raise InputError(f"{source}: row {row}: {problem}")


def check_inventory_manifest(document: bytes, source: str) -> dict[str, Any]:
    """Check an S3 Inventory manifest.json by the one rule (manifest_rules.inventory_problem); return it parsed."""
    doc = load_json(document, source, max_bytes=MAX_INVENTORY_MANIFEST_BYTES)
    problem = inventory_problem(doc)
    if problem:
        raise InputError(f"{source}: {problem}")
    return doc


def check_inventory_rows(s3: Any, document: dict[str, Any]) -> CsvManifestInfo:
    """The rows of an inventory's data files (streamed through gzip), checked and counted by the engine's rules."""
    bucket, layout = inventory_data_bucket(document), RowLayout.of_fields(inventory_fields(document))
    rows = 0
    for item in document["files"]:
        where = f"s3://{bucket}/{item['key']}"
        try:
            with gzip.GzipFile(fileobj=s3.get_object(Bucket=bucket, Key=item["key"])["Body"]) as data:
                for values, problem in csv_rows(data):  # rows counted across files, as the engine numbers them
                    _refuse(where, rows + 1, problem or row_problem(values, layout))
                    rows += 1
        except (OSError, EOFError) as exc:
            raise InputError(f"{where}: not a readable gzip file ({exc})") from None
    return CsvManifestInfo(rows=rows, columns=layout.columns, fields=layout.fields, first_rows=())


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """`s3://bucket/key` -> (bucket, key)."""
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    if not uri.startswith("s3://") or not bucket or not key:
        raise InputError(f"{uri!r}: expected s3://BUCKET/KEY")
    return bucket, key


def existing_manifest(s3: Any, uri: str, *, inventory: bool = False) -> tuple[ManifestLocation, CsvManifestInfo]:
    """Check a manifest already in S3 (an inventory's data files too) and pin its current ETag (read with If-Match
    so both are one version)."""
    bucket, key = parse_s3_uri(uri)
    head = s3.head_object(Bucket=bucket, Key=key)
    etag = strip_etag(head["ETag"])
    body = s3.get_object(Bucket=bucket, Key=key, IfMatch=head["ETag"])["Body"]
    if inventory:
        document = check_inventory_manifest(body.read(), uri)
        location = ManifestLocation(bucket, key, etag, format=INVENTORY_FORMAT, fields=(), version_id=head.get("VersionId"))
        return location, check_inventory_rows(s3, document)
    info = check_csv_manifest(body, uri)
    return ManifestLocation(bucket, key, etag, fields=info.fields, version_id=head.get("VersionId")), info


def read_local_manifest(path: Path) -> tuple[IO[bytes], ManifestStats, CsvManifestInfo]:
    """Check a local CSV manifest; return it opened for upload with its hash (its key derives from it)."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the manifest ({exc.strerror})") from None
    try:
        info = check_csv_manifest(handle, str(path))
        handle.seek(0)
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
        handle.seek(0)
        md5 = hashlib.file_digest(handle, lambda: hashlib.md5(usedforsecurity=False)).hexdigest()
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    stats = ManifestStats(rows=info.rows, sha256=digest, md5=md5, sample=list(info.first_rows))
    return handle, stats, info
