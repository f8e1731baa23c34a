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


def manifest_of(tmp_path: Path, body: bytes, fields: tuple[str, ...] | None = None) -> Manifest:
    path = tmp_path / "m.csv"
    path.write_bytes(body)
    return Manifest((ManifestFile(path, "s3://mb/m.csv"),), fields, CSV_FORMAT, "arn:aws:s3:::mb/m.csv")


# name -> (manifest body, Fields, the tasks the engine reads from it): keys as written, rows numbered from 1
ROWS: dict[str, tuple[bytes, tuple[str, ...] | None, list[Task]]] = {
    "keys as written": (b"bkt,a%20b.txt\r\nbkt,c%2Bd\r\nother,%C3%BC/x+y\n", None, [
        Task(1, "bkt", "a%20b.txt", None), Task(2, "bkt", "c%2Bd", None), Task(3, "other", "%C3%BC/x+y", None)]),
    "no header row": (b"bucket,key\nbkt,k\n", None, [Task(1, "bucket", "key", None), Task(2, "bkt", "k", None)]),
    "version null or empty": (b"bkt,k1,v1\nbkt,k2,null\nbkt,k3,\n", None, [
        Task(1, "bkt", "k1", "v1"), Task(2, "bkt", "k2", "null"), Task(3, "bkt", "k3", "")]),
    "Fields with Ignore": (b"x,bkt,y,k%20,v9\n", ("Ignore", "Bucket", "Ignore", "Key", "VersionId"),
                           [Task(1, "bkt", "k%20", "v9")]),
}


@pytest.mark.parametrize("case", ROWS)
def test_rows_become_tasks_with_keys_as_written(tmp_path: Path, case: str) -> None:
    body, fields, tasks = ROWS[case]
    assert list(iter_tasks(manifest_of(tmp_path, body, fields))) == tasks


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


def test_survey_streams_a_large_manifest_and_tells_a_versioned_one(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with open(path, "w") as out:
        out.writelines(f"bkt,k{i}\n" for i in range(200_000))
    manifest = Manifest((ManifestFile(path, "big"),), None, CSV_FORMAT, "arn")
    assert survey_tasks(manifest) == (200_000, False, ["bkt"])
    assert survey_tasks(manifest_of(tmp_path, b"bkt,k1,v1\n")) == (1, True, ["bkt"])
