"""The inventory manifest.json rule (manifest_rules.inventory_problem), one table run against both readers: the
job tooling's check before submitting (InputError) and the emulator preparing the job (InvalidManifestContent)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from s3batch.emulator.engine.failures import JobFailure
from s3batch.emulator.engine.manifest import load_inventory_manifest
from s3batch.jobs.manifest import check_inventory_manifest
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
    "no files": ({**VALID, "files": []}, "lists no data files"),
    "a file without its checksum": ({**VALID, "files": [{"key": "k", "size": 1}]}, "files[0] needs key, size and MD5checksum"),
    "a file without a key": ({**VALID, "files": [{"key": "", "size": 1, "MD5checksum": "x"}]}, "files[0] needs key"),
}


@pytest.mark.parametrize("case", CASES)
def test_both_readers_refuse_with_the_same_problem(case: str, tmp_path: Path) -> None:
    document, problem = CASES[case]
    body = json.dumps(document).encode()
    with pytest.raises(InputError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        check_inventory_manifest(body, "inv.json")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="inv")
        etag = s3.put_object(Bucket="inv", Key="inv/manifest.json", Body=body)["ETag"]
        with pytest.raises(JobFailure) as caught:
            load_inventory_manifest(s3, {"ObjectArn": "arn:aws:s3:::inv/inv/manifest.json", "ETag": etag}, tmp_path)
    assert caught.value.failure_code == "InvalidManifestContent" and problem in caught.value.reason
