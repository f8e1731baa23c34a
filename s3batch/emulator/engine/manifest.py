"""Job manifests: read through S3, checked, spooled to local files and streamed as tasks.

Three sources, one output: a list of local CSV files (plain or gzip) plus the column layout, iterated
row by row (`iter_tasks`) so a 1,000,000-row manifest never sits in memory.

- `S3BatchOperations_CSV_20180820`: the user's CSV (reference §2.2).
- `S3InventoryReport_CSV_20161130`: an inventory `manifest.json` naming gzip CSV data files (§2.3).
- `ManifestGenerator.S3JobManifestGenerator`: we list the source bucket ourselves (§2.5).

Keys stay URL-encoded exactly as the manifest wrote them (AWS passes that field to the Lambda function);
`decode_key` gives the real key for S3 operations. Job-level problems raise `JobFailure` with a reason
naming the row. Failure codes (AWS's own are opaque or UNCONFIRMED; documented in docs/emulator.md):
`InvalidManifestContent` (format, ETag, rows), `ManifestNotFound`, `AccessDenied` (read forbidden).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, NamedTuple

from botocore.exceptions import ClientError

from s3batch.emulator.engine.failures import (
    ACCESS_DENIED,
    INVALID_MANIFEST,
    MANIFEST_GENERATION,
    MANIFEST_NOT_FOUND,
    JobFailure,
)
from s3batch_core.contract import arns
from s3batch_core.contract.arns import bucket_name
from s3batch_core.contract.formats import CSV_FORMAT, GENERATED_FORMAT, INVENTORY_FORMAT
from s3batch_core.contract.manifest_rules import (
    RowLayout,
    csv_rows,
    encode_key,
    fields_problem,
    inventory_data_bucket,
    inventory_fields,
    inventory_problem,
    row_problem,
)
from s3batch_core.contract.manifest_rules import normalise_etag as bare_etag

_CHUNK = 1 << 20
_NOT_FOUND = {"NoSuchKey", "NoSuchBucket", "NoSuchVersion", "404"}
_DENIED = {"AccessDenied", "403", "AllAccessDisabled"}


class Task(NamedTuple):
    """One manifest row: `key` as written (URL-encoded); `version_id` None when the manifest has no versions."""

    row: int
    bucket: str
    key: str
    version_id: str | None


@dataclass(frozen=True)
class ManifestFile:
    """A local spooled copy of one manifest data file."""

    path: Path
    name: str  # what error messages call it, e.g. "s3://bkt/manifest.csv"
    gzipped: bool = False


@dataclass(frozen=True)
class Manifest:
    """A manifest ready to stream: files in order, the column layout, and what the job reads."""

    files: tuple[ManifestFile, ...]
    fields: tuple[str, ...] | None  # None: infer Bucket,Key[,VersionId] from the column count
    format: str  # CSV_FORMAT or INVENTORY_FORMAT (generated manifests use the inventory layout)
    object_arn: str  # the manifest object the job was given (or generated)
    etag: str = ""
    version_id: str | None = None
    generated: bool = False


def split_object_arn(arn: str) -> tuple[str, str]:
    """`arn:aws:s3:::bucket/key` → (bucket, key); a JobFailure for anything else."""
    if not arns.is_s3_object(arn or ""):
        raise JobFailure(INVALID_MANIFEST, f"Manifest ObjectArn {arn!r} is not arn:aws:s3:::bucket/key")
    return arns.s3_object(arn)


def _s3_error(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", "Unknown"))


def download(s3: Any, bucket: str, key: str, dest: Path, version_id: str | None = None,
             expected_etag: str | None = None, refuse_kms: bool = False) -> tuple[str, str]:
    """Stream s3://bucket/key to `dest` in 1 MiB chunks; return (etag, md5 hex of the bytes).

    Failures become the job failures AWS shows for an unreadable manifest. `refuse_kms`: AWS does not
    support SSE-KMS for CSV manifests (only for inventory reports, reference §2.2).
    """
    where = f"s3://{bucket}/{key}" + (f" (version {version_id})" if version_id else "")
    try:
        response = s3.get_object(Bucket=bucket, Key=key, **({"VersionId": version_id} if version_id else {}))
    except ClientError as error:
        code = _s3_error(error)
        if code in _DENIED:
            raise JobFailure(ACCESS_DENIED, f"Reading the manifest is forbidden: AccessDenied ({where})") from None
        if code in _NOT_FOUND:
            raise JobFailure(MANIFEST_NOT_FOUND, f"Reading the manifest failed: {code}: {where} does not exist") from None
        raise JobFailure(INVALID_MANIFEST, f"Reading the manifest failed: {code}: {where}") from None
    etag = response.get("ETag", "").strip('"')
    if refuse_kms and response.get("ServerSideEncryption", "").startswith("aws:kms"):
        response["Body"].close()
        raise JobFailure(INVALID_MANIFEST, f"{where} is SSE-KMS encrypted: only S3 Inventory reports may be; "
                         "store a CSV manifest with SSE-S3 or without encryption")
    if expected_etag is not None and etag != expected_etag:
        response["Body"].close()
        raise JobFailure(INVALID_MANIFEST,
                         f"The manifest ETag {expected_etag} does not match the current ETag {etag} of {where} "
                         "(was the manifest uploaded again?)")
    digest = hashlib.md5()
    with open(dest, "wb") as out:
        for chunk in response["Body"].iter_chunks(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return etag, digest.hexdigest()


def normalise_etag(etag: str) -> str:
    """Location.ETag quoted or bare → bare; a JobFailure when it is not an S3 ETag at all."""
    bare = bare_etag(etag)
    if bare is None:
        raise JobFailure(INVALID_MANIFEST, f"ETag format is invalid: {etag!r}")
    return bare


def load_csv_manifest(s3: Any, spec: dict, location: dict, workdir: Path) -> Manifest:
    """Fetch a CSV manifest (ETag checked, version honoured) into `workdir`."""
    fields = tuple(spec["Fields"]) if spec.get("Fields") else None
    problem = fields_problem(fields) if fields else None
    if problem:
        raise JobFailure(INVALID_MANIFEST, problem)
    path = workdir / "manifest.csv"
    arn, bucket, key, etag, version = _fetch_located(s3, location, path, refuse_kms=True)
    source = ManifestFile(path, f"s3://{bucket}/{key}")
    return Manifest((source,), fields, CSV_FORMAT, arn, etag, version)


def _fetch_located(s3: Any, location: dict, dest: Path, refuse_kms: bool = False) -> tuple[str, str, str, str, str | None]:
    """Download Location.ObjectArn (ETag checked, ObjectVersionId honoured): (arn, bucket, key, etag, version)."""
    arn = location.get("ObjectArn", "")
    bucket, key = split_object_arn(arn)
    expected = normalise_etag(location.get("ETag", ""))
    version = location.get("ObjectVersionId") or None
    etag, _ = download(s3, bucket, key, dest, version, expected, refuse_kms)
    return arn, bucket, key, etag, version


def load_inventory_manifest(s3: Any, location: dict, workdir: Path) -> Manifest:
    """Fetch an S3 Inventory manifest.json and its gzip CSV data files (MD5checksum verified)."""
    doc_path = workdir / "inventory-manifest.json"
    arn, bucket, key, etag, version = _fetch_located(s3, location, doc_path)
    where = f"s3://{bucket}/{key}"
    try:
        doc = json.loads(doc_path.read_text("utf-8"))
    except (ValueError, RecursionError) as error:
        raise JobFailure(INVALID_MANIFEST,
                         f"{where} is not an S3 Inventory manifest.json: {type(error).__name__}: {error}") from None
    problem = inventory_problem(doc)
    if problem:
        raise JobFailure(INVALID_MANIFEST, f"{where}: {problem}")
    files, bucket = [], inventory_data_bucket(doc)
    for index, entry in enumerate(doc["files"]):
        data_key = entry["key"]
        path = workdir / f"inventory-{index}.csv.gz"
        _, md5 = download(s3, bucket, data_key, path)
        wanted = str(entry.get("MD5checksum", "")).lower()
        if wanted and wanted != md5:
            raise JobFailure(INVALID_MANIFEST,
                             f"{where}: files[{index}] s3://{bucket}/{data_key} has MD5 {md5}, manifest says {wanted}")
        files.append(ManifestFile(path, f"s3://{bucket}/{data_key}", gzipped=True))
    return Manifest(tuple(files), inventory_fields(doc), INVENTORY_FORMAT, arn, etag, version)


def iter_tasks(manifest: Manifest) -> Iterator[Task]:
    """Every row of every file, checked by `manifest_rules.row_problem`; row numbers are 1-based and count across
    files, and the first row's layout holds for the whole job (version ids all-or-none)."""
    state = _Rows(RowLayout.of_fields(manifest.fields) if manifest.fields else None)
    for source in manifest.files:
        yield from _iter_file(source, state)


@dataclass
class _Rows:
    """What reading carries from one file to the next: the layout and the rows read so far."""

    layout: RowLayout | None
    row: int = 0


def _open(source: ManifestFile) -> IO[bytes]:
    """The file's bytes (the caller closes it); a file that is no gzip fails the job."""
    raw = gzip.open(source.path, "rb") if source.gzipped else open(source.path, "rb")  # noqa: SIM115
    try:
        raw.peek(1)  # type: ignore[union-attr]
    except (OSError, EOFError) as error:  # not gzip, or cut short: the file's fault, not the engine's
        raw.close()
        raise JobFailure(INVALID_MANIFEST, f"{source.name}: not a readable gzip file ({error})") from None
    return raw


def _iter_file(source: ManifestFile, state: _Rows) -> Iterator[Task]:
    with _open(source) as raw:
        rows = csv_rows(raw)
        while True:
            try:
                values, problem = next(rows)
            except StopIteration:
                return
            except (OSError, EOFError) as error:  # a gzip member that is corrupt or truncated further in
                raise JobFailure(INVALID_MANIFEST, f"{source.name} row {state.row + 1}: {error}") from None
            state.row += 1
            problem = problem or row_problem(values, state.layout)
            if problem:
                raise JobFailure(INVALID_MANIFEST, f"{source.name} row {state.row}: {problem}")
            state.layout = state.layout or RowLayout.of_row(values)
            yield Task(state.row, *state.layout.split(values))


def survey_tasks(manifest: Manifest) -> tuple[int, bool, list[str]]:
    """(number of tasks, whether the manifest carries version ids, the distinct buckets the rows name in order of
    appearance: at most two, enough to tell a one-bucket manifest from the rest), checking every row in one pass."""
    total = 0
    versioned = False
    buckets: list[str] = []
    for total, task in enumerate(iter_tasks(manifest), 1):
        versioned = task.version_id is not None
        if len(buckets) < 2 and task.bucket not in buckets:
            buckets.append(task.bucket)
    return total, versioned, buckets


def new_workdir() -> Path:
    """A private temp directory for one job's spooled files."""
    base = Path(os.environ.get("S3BATCH_LOCAL_WORKDIR") or os.environ.get("TMPDIR", "/tmp"))
    path = base / f"s3batch-job-{uuid.uuid4().hex}"
    path.mkdir(parents=True, mode=0o700)
    return path


# ---------------------------------------------------------------------------------------------------
# ManifestGenerator (S3JobManifestGenerator)

# Encryption filters the local stack can tell (moto's HeadObject does not reveal SSE-C): others are refused, never
# ignored.
_ENCRYPTION = {"SSES3": "AES256", "SSEKMS": "aws:kms", "DSSEKMS": "aws:kms:dsse", "NOTSSE": None}


def _object_filter(spec: dict[str, Any]) -> Any:
    """A predicate over listing entries for the generator's Filter (all given criteria must hold)."""
    refused = [f"MatchAnyObjectEncryption.{kind}" for option in spec.get("MatchAnyObjectEncryption") or []
                for kind in option if kind not in _ENCRYPTION]
    if refused:
        raise JobFailure(MANIFEST_GENERATION, f"The local emulator cannot apply the ManifestGenerator filter(s) {refused}")
    names = spec.get("KeyNameConstraint") or {}
    prefixes, suffixes = names.get("MatchAnyPrefix") or [], names.get("MatchAnySuffix") or []
    substrings = names.get("MatchAnySubstring") or []
    after, before = spec.get("CreatedAfter"), spec.get("CreatedBefore")
    larger, smaller = spec.get("ObjectSizeGreaterThanBytes"), spec.get("ObjectSizeLessThanBytes")
    classes = set(spec.get("MatchAnyStorageClass") or [])

    def keep(entry: dict[str, Any]) -> bool:
        key, size, modified = entry["Key"], entry.get("Size", 0), entry.get("LastModified")
        return ((not prefixes or any(key.startswith(p) for p in prefixes))
                and (not suffixes or any(key.endswith(s) for s in suffixes))
                and (not substrings or any(s in key for s in substrings))
                and (after is None or modified > after) and (before is None or modified < before)
                and (larger is None or size > larger) and (smaller is None or size < smaller)
                and (not classes or entry.get("StorageClass", "STANDARD") in classes))

    return keep


def _head_filter(spec: dict[str, Any]) -> Any:
    """A predicate over HeadObject answers for the replication-status and encryption filters, or None."""
    statuses = set(spec.get("ObjectReplicationStatuses") or [])
    encryptions = spec.get("MatchAnyObjectEncryption") or []
    if not statuses and not encryptions:
        return None

    def encryption_matches(head: dict[str, Any], option: dict[str, Any]) -> bool:
        kind, details = next(iter(option.items()))
        details = details or {}
        if head.get("ServerSideEncryption") != _ENCRYPTION[kind]:
            return False
        key_arn = details.get("KmsKeyArn")
        bucket_key = details.get("BucketKeyEnabled")
        return ((key_arn is None or head.get("SSEKMSKeyId") == key_arn)
                and (bucket_key is None or bool(head.get("BucketKeyEnabled")) == bucket_key))

    def keep(head: dict[str, Any]) -> bool:
        return ((not statuses or head.get("ReplicationStatus", "NONE") in statuses)
                and (not encryptions or any(encryption_matches(head, option) for option in encryptions)))

    return keep


def _listing(s3: Any, bucket: str, prefix: str, versioned: bool,
             every_version: bool = False) -> Iterator[dict[str, Any]]:
    """Current objects of the bucket (latest versions, no delete markers when versioned); with `every_version`
    every version and delete marker (delete markers carry `"DeleteMarker": True`)."""
    if not versioned:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            yield from page.get("Contents", [])
        return
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        yield from (v for v in page.get("Versions", []) if every_version or v.get("IsLatest"))
        if every_version:
            yield from ({**marker, "DeleteMarker": True} for marker in page.get("DeleteMarkers", []))


def _head(s3: Any, bucket: str, entry: dict[str, Any], versioned: bool) -> dict[str, Any]:
    version = {"VersionId": entry["VersionId"]} if versioned and entry.get("VersionId") else {}
    return s3.head_object(Bucket=bucket, Key=entry["Key"], **version)


def _replication_filter(s3: Any, source: str, spec: dict[str, Any]) -> Any:
    """EligibleForReplication true: the versions some replication rule of the source replicates (User Guide, Batch
    Replication: a generated manifest lists "all eligible versions"); None when the filter is not set (false
    filters nothing: UNCONFIRMED)."""
    if not spec.get("EligibleForReplication"):
        return None
    from s3batch.emulator.engine import replication  # imports this module

    keep = replication.eligibility(s3, source)
    if keep is None:
        raise JobFailure(MANIFEST_GENERATION, f"EligibleForReplication: the source bucket {source} has no "
                         "replication configuration")
    return keep


def generate_manifest(s3: Any, generator: dict[str, Any], job_id: str, workdir: Path) -> tuple[Manifest, dict | None]:
    """List SourceBucket through the Filter into a local inventory-style CSV; write it out when asked.

    Returns the manifest and, with EnableManifestOutput, the GeneratedManifestDescriptor. The output is
    `S3InventoryReport_CSV_20211130` (manifest.json + gzip CSV) under `<ManifestPrefix>/job-<id>/` (AWS's
    exact location is UNCONFIRMED).
    """
    source = bucket_name(str(generator.get("SourceBucket", "")))
    spec = generator.get("Filter") or {}
    keep, keep_head = _object_filter(spec), _head_filter(spec)
    prefixes = (spec.get("KeyNameConstraint") or {}).get("MatchAnyPrefix") or []
    try:
        replicable = _replication_filter(s3, source, spec)
        versioned = s3.get_bucket_versioning(Bucket=source).get("Status") in ("Enabled", "Suspended")
        data = workdir / "generated.csv.gz"
        rows = 0
        with gzip.open(data, "wt", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
            for entry in _listing(s3, source, prefixes[0] if len(prefixes) == 1 else "", versioned,
                                  every_version=replicable is not None):
                marker = bool(entry.get("DeleteMarker"))
                if replicable is not None and not replicable(entry, marker):
                    continue
                if keep(entry) and (keep_head is None or marker or keep_head(_head(s3, source, entry, versioned))):
                    rows += 1
                    version = [entry.get("VersionId") or "null"] if versioned else []
                    writer.writerow([source, encode_key(entry["Key"]), *version])
    except ClientError as error:
        code = _s3_error(error)
        raise JobFailure(MANIFEST_GENERATION, f"Listing the source bucket {source} failed: {code}") from None
    if not rows:
        raise JobFailure(MANIFEST_GENERATION, "Manifest generation found no keys matching the filter criteria")
    fields = ("Bucket", "Key", "VersionId") if versioned else ("Bucket", "Key")
    local = ManifestFile(data, f"generated manifest of s3://{source}", gzipped=True)
    manifest = Manifest((local,), fields, INVENTORY_FORMAT, arns.s3(source), generated=True)
    if not generator.get("EnableManifestOutput"):
        return manifest, None
    descriptor = _write_generated(s3, generator, job_id, source, fields, data)
    return replace(manifest, object_arn=descriptor["Location"]["ObjectArn"], etag=descriptor["Location"]["ETag"]), \
        descriptor


def _write_generated(s3: Any, generator: dict[str, Any], job_id: str, source: str, fields: tuple[str, ...],
                     data: Path) -> dict[str, Any]:
    output = generator.get("ManifestOutputLocation") or {}
    bucket = bucket_name(str(output.get("Bucket", "")))
    prefix = output.get("ManifestPrefix")
    folder = f"{prefix}/job-{job_id}" if prefix else f"job-{job_id}"
    encryption = output.get("ManifestEncryption") or {}
    sse: dict[str, str] = {"ServerSideEncryption": "AES256"}
    if "SSEKMS" in encryption:
        sse = {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": encryption["SSEKMS"].get("KeyId", "")}
    data_key = f"{folder}/data/{uuid.uuid4()}.csv.gz"
    try:
        with open(data, "rb") as handle:
            md5 = hashlib.file_digest(handle, "md5")
            handle.seek(0)
            s3.put_object(Bucket=bucket, Key=data_key, Body=handle, **sse)
        document = {"sourceBucket": source, "destinationBucket": arns.s3(bucket), "version": "2021-11-30",
                    "creationTimestamp": str(int(time.time() * 1000)), "fileFormat": "CSV",
                    "fileSchema": ", ".join(fields),
                    "files": [{"key": data_key, "size": data.stat().st_size, "MD5checksum": md5.hexdigest()}]}
        manifest_key = f"{folder}/manifest.json"
        put = s3.put_object(Bucket=bucket, Key=manifest_key, Body=json.dumps(document).encode(), **sse)
    except ClientError as error:
        code = _s3_error(error)
        raise JobFailure(MANIFEST_GENERATION, f"Writing the generated manifest to s3://{bucket}/{folder} failed: "
                         f"{code}") from None
    location = {"ObjectArn": arns.s3(bucket, manifest_key), "ETag": put["ETag"].strip('"')}
    if put.get("VersionId"):
        location["ObjectVersionId"] = put["VersionId"]
    return {"Format": GENERATED_FORMAT, "Location": location}
