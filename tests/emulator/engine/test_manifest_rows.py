"""The engine's manifest rows on local files (reference §2.2): keys as written, Fields, rows counted across files.
The row rules both readers share (and the rows both refuse) are tested in tests/core/contract/test_manifest_rules.py."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from s3batch.emulator.engine.failures import JobFailure
from s3batch.emulator.engine.manifest import (
    CSV_FORMAT,
    Manifest,
    ManifestFile,
    Task,
    iter_tasks,
    load_csv_manifest,
    survey_tasks,
)
from s3batch_core.contract.manifest_rules import decode_key


def manifest_of(tmp_path: Path, body: bytes, fields: tuple[str, ...] | None = None, gz: bool = False) -> Manifest:
    path = tmp_path / ("m.csv.gz" if gz else "m.csv")
    path.write_bytes(gzip.compress(body) if gz else body)
    return Manifest((ManifestFile(path, "s3://mb/m.csv", gzipped=gz),), fields, CSV_FORMAT, "arn:aws:s3:::mb/m.csv")


def test_rows_keep_keys_as_written_and_number_rows(tmp_path: Path) -> None:
    body = b"bkt,a%20b.txt\r\nbkt,c%2Bd\r\nother,%C3%BC/x+y\n"
    tasks = list(iter_tasks(manifest_of(tmp_path, body)))
    assert tasks == [Task(1, "bkt", "a%20b.txt", None), Task(2, "bkt", "c%2Bd", None), Task(3, "other", "%C3%BC/x+y", None)]
    assert [decode_key(t.key) for t in tasks] == ["a b.txt", "c+d", "ü/x y"]


def test_no_header_row_the_first_row_is_just_a_task(tmp_path: Path) -> None:
    tasks = list(iter_tasks(manifest_of(tmp_path, b"bucket,key\nbkt,k\n")))
    assert tasks[0] == Task(1, "bucket", "key", None)


def test_version_column_with_literal_null_and_empty(tmp_path: Path) -> None:
    tasks = list(iter_tasks(manifest_of(tmp_path, b"bkt,k1,v1\nbkt,k2,null\nbkt,k3,\n")))
    assert [t.version_id for t in tasks] == ["v1", "null", ""]
    assert survey_tasks(manifest_of(tmp_path, b"bkt,k1,v1\n")) == (1, True, ["bkt"])


def test_fields_with_ignore_pick_the_columns(tmp_path: Path) -> None:
    fields = ("Ignore", "Bucket", "Ignore", "Key", "VersionId")
    tasks = list(iter_tasks(manifest_of(tmp_path, b"x,bkt,y,k%20,v9\n", fields)))
    assert tasks == [Task(1, "bkt", "k%20", "v9")]


@pytest.mark.parametrize("fields", [("Key",), ("Bucket", "Bucket", "Key"), ("Bucket", "Key", "Size")])
def test_invalid_fields_are_refused_before_the_manifest_is_read(fields: tuple[str, ...], tmp_path: Path) -> None:
    with pytest.raises(JobFailure, match="Fields") as caught:
        load_csv_manifest(None, {"Fields": list(fields)}, {}, tmp_path)  # no S3 client: nothing may be read
    assert caught.value.failure_code == "InvalidManifestContent"


def test_rows_count_across_gzip_files(tmp_path: Path) -> None:
    one, two = tmp_path / "1.csv.gz", tmp_path / "2.csv.gz"
    one.write_bytes(gzip.compress(b'"bkt","a"\n"bkt","b"\n'))
    two.write_bytes(gzip.compress(b'"bkt","c"\n"bkt"\n'))
    manifest = Manifest((ManifestFile(one, "one", True), ManifestFile(two, "two", True)), None, CSV_FORMAT, "arn")
    with pytest.raises(JobFailure, match="two row 4"):
        list(iter_tasks(manifest))


def test_large_manifest_streams(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with open(path, "w") as out:
        out.writelines(f"bkt,k{i}\n" for i in range(200_000))
    manifest = Manifest((ManifestFile(path, "big"),), None, CSV_FORMAT, "arn")
    assert survey_tasks(manifest) == (200_000, False, ["bkt"])
