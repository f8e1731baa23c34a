"""The inventory manifest.json rules (manifest_rules), tables run against both readers: the job tooling's check and
row count before submitting (InputError) and the emulator preparing the job (InvalidManifestContent): which documents
are refused, and which bucket the data files are read from."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from s3batch.emulator.engine.failures import JobFailure
from s3batch.emulator.engine.manifest import iter_tasks, load_inventory_manifest
from s3batch.jobs.manifest import check_inventory_manifest, existing_manifest
from s3batch_core.errors import InputError

VALID = {"sourceBucket": "data", "destinationBucket": "arn:aws:s3:::inv", "version": "2016-11-30",
         "creationTimestamp": "1514944800000", "fileFormat": "CSV", "fileSchema": "Bucket, Key, Size",
         "files": [{"key": "inv/data/1.csv.gz", "size": 10, "MD5checksum": "0" * 32}]}

# name -> (document, the problem both readers name)
CASES: dict[str, tuple[Any, str]] = {
    "not an object": ([], "expected a JSON object"),
    "no fileSchema": ({k: v for k, v in VALID.items() if k != "fileSchema"}, "no 'fileSchema' field"),
    "ORC": ({**VALID, "fileFormat": "ORC"}, "CSV inventories only"),
    "schema order": ({**VALID, "fileSchema": "Key, Bucket"}, "must start with 'Bucket, Key'"),
    "a column twice": ({**VALID, "fileSchema": "Bucket, Key, Key"}, "must name Key exactly once"),
    "no files": ({**VALID, "files": []}, "lists no data files"),
    "a file without its checksum": ({**VALID, "files": [{"key": "k", "size": 1}]}, "files[0] needs key, size and MD5checksum"),
    "a file without a key": ({**VALID, "files": [{"key": "", "size": 1, "MD5checksum": "x"}]}, "files[0] needs key"),
    "an object ARN for the destination": ({**VALID, "destinationBucket": "arn:aws:s3:::inv/data"},
                                          "destinationBucket 'arn:aws:s3:::inv/data' names no bucket"),
}


@pytest.fixture(autouse=True)
def _inventory_bucket(s3: Any) -> None:
    s3.create_bucket(Bucket="inv")  # where the inventory's data files are


@pytest.mark.parametrize("case", CASES)
def test_both_readers_refuse_with_the_same_problem(case: str, s3: Any, tmp_path: Path) -> None:
    document, problem = CASES[case]
    body = json.dumps(document).encode()
    with pytest.raises(InputError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        check_inventory_manifest(body, "inv.json")
    etag = s3.put_object(Bucket="inv", Key="inv/manifest.json", Body=body)["ETag"]
    with pytest.raises(JobFailure) as caught:
        load_inventory_manifest(s3, {"ObjectArn": "arn:aws:s3:::inv/inv/manifest.json", "ETag": etag}, tmp_path)
    assert caught.value.failure_code == "InvalidManifestContent" and problem in caught.value.reason


def _data_file(s3: Any, csv_body: bytes) -> list[dict[str, Any]]:
    """One gzip data file with these rows in bucket "inv", as manifest.json's `files` lists it."""
    data = gzip.compress(csv_body)
    files = [{"key": "src/cfg/data/1.csv.gz", "size": len(data), "MD5checksum": hashlib.md5(data).hexdigest()}]
    s3.put_object(Bucket="inv", Key=files[0]["key"], Body=data)
    return files


# name -> (bucket manifest.json is in, its destinationBucket); the data files are only in bucket "inv"
PLACES: dict[str, tuple[str, str]] = {
    "where S3 Inventory writes it": ("inv", "arn:aws:s3:::inv"),
    "manifest.json copied to another bucket": ("copies", "arn:aws:s3:::inv"),
}


@pytest.mark.parametrize("case", PLACES)
def test_both_readers_take_the_data_files_from_the_destination_bucket(case: str, s3: Any, tmp_path: Path) -> None:
    manifest_bucket, destination = PLACES[case]
    files = _data_file(s3, b'"src","a","1"\n"src","b%2Bc","2"\n"src","d","3"\n')
    document = {**VALID, "destinationBucket": destination, "files": files}
    if manifest_bucket != "inv":
        s3.create_bucket(Bucket=manifest_bucket)
    key = "src/cfg/2026-01-01T00-00Z/manifest.json"
    etag = s3.put_object(Bucket=manifest_bucket, Key=key, Body=json.dumps(document).encode())["ETag"]
    rows = existing_manifest(s3, f"s3://{manifest_bucket}/{key}", inventory=True)[1].rows
    location = {"ObjectArn": f"arn:aws:s3:::{manifest_bucket}/{key}", "ETag": etag}
    tasks = list(iter_tasks(load_inventory_manifest(s3, location, tmp_path)))
    assert rows == len(tasks) == 3
    assert [task.key for task in tasks] == ["a", "b%2Bc", "d"]


# name -> (the data file's CSV, the row both readers name, the problem both give: manifest_rules.row_problem)
BAD_ROWS: dict[str, tuple[bytes, int, str]] = {
    "an empty line": (b'"src","a","1"\n\n"src","b","2"\n', 2, "empty line"),
    "a row short of the schema": (b'"src","a","1"\n"src","b"\n', 2, "2 columns but Fields declares 3"),
    "an empty key": (b'"src","","1"\n', 1, "empty key"),
    "a byte order mark": (b'\xef\xbb\xbf"src","a","1"\n', 1, "byte order mark"),
}


@pytest.mark.parametrize("case", BAD_ROWS)
def test_both_readers_refuse_the_same_data_file_row(case: str, s3: Any, tmp_path: Path) -> None:
    csv_body, row, problem = BAD_ROWS[case]
    body = json.dumps({**VALID, "files": _data_file(s3, csv_body)}).encode()
    etag = s3.put_object(Bucket="inv", Key="m.json", Body=body)["ETag"]
    with pytest.raises(InputError) as refused:
        existing_manifest(s3, "s3://inv/m.json", inventory=True)
    with pytest.raises(JobFailure) as failed:
        list(iter_tasks(load_inventory_manifest(s3, {"ObjectArn": "arn:aws:s3:::inv/m.json", "ETag": etag}, tmp_path)))
    where = "s3://inv/src/cfg/data/1.csv.gz"
    assert str(refused.value) == f"{where}: row {row}: " + failed.value.reason.removeprefix(f"{where} row {row}: ")
    assert problem in str(refused.value)
