"""S3ComputeObjectChecksum over HTTP: every algorithm and type the model allows, values checked against
independent implementations (zlib, crc32c, xxhash, hashlib), results in the report's ResultMessage."""

from __future__ import annotations

import base64
import hashlib
import json
import zlib

import crc32c
import pytest
import xxhash
from engine_support import Stack

from s3batch_core.contract import checksums
from s3batch.jobs.spec import enum_values

BODY = b"The quick brown fox jumps over the lazy dog\n" * 50
INDEPENDENT = {
    "CRC32": lambda d: zlib.crc32(d).to_bytes(4, "big"),
    "CRC32C": lambda d: crc32c.crc32c(d).to_bytes(4, "big"),
    "MD5": lambda d: hashlib.md5(d).digest(),  # noqa: S324
    "SHA1": lambda d: hashlib.sha1(d).digest(),  # noqa: S324
    "SHA256": lambda d: hashlib.sha256(d).digest(),
    "SHA512": lambda d: hashlib.sha512(d).digest(),
    "XXHASH64": lambda d: xxhash.xxh64(d).digest(),
    "XXHASH3": lambda d: xxhash.xxh3_64(d).digest(),
    "XXHASH128": lambda d: xxhash.xxh3_128(d).digest(),
}



def test_the_model_lists_exactly_the_algorithms_computed() -> None:
    assert set(enum_values("ComputeObjectChecksumAlgorithm")) == set(checksums.ALGORITHMS)


@pytest.mark.parametrize("algorithm", sorted(INDEPENDENT))
def test_full_object_checksum_of_each_algorithm(stack: Stack, algorithm: str) -> None:
    etag = stack.put("k", BODY)["ETag"].strip('"')
    row = stack.run_rows({"S3ComputeObjectChecksum": {"ChecksumAlgorithm": algorithm, "ChecksumType": "FULL_OBJECT"}},
                 f"{stack.data_bucket},k\n")["k"]
    assert row[3:6] == ["succeeded", "200", ""]
    expected = INDEPENDENT[algorithm](BODY)
    assert json.loads(row[6]) == {"checksum_base64": base64.b64encode(expected).decode(), "etag": etag,
                                  "checksumAlgorithm": algorithm, "checksumType": "FULL_OBJECT",
                                  "checksum_hex": expected.hex()}


def test_crc64nvme_matches_what_s3_stores_and_is_the_default(stack: Stack) -> None:
    stored = stack.put("k", BODY, ChecksumAlgorithm="CRC64NVME")
    row = stack.run_rows({"S3ComputeObjectChecksum": {}}, f"{stack.data_bucket},k\n")["k"]
    message = json.loads(row[6])
    assert (message["checksumAlgorithm"], message["checksumType"]) == ("CRC64NVME", "FULL_OBJECT")
    assert message["checksum_base64"] == stored["ChecksumCRC64NVME"]


def test_composite_checksum_of_a_multipart_object_is_the_checksum_of_its_part_checksums(stack: Stack) -> None:
    parts = [b"a" * (5 * 1024 * 1024), b"tail"]
    upload = stack.s3.create_multipart_upload(Bucket=stack.data_bucket, Key="mp")["UploadId"]
    etags = [stack.s3.upload_part(Bucket=stack.data_bucket, Key="mp", UploadId=upload, PartNumber=n, Body=part)["ETag"]
             for n, part in enumerate(parts, 1)]
    stack.s3.complete_multipart_upload(Bucket=stack.data_bucket, Key="mp", UploadId=upload, MultipartUpload={
        "Parts": [{"ETag": etag, "PartNumber": n} for n, etag in enumerate(etags, 1)]})
    row = stack.run_rows({"S3ComputeObjectChecksum": {"ChecksumAlgorithm": "SHA256", "ChecksumType": "COMPOSITE"}},
                 f"{stack.data_bucket},mp\n")["mp"]
    digest = hashlib.sha256(b"".join(hashlib.sha256(p).digest() for p in parts)).digest()
    assert json.loads(row[6])["checksum_base64"] == base64.b64encode(digest).decode() + "-2"


def test_archived_objects_are_computed_without_a_restore_and_missing_keys_fail(stack: Stack) -> None:
    stack.put("cold", BODY, StorageClass="DEEP_ARCHIVE")
    rows = stack.run_rows({"S3ComputeObjectChecksum": {"ChecksumAlgorithm": "SHA1"}},
                  f"{stack.data_bucket},cold\n{stack.data_bucket},missing\n")
    assert json.loads(rows["cold"][6])["checksum_hex"] == hashlib.sha1(BODY).hexdigest()  # noqa: S324
    assert rows["missing"][3:] == ["failed", "404", "NoSuchKey", "The specified key does not exist."]
