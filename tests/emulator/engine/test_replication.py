"""S3ReplicateObject (Batch Replication) over HTTP: replicas in the destination, ReplicationStatus on both sides,
rule filters, priority, delete markers, and the per-task failures."""

from __future__ import annotations

from typing import Any

import pytest
from engine_support import Stack, job_failure

from s3batch_core.aws import make_client

DEST = "replica-bucket"
REPLICATE = {"S3ReplicateObject": {}}


def configure(stack: Stack, *rules: dict[str, Any]) -> None:
    stack.s3.put_bucket_replication(Bucket=stack.data_bucket, ReplicationConfiguration={
        "Role": "arn:aws:iam::123456789012:role/replication", "Rules": list(rules)})


def rule(prefix: str = "", destination: str = DEST, priority: int = 1, **extra: Any) -> dict[str, Any]:
    return {"ID": f"r{priority}-{prefix}", "Priority": priority, "Status": "Enabled", "Filter": {"Prefix": prefix},
            "DeleteMarkerReplication": {"Status": "Disabled"},
            "Destination": {"Bucket": f"arn:aws:s3:::{destination}"}, **extra}



def setup(stack: Stack) -> None:
    stack.s3.create_bucket(Bucket=DEST)
    stack.versioned(stack.data_bucket, DEST)


def test_replicas_are_written_with_statuses_on_both_sides(stack: Stack) -> None:
    setup(stack)
    configure(stack, rule("logs/", **{"Destination": {"Bucket": f"arn:aws:s3:::{DEST}", "StorageClass": "STANDARD_IA"}}))
    version = stack.put("logs/a", b"a", Metadata={"m": "1"})["VersionId"]
    other = stack.put("other/b", b"b")["VersionId"]
    report = stack.run_rows(REPLICATE, f"{stack.data_bucket},logs/a,{version}\n{stack.data_bucket},other/b,{other}\n")
    assert report["logs/a"][3:] == ["succeeded", "200", "", "Successful"]
    assert stack.s3.head_object(Bucket=stack.data_bucket, Key="logs/a", VersionId=version)["ReplicationStatus"] == "COMPLETED"
    replica = stack.s3.head_object(Bucket=DEST, Key="logs/a")
    assert (replica["ReplicationStatus"], replica["StorageClass"], replica["Metadata"]) == ("REPLICA", "STANDARD_IA", {"m": "1"})
    assert stack.s3.get_object(Bucket=DEST, Key="logs/a")["Body"].read() == b"a"
    assert report["other/b"][3:6] == ["failed", "400", "InvalidRequest"]  # no rule covers it
    assert "ReplicationStatus" not in stack.s3.head_object(Bucket=stack.data_bucket, Key="other/b")


def test_tag_filters_and_the_highest_priority_rule_per_destination(stack: Stack) -> None:
    setup(stack)
    stack.s3.create_bucket(Bucket="archive-bucket")
    stack.versioned("archive-bucket")
    configure(stack,
              rule("", priority=1, **{"Destination": {"Bucket": f"arn:aws:s3:::{DEST}", "StorageClass": "GLACIER_IR"}}),
              rule("", priority=5, **{"Destination": {"Bucket": f"arn:aws:s3:::{DEST}", "StorageClass": "ONEZONE_IA"}}),
              {"ID": "tagged", "Priority": 2, "Status": "Enabled", "DeleteMarkerReplication": {"Status": "Disabled"},
               "Filter": {"And": {"Prefix": "", "Tags": [{"Key": "copy", "Value": "yes"}]}},
               "Destination": {"Bucket": "arn:aws:s3:::archive-bucket"}})
    tagged = stack.put("t", b"t", Tagging="copy=yes")["VersionId"]
    plain = stack.put("p", b"p")["VersionId"]
    stack.run_rows(REPLICATE, f"{stack.data_bucket},t,{tagged}\n{stack.data_bucket},p,{plain}\n")
    assert stack.s3.head_object(Bucket=DEST, Key="t")["StorageClass"] == "ONEZONE_IA"
    assert stack.s3.get_object_tagging(Bucket="archive-bucket", Key="t")["TagSet"] == [{"Key": "copy", "Value": "yes"}]
    assert [o["Key"] for o in stack.s3.list_objects_v2(Bucket="archive-bucket").get("Contents", [])] == ["t"]


def test_delete_markers_replicate_only_when_the_rule_says_so(stack: Stack) -> None:
    setup(stack)
    configure(stack, rule("on/", priority=2, DeleteMarkerReplication={"Status": "Enabled"}), rule("off/", priority=1))
    for key in ("on/k", "off/k"):
        stack.s3.put_object(Bucket=DEST, Key=key, Body=b"old replica")
        stack.put(key)
    markers = {k: stack.s3.delete_object(Bucket=stack.data_bucket, Key=k)["VersionId"] for k in ("on/k", "off/k")}
    report = stack.run_rows(REPLICATE, "".join(f"{stack.data_bucket},{k},{v}\n" for k, v in markers.items()))
    assert report["on/k"][3] == "succeeded"
    assert "Contents" not in stack.s3.list_objects_v2(Bucket=DEST, Prefix="on/")  # hidden by the replicated marker
    assert report["off/k"][3:6] == ["failed", "400", "InvalidRequest"]
    assert stack.s3.list_objects_v2(Bucket=DEST, Prefix="off/")["KeyCount"] == 1


def test_failures_without_configuration_or_with_an_unversioned_destination(stack: Stack) -> None:
    stack.s3.create_bucket(Bucket=DEST)
    stack.versioned()
    version = stack.put("k")["VersionId"]
    report = stack.run_rows(REPLICATE, f"{stack.data_bucket},k,{version}\n")
    assert report["k"][3:] == ["failed", "404", "ReplicationConfigurationNotFoundError",
                               "The replication configuration was not found"]
    configure(stack, rule())
    report = stack.run_rows(REPLICATE, f"{stack.data_bucket},k,{version}\n{stack.data_bucket},missing,{version}\n")
    assert report["k"][3:6] == ["failed", "400", "InvalidRequest"]
    assert stack.s3.head_object(Bucket=stack.data_bucket, Key="k")["ReplicationStatus"] == "FAILED"
    assert report["missing"][3:] == ["failed", "404", "NoSuchVersion", "The specified version does not exist."]


def generated(stack: Stack, **filters: Any) -> dict[str, Any]:
    return {"S3JobManifestGenerator": {"SourceBucket": f"arn:aws:s3:::{stack.data_bucket}", "EnableManifestOutput": False,
                                       "Filter": {"EligibleForReplication": True, **filters}}}


def test_a_generated_manifest_lists_every_eligible_version_filtered_by_replication_status(stack: Stack) -> None:
    setup(stack)
    configure(stack, rule("in/"))
    first = stack.put("in/k", b"1")["VersionId"]
    stack.put("in/k", b"2")
    stack.put("out/k")
    stack.put("in/cold", b"c", StorageClass="GLACIER")
    result = stack.run(stack.request(REPLICATE, None, stack.role(), generator=generated(stack)))
    assert (result.succeeded, result.failed) == (2, 0)  # both versions of in/k; not out/k, not the archived one
    versions = stack.s3.list_object_versions(Bucket=DEST)["Versions"]
    assert len(versions) == 2
    stack.put("in/new", b"n")
    again = stack.run(stack.request(REPLICATE, None, stack.role(),
                                    generator=generated(stack, ObjectReplicationStatuses=["NONE", "FAILED"])))
    assert (again.succeeded, again.failed) == (1, 0)  # only the never-replicated version
    assert stack.s3.head_object(Bucket=stack.data_bucket, Key="in/k", VersionId=first)["ReplicationStatus"] == "COMPLETED"


def test_eligible_for_replication_without_a_configuration_fails_the_job(stack: Stack) -> None:
    stack.versioned()
    stack.put("k")
    failure = job_failure(stack.request(REPLICATE, None, stack.role(), generator=generated(stack)))
    assert failure.failure_code == "ManifestGenerationFailed" and "replication configuration" in failure.reason


@pytest.mark.parametrize("missing", ["s3:GetReplicationConfiguration", "s3:PutInventoryConfiguration"])
def test_a_generator_role_missing_a_batch_replication_action_fails_the_job_naming_it(stack: Stack, missing: str) -> None:
    setup(stack)
    configure(stack, rule())
    stack.put("k")
    bucket_actions = [a for a in ("s3:GetReplicationConfiguration", "s3:PutInventoryConfiguration") if a != missing]
    role = stack.role("generator", policy={"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:InitiateReplication"], "Resource": f"arn:aws:s3:::{stack.data_bucket}/*"},
        {"Effect": "Allow", "Action": bucket_actions, "Resource": f"arn:aws:s3:::{stack.data_bucket}"},
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::report-bucket/*"}]})
    failure = job_failure(stack.request(REPLICATE, None, role, generator=generated(stack)))
    assert failure.failure_code == "AccessDenied" and f"{missing} on arn:aws:s3:::{stack.data_bucket}" in failure.reason


def test_kms_encrypted_objects_need_the_rule_to_select_them_and_get_the_replica_key(stack: Stack) -> None:
    setup(stack)
    kms = make_client("kms", endpoint_url=stack.endpoint, region="us-east-1")
    source_key, replica_key = (kms.create_key()["KeyMetadata"]["Arn"] for _ in range(2))
    configure(stack,
              rule("kms/", priority=2, SourceSelectionCriteria={"SseKmsEncryptedObjects": {"Status": "Enabled"}},
                   Destination={"Bucket": f"arn:aws:s3:::{DEST}",
                                "EncryptionConfiguration": {"ReplicaKmsKeyID": replica_key}}),
              rule("plain/", priority=1))
    versions = {key: stack.put(key, b"k", ServerSideEncryption="aws:kms", SSEKMSKeyId=source_key)["VersionId"]
                for key in ("kms/a", "plain/b")}
    report = stack.run_rows(REPLICATE, "".join(f"{stack.data_bucket},{k},{v}\n" for k, v in versions.items()))
    assert report["kms/a"][3] == "succeeded"
    assert stack.s3.head_object(Bucket=DEST, Key="kms/a")["SSEKMSKeyId"] == replica_key
    assert report["plain/b"][3:6] == ["failed", "400", "InvalidRequest"]  # its rule does not select KMS objects
