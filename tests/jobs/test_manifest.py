"""Manifests by AWS's rules: writing, the preflight's own checks, streaming, content-addressed upload, ETag pinning
(the rules both readers share: tests/core/contract/test_manifest_rules.py)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from s3batch_core.contract.limits import MAX_JSON_DEPTH
from s3batch_core.errors import InputError
from tests.core.contract.test_manifest_rules import HARD_KEYS
from s3batch.jobs.manifest import (
    ManifestEntry,
    ManifestStats,
    build_manifest_file,
    check_inventory_manifest,
    check_csv_manifest,
    existing_manifest,
    list_bucket,
    manifest_key,
    read_local_manifest,
    upload_folder,
    upload_manifest,
    write_manifest,
)


def test_written_manifest_passes_our_own_checks_and_decodes_back() -> None:
    out = io.BytesIO()
    entries = [ManifestEntry("bucket-1", k) for k in HARD_KEYS]
    stats = write_manifest(entries, out)
    data = out.getvalue()
    assert stats.rows == len(HARD_KEYS)
    assert stats.sha256 == hashlib.sha256(data).hexdigest()
    assert stats.md5 == hashlib.md5(data).hexdigest()
    assert data.count(b"\n") == len(HARD_KEYS) and b"\r" not in data  # LF only, one line per object
    info = check_csv_manifest(io.BytesIO(data), "m.csv", sample=100)
    assert [e.key for e in info.first_rows] == HARD_KEYS
    assert info.fields == ("Bucket", "Key")


def test_versioned_manifest_writes_null_for_null_versions() -> None:
    out = io.BytesIO()
    write_manifest([ManifestEntry("b1b", "k1", "v1"), ManifestEntry("b1b", "k2", None)], out, with_versions=True)
    assert out.getvalue() == b"b1b,k1,v1\nb1b,k2,null\n"
    assert check_csv_manifest(io.BytesIO(out.getvalue()), "m").fields == ("Bucket", "Key", "VersionId")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Bucket,Key\nbkt,k\n", "row 1: 'Bucket' is not a bucket name (a header row?"),
        (b"bkt,k1,\n", "row 1: empty version id; write the literal 'null'"),
        (b"bkt,has space\n", "row 1: key 'has space' is not URL-encoded"),
        (b"bkt,100%done\n", "is not URL-encoded"),
        ("bkt,café.txt\n".encode(), "row 1: key 'café.txt' is not URL-encoded"),
        (b"", "the manifest is empty"),
    ],
)
def test_csv_manifest_problems_name_the_row(content: bytes, message: str) -> None:
    with pytest.raises(InputError) as caught:
        check_csv_manifest(io.BytesIO(content), "m.csv")
    assert message in str(caught.value)
    assert str(caught.value).startswith("m.csv: ")


def test_crlf_manifests_are_accepted() -> None:
    info = check_csv_manifest(io.BytesIO(b"bkt,a\r\nbkt,b%2Bc\r\n"), "m")
    assert [e.key for e in info.first_rows] == ["a", "b+c"]


def test_manifest_key_is_derived_from_content() -> None:
    first, second = (build_manifest_file([ManifestEntry("bkt", "a"), ManifestEntry("bkt", "b")]) for _ in range(2))
    assert first[1].sha256 == second[1].sha256
    assert manifest_key("manifests/", first[1].sha256) == f"manifests/manifest-{first[1].sha256}.csv"
    assert manifest_key("manifests", "x") == "manifests/manifest-x.csv"
    assert manifest_key("", "x") == "manifest-x.csv"
    other = build_manifest_file([ManifestEntry("bkt", "a")])
    assert other[1].sha256 != first[1].sha256
    for handle, _ in (first, second, other):
        handle.close()


def test_empty_source_is_an_error() -> None:
    with pytest.raises(InputError, match="empty"):
        build_manifest_file([])


def test_upload_pins_the_etag_of_what_was_written_and_is_idempotent(s3: Any, tmp_path: Path) -> None:
    s3.create_bucket(Bucket="data-bkt")
    s3.create_bucket(Bucket="man-bkt")
    folder = tmp_path / "files"
    (folder / "sub").mkdir(parents=True)
    (folder / "a b.txt").write_text("hello")
    (folder / "sub" / "c+d.txt").write_text("world!")
    (folder / "README.md").write_text("not me")
    locations = []
    for _ in range(2):
        entries = upload_folder(s3, folder, bucket="data-bkt", prefix="input/", pattern="*.txt")
        body, stats = build_manifest_file(entries)
        with body:
            locations.append(upload_manifest(s3, body, stats, bucket="man-bkt", prefix="manifests"))
    assert locations[0] == locations[1]
    location = locations[0]
    head = s3.head_object(Bucket="man-bkt", Key=location.key)
    assert head["ETag"] == f'"{location.etag}"'  # S3 quotes it; CreateJob gets it bare
    stored = s3.get_object(Bucket="man-bkt", Key=location.key)["Body"].read()
    assert stored == b"data-bkt,input/a+b.txt\ndata-bkt,input/sub/c%2Bd.txt\n"
    assert location.key == f"manifests/manifest-{hashlib.sha256(stored).hexdigest()}.csv"
    assert location.etag == stats.md5  # what --dry-run predicts
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="data-bkt")["Contents"])
    assert keys == ["input/a b.txt", "input/sub/c+d.txt"]
    assert location.to_job_manifest() == {
        "Spec": {"Format": "S3BatchOperations_CSV_20180820", "Fields": ["Bucket", "Key"]},
        "Location": {"ObjectArn": f"arn:aws:s3:::man-bkt/{location.key}", "ETag": location.etag},
    }


def _listing_page(start: int, count: int, token: str | None) -> dict[str, Any]:
    page: dict[str, Any] = {
        "IsTruncated": token is not None, "Name": "src", "Prefix": "p/", "KeyCount": count, "MaxKeys": 1000,
        "Contents": [{"Key": f"p/key {i}", "Size": i} for i in range(start, start + count)],
    }
    if token:
        page["NextContinuationToken"] = token
    return page


def test_listing_follows_every_page() -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    with Stubber(s3) as stub:
        stub.add_response("list_objects_v2", _listing_page(0, 3, "t1"), {"Bucket": "src", "Prefix": "p/"})
        stub.add_response("list_objects_v2", _listing_page(3, 2, None),
                          {"Bucket": "src", "Prefix": "p/", "ContinuationToken": "t1"})
        body, stats = build_manifest_file(list_bucket(s3, "src", "p/"))
        stub.assert_no_pending_responses()
    with body:
        assert body.read().decode().splitlines() == [f"src,p/key+{i}" for i in range(5)]
    assert stats.rows == 5 and stats.sizes == [0, 1, 2, 3, 4]


def test_version_listing_writes_version_ids() -> None:
    s3 = boto3.client("s3", region_name="us-east-1")
    with Stubber(s3) as stub:
        stub.add_response("list_object_versions", {"IsTruncated": False, "Versions": [
            {"Key": "a", "VersionId": "v1", "Size": 1}, {"Key": "a", "VersionId": "null", "Size": 2}]},
            {"Bucket": "src", "Prefix": ""})
        body, stats = build_manifest_file(list_bucket(s3, "src", "", versions=True), with_versions=True)
    with body:
        assert body.read() == b"src,a,v1\nsrc,a,null\n"


def test_local_manifest_is_checked_and_hashed(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_bytes(b"bkt,a%2Fb\nbkt,c\n")
    handle, stats, info = read_local_manifest(path)
    with handle:
        assert handle.read() == path.read_bytes()
    assert stats.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() and stats.rows == 2
    assert info.columns == 2 and stats.sample[0].key == "a/b"
    with pytest.raises(InputError, match="cannot read"):
        read_local_manifest(tmp_path / "missing.csv")


def test_existing_manifests_in_s3_are_checked_and_pinned(s3: Any) -> None:
    """Inventories: tests/core/contract/test_inventory.py (both readers) and test_pipeline.py (the inventory source)."""
    s3.create_bucket(Bucket="inv")
    put = s3.put_object(Bucket="inv", Key="m.csv", Body=b"src,a\nsrc,b\n")
    location, info = existing_manifest(s3, "s3://inv/m.csv")
    assert location.etag == put["ETag"].strip('"') and info.rows == 2
    s3.put_object(Bucket="inv", Key="bad.csv", Body=b"Bucket,Key\n")
    with pytest.raises(InputError, match="s3://inv/bad.csv: row 1"):
        existing_manifest(s3, "s3://inv/bad.csv")


def test_manifests_are_uploaded_with_sse_s3_even_into_a_kms_default_bucket(s3: Any) -> None:
    s3.create_bucket(Bucket="man-bkt")
    s3.put_bucket_encryption(Bucket="man-bkt", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/data"}}]})
    body = io.BytesIO(b"data-bkt,input/a.txt\n")
    stats = ManifestStats(rows=1, md5=hashlib.md5(body.getvalue()).hexdigest())
    location = upload_manifest(s3, body, stats, bucket="man-bkt", prefix="manifests")
    assert s3.head_object(Bucket="man-bkt", Key=location.key)["ServerSideEncryption"] == "AES256"


def test_a_manifest_over_the_single_put_limit_is_uploaded_multipart(s3: Any) -> None:
    from s3batch.jobs.manifest import _upload

    s3.create_bucket(Bucket="man-bkt")
    data = b"bkt,k\n" * 3_000_000  # 18 MB, above the test's 10 MB threshold
    answer = _upload(s3, io.BytesIO(data), "man-bkt", "big.csv", threshold=10 * 1024**2)
    assert answer["ETag"].strip('"').endswith("-3")  # multipart: 8 MB parts
    assert answer["ServerSideEncryption"] == "AES256"
    assert s3.get_object(Bucket="man-bkt", Key="big.csv")["Body"].read() == data
    small = _upload(s3, io.BytesIO(b"bkt,k\n"), "man-bkt", "small.csv", threshold=10 * 1024**2)
    assert "-" not in small["ETag"]


def test_an_inventory_manifest_nested_1000_deep_is_one_input_error() -> None:
    with pytest.raises(InputError, match=f"^s3://inv/manifest.json: nested more than {MAX_JSON_DEPTH} levels deep"):
        check_inventory_manifest(b'{"files":' + b"[" * 1000 + b"]" * 1000 + b"}", "s3://inv/manifest.json")
