"""Manifests read through the stack's S3: ETag check, versions, S3 Inventory manifests, ManifestGenerator."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from engine_support import Stack, job_failure

from s3batch.emulator.engine.failures import JobFailure
from s3batch_core.aws import make_client

TAGGING = {"S3PutObjectTagging": {"TagSet": [{"Key": "seen", "Value": "yes"}]}}


def tags(stack: Stack, key: str, bucket: str | None = None) -> list[dict]:
    return stack.s3.get_object_tagging(Bucket=bucket or stack.data_bucket, Key=key)["TagSet"]


def prepare_failure(stack: Stack, manifest: dict | None, generator: dict | None = None) -> JobFailure:
    return job_failure(stack.request(TAGGING, manifest, stack.role(), generator=generator))


@pytest.mark.parametrize("quoted", [True, False])
def test_etag_quoted_or_bare_is_accepted(stack: Stack, quoted: bool) -> None:
    stack.put("a")
    manifest = stack.manifest(f"{stack.data_bucket},a\n")
    etag = manifest["Location"]["ETag"]
    manifest["Location"]["ETag"] = etag if quoted else etag.strip('"')
    result = stack.run(stack.request(TAGGING, manifest, stack.role()))
    assert (result.succeeded, result.failed) == (1, 0)
    assert tags(stack, "a") == [{"Key": "seen", "Value": "yes"}]


def test_etag_of_a_reuploaded_manifest_fails_the_job(stack: Stack) -> None:
    manifest = stack.manifest(f"{stack.data_bucket},a\n")
    stack.manifest(f"{stack.data_bucket},b\n")  # same key, new content
    failure = prepare_failure(stack, manifest)
    assert failure.failure_code == "InvalidManifestContent"
    assert "does not match the current ETag" in failure.reason and "manifests/manifest.csv" in failure.reason


def test_missing_manifest_fails_the_job(stack: Stack) -> None:
    manifest = stack.manifest("x")
    manifest["Location"]["ObjectArn"] += ".gone"
    failure = prepare_failure(stack, manifest)
    assert failure.failure_code == "ManifestNotFound"
    assert "NoSuchKey" in failure.reason and "manifest.csv.gone" in failure.reason


def test_object_version_id_is_honoured(stack: Stack) -> None:
    stack.versioned(stack.manifest_bucket)
    stack.put("old")
    stack.put("new")
    manifest = stack.manifest(f"{stack.data_bucket},old\n", fields=["Bucket", "Key"])  # names its version
    stack.manifest(f"{stack.data_bucket},new\n")  # a newer version of the same key
    stack.run(stack.request(TAGGING, manifest, stack.role()))
    assert tags(stack, "old") and not tags(stack, "new")


def test_empty_manifest_fails_the_job(stack: Stack) -> None:
    failure = prepare_failure(stack, stack.manifest(""))
    assert failure.failure_code == "InvalidManifestContent" and "lists no objects" in failure.reason


def inventory(stack: Stack, rows: list[list[str]], schema: str = "Bucket, Key, Size", bad_md5: bool = False,
              gzipped: bool = True) -> dict:
    """An S3 Inventory report in the manifest bucket, laid out as AWS writes it."""
    base = f"inventory/{stack.data_bucket}/config-1"
    text = io.StringIO()
    csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    data = gzip.compress(text.getvalue().encode()) if gzipped else text.getvalue().encode()
    data_key = f"{base}/data/0f7e0c48-1.csv.gz"
    stack.s3.put_object(Bucket=stack.manifest_bucket, Key=data_key, Body=data)
    md5 = "0" * 32 if bad_md5 else hashlib.md5(data).hexdigest()
    doc = {"sourceBucket": stack.data_bucket, "destinationBucket": f"arn:aws:s3:::{stack.manifest_bucket}",
           "version": "2016-11-30", "creationTimestamp": "1700000000000", "fileFormat": "CSV", "fileSchema": schema,
           "files": [{"key": data_key, "size": len(data), "MD5checksum": md5}]}
    key = f"{base}/2026-11-25T00-00Z/manifest.json"
    etag = stack.s3.put_object(Bucket=stack.manifest_bucket, Key=key, Body=json.dumps(doc).encode())["ETag"]
    return {"Spec": {"Format": "S3InventoryReport_CSV_20161130"},
            "Location": {"ObjectArn": f"arn:aws:s3:::{stack.manifest_bucket}/{key}", "ETag": etag}}


def test_inventory_manifest_runs_every_listed_object(stack: Stack) -> None:
    for key in ("a b", "c+d"):
        stack.put(key)
    manifest = inventory(stack, [[stack.data_bucket, "a+b", "4"], [stack.data_bucket, "c%2Bd", "4"]])
    result = stack.run(stack.request(TAGGING, manifest, stack.role()))
    assert (result.succeeded, result.failed) == (2, 0)
    assert tags(stack, "a b") and tags(stack, "c+d")


@pytest.mark.parametrize(("damage", "named"), [({"bad_md5": True}, "has MD5"),
                                               ({"gzipped": False}, "not a readable gzip")])
def test_an_inventory_data_file_with_a_wrong_md5_or_not_gzip_fails_the_job(stack: Stack, damage: dict,
                                                                             named: str) -> None:
    failure = prepare_failure(stack, inventory(stack, [[stack.data_bucket, "a", "1"]], **damage))
    assert failure.failure_code == "InvalidManifestContent" and named in failure.reason


def test_inventory_with_versions_acts_on_those_versions(stack: Stack) -> None:
    stack.versioned()
    v1 = stack.put("k")["VersionId"]
    stack.put("k")
    manifest = inventory(stack, [[stack.data_bucket, "k", v1, "true"]], schema="Bucket, Key, VersionId, IsLatest")
    stack.run(stack.request(TAGGING, manifest, stack.role()))
    assert stack.s3.get_object_tagging(Bucket=stack.data_bucket, Key="k", VersionId=v1)["TagSet"]
    assert not tags(stack, "k")


def generator(stack: Stack, output: bool = True, **filters: object) -> dict:
    spec: dict = {"SourceBucket": f"arn:aws:s3:::{stack.data_bucket}", "EnableManifestOutput": output,
                  "Filter": filters}
    if output:
        spec["ManifestOutputLocation"] = {"Bucket": f"arn:aws:s3:::{stack.manifest_bucket}",
                                          "ManifestFormat": "S3InventoryReport_CSV_20211130",
                                          "ManifestPrefix": "generated"}
    return {"S3JobManifestGenerator": spec}


def test_generator_filters_and_writes_the_manifest(stack: Stack) -> None:
    stack.put("logs/a.txt", b"x" * 10)
    stack.put("logs/b space.txt", b"x" * 10)
    stack.put("logs/c.csv", b"x" * 10)
    stack.put("logs/tiny.txt", b"x")
    stack.put("other/d.txt", b"x" * 10)
    gen = generator(stack, KeyNameConstraint={"MatchAnyPrefix": ["logs/"], "MatchAnySuffix": [".txt"]},
                    ObjectSizeGreaterThanBytes=5, MatchAnyStorageClass=["STANDARD"],
                    CreatedAfter=datetime.now(UTC) - timedelta(hours=1))
    request = stack.request(TAGGING, None, stack.role(), generator=gen)
    result = stack.run(request)
    assert (result.succeeded, result.failed) == (2, 0)
    assert tags(stack, "logs/a.txt") and tags(stack, "logs/b space.txt")
    assert not tags(stack, "logs/c.csv") and not tags(stack, "logs/tiny.txt") and not tags(stack, "other/d.txt")
    descriptor = result.generated_manifest
    assert descriptor["Format"] == "S3InventoryReport_CSV_20211130"
    key = descriptor["Location"]["ObjectArn"].split(":::", 1)[1].split("/", 1)[1]
    assert key == f"generated/job-{request.job_id}/manifest.json"
    head = stack.s3.head_object(Bucket=stack.manifest_bucket, Key=key)
    assert head["ETag"].strip('"') == descriptor["Location"]["ETag"]
    doc = json.loads(stack.s3.get_object(Bucket=stack.manifest_bucket, Key=key)["Body"].read())
    data = stack.s3.get_object(Bucket=stack.manifest_bucket, Key=doc["files"][0]["key"])["Body"].read()
    assert hashlib.md5(data).hexdigest() == doc["files"][0]["MD5checksum"]
    assert sorted(gzip.decompress(data).decode().splitlines()) == [
        f'"{stack.data_bucket}","logs/a.txt"', f'"{stack.data_bucket}","logs/b+space.txt"']


def test_generator_finding_nothing_fails_the_job(stack: Stack) -> None:
    stack.put("a")
    failure = prepare_failure(stack, None, generator(stack, KeyNameConstraint={"MatchAnyPrefix": ["zzz/"]}))
    assert failure.reason == "Manifest generation found no keys matching the filter criteria"


@pytest.mark.parametrize(("filters", "named"), [({"MatchAnyObjectEncryption": [{"SSEC": {}}]}, "SSEC")])
def test_generator_filter_the_emulator_cannot_apply_is_refused(stack: Stack, filters: dict, named: str) -> None:
    stack.put("a")
    failure = prepare_failure(stack, None, generator(stack, **filters))
    assert failure.failure_code == "ManifestGenerationFailed" and named in failure.reason


def test_generator_encryption_and_replication_filters_use_head_object(stack: Stack) -> None:
    stack.put("plain")
    stack.put("sse-s3", b"x", ServerSideEncryption="AES256")
    sse_s3 = generator(stack, output=False, MatchAnyObjectEncryption=[{"SSES3": {}}], ObjectReplicationStatuses=["NONE"])
    result = stack.run(stack.request(TAGGING, None, stack.role(), generator=sse_s3))
    assert result.succeeded == 1 and tags(stack, "sse-s3") and not tags(stack, "plain")
    assert result.generated_manifest is None  # EnableManifestOutput false: no GeneratedManifestDescriptor
    not_sse = generator(stack, output=False, MatchAnyObjectEncryption=[{"NOTSSE": {}}])
    stack.s3.delete_object_tagging(Bucket=stack.data_bucket, Key="sse-s3")
    stack.run(stack.request(TAGGING, None, stack.role(), generator=not_sse))
    assert tags(stack, "plain") and not tags(stack, "sse-s3")
    replicated = generator(stack, output=False, ObjectReplicationStatuses=["COMPLETED"])
    assert "no keys matching" in prepare_failure(stack, None, replicated).reason


def test_sse_kms_csv_manifest_fails_the_job(stack: Stack) -> None:
    key_arn = make_client("kms", endpoint_url=stack.endpoint, region="us-east-1").create_key()["KeyMetadata"]["Arn"]
    manifest = stack.manifest(f"{stack.data_bucket},a\n", ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn)
    failure = prepare_failure(stack, manifest)
    assert failure.failure_code == "InvalidManifestContent" and "SSE-KMS" in failure.reason


def test_an_inventory_manifest_copied_out_of_inventorys_layout_reads_the_files_it_lists(stack: Stack) -> None:
    stack.put("a")
    manifest = inventory(stack, [[stack.data_bucket, "a", "1"]])
    source_key = manifest["Location"]["ObjectArn"].split(":::", 1)[1].split("/", 1)[1]
    copied = stack.s3.copy_object(Bucket=stack.manifest_bucket, Key="copies/manifest.json",
                                  CopySource={"Bucket": stack.manifest_bucket, "Key": source_key})
    moved = {"Spec": manifest["Spec"], "Location": {
        "ObjectArn": f"arn:aws:s3:::{stack.manifest_bucket}/copies/manifest.json",
        "ETag": copied["CopyObjectResult"]["ETag"]}}
    result = stack.run(stack.request(TAGGING, moved, stack.role()))
    assert (result.succeeded, result.failed) == (1, 0)
    only_the_json = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{stack.manifest_bucket}/inventory/*"}]}
    failure = job_failure(stack.request(TAGGING, moved, stack.role("json-only", policy=only_the_json)))
    assert failure.failure_code == "AccessDenied" and "/data/" in failure.reason
