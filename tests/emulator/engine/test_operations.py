"""The S3 operations against the stack over HTTP, with per-task errors from S3 (status and code)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from engine_support import Progress, Stack, job_failure

from s3batch.emulator.engine import execution, s3_rules

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def acl_grants(stack: Stack, key: str, bucket: str | None = None, **version: str) -> list[tuple[str | None, str]]:
    """(grantee URI, permission) of each grant of the object's ACL."""
    acl = stack.s3.get_object_acl(Bucket=bucket or stack.data_bucket, Key=key, **version)["Grants"]
    return [(g["Grantee"].get("URI"), g["Permission"]) for g in acl]


def test_supported_operations_are_exactly_the_ones_implemented() -> None:
    assert execution.supported_operations() == frozenset({
        "LambdaInvoke", "S3PutObjectTagging", "S3DeleteObjectTagging", "S3PutObjectCopy", "S3PutObjectAcl",
        "S3PutObjectLegalHold", "S3PutObjectRetention", "S3InitiateRestoreObject", "S3ComputeObjectChecksum",
        "S3UpdateObjectEncryption", "S3ReplicateObject"})


def test_put_tagging_replaces_tags(stack: Stack) -> None:
    stack.put("a b")
    stack.s3.put_object_tagging(Bucket=stack.data_bucket, Key="a b", Tagging={"TagSet": [{"Key": "old", "Value": "1"}]})
    report = stack.run_rows({"S3PutObjectTagging": {"TagSet": [{"Key": "k", "Value": "v"}]}},
                            f"{stack.data_bucket},a%20b\n")
    assert stack.s3.get_object_tagging(Bucket=stack.data_bucket, Key="a b")["TagSet"] == [{"Key": "k", "Value": "v"}]
    assert report["a%20b"][3:] == ["succeeded", "200", "", "Successful"]


def test_delete_tagging_on_a_version(stack: Stack) -> None:
    stack.versioned()
    v1 = stack.put("k")["VersionId"]
    stack.put("k")
    for version in (v1, None):
        extra = {"VersionId": version} if version else {}
        stack.s3.put_object_tagging(Bucket=stack.data_bucket, Key="k", Tagging={"TagSet": [{"Key": "t", "Value": "1"}]},
                                    **extra)
    report = stack.run_rows({"S3DeleteObjectTagging": {}}, f"{stack.data_bucket},k,{v1}\n")
    assert report["k"][2:4] == [v1, "succeeded"]
    assert stack.s3.get_object_tagging(Bucket=stack.data_bucket, Key="k", VersionId=v1)["TagSet"] == []
    assert stack.s3.get_object_tagging(Bucket=stack.data_bucket, Key="k")["TagSet"] != []


def test_empty_version_in_a_versioned_manifest_fails_the_task(stack: Stack) -> None:
    stack.put("k")
    report = stack.run_rows({"S3DeleteObjectTagging": {}}, f"{stack.data_bucket},k,\n")
    assert report["k"][3:] == ["failed", "400", "InvalidRequest", "Task failed due to missing VersionId"]


def test_copy_with_prefix_metadata_storage_class_and_tags(stack: Stack) -> None:
    stack.s3.create_bucket(Bucket="copy-target")
    stack.put("dir/a b.txt", b"hello")
    operation = {"S3PutObjectCopy": {
        "TargetResource": "arn:aws:s3:::copy-target", "TargetKeyPrefix": "copied", "MetadataDirective": "REPLACE",
        "NewObjectMetadata": {"ContentType": "text/plain", "UserMetadata": {"origin": "batch"}},
        "StorageClass": "STANDARD_IA", "NewObjectTagging": [{"Key": "copied", "Value": "yes"}]}}
    report = stack.run_rows(operation, f"{stack.data_bucket},dir/a%20b.txt\n")
    assert report["dir/a%20b.txt"][3] == "succeeded"
    head = stack.s3.head_object(Bucket="copy-target", Key="copied/dir/a b.txt")
    assert head["ContentType"] == "text/plain" and head["Metadata"] == {"origin": "batch"}
    assert head["StorageClass"] == "STANDARD_IA"
    assert stack.s3.get_object_tagging(Bucket="copy-target", Key="copied/dir/a b.txt")["TagSet"] == [
        {"Key": "copied", "Value": "yes"}]
    assert stack.s3.get_object(Bucket="copy-target", Key="copied/dir/a b.txt")["Body"].read() == b"hello"


def test_copy_with_access_control_grants_and_requester_pays(stack: Stack) -> None:
    stack.s3.create_bucket(Bucket="copy-target")
    stack.put("granted")
    operation = {"S3PutObjectCopy": {
        "TargetResource": "arn:aws:s3:::copy-target", "RequesterPays": True, "AccessControlGrants": [
            {"Grantee": {"TypeIdentifier": "uri", "Identifier": ALL_USERS}, "Permission": "READ"}]}}
    report = stack.run_rows(operation, f"{stack.data_bucket},granted\n")
    assert report["granted"][3] == "succeeded", report
    assert acl_grants(stack, "granted", bucket="copy-target") == [(ALL_USERS, "READ")]


WRITE_GRANT = [{"Grantee": {"TypeIdentifier": "uri", "Identifier": ALL_USERS}, "Permission": "WRITE"}]


@pytest.mark.parametrize(("operation", "code", "named"), [
    ({"S3PutObjectCopy": {"TargetResource": "arn:aws:s3:::data-bucket", "AnnotationDirective": "COPY"}},
     "UnsupportedOperation", "AnnotationDirective"),
    ({"S3PutObjectCopy": {"TargetResource": "arn:aws:s3:::data-bucket", "AccessControlGrants": WRITE_GRANT}},
     "UnsupportedOperation", "WRITE"),
    ({"S3PutObjectLegalHold": {"LegalHold": {"Status": "ON"}}}, "ObjectLockNotEnabled", "data-bucket"),
    ({"S3PutObjectRetention": {"Retention": {"Mode": "GOVERNANCE"}}}, "ObjectLockNotEnabled", "data-bucket"),
], ids=["copy annotations", "copy WRITE grant", "legal hold, no Object Lock", "retention, no Object Lock"])
def test_a_job_the_emulator_or_the_bucket_cannot_take_fails_before_any_task(stack: Stack, operation: dict, code: str,
                                                                            named: str) -> None:
    """An option the emulator cannot apply is refused, never dropped; Object Lock jobs check the bucket first."""
    stack.put("a")
    failure = job_failure(stack.request(operation, stack.manifest(f"{stack.data_bucket},a\n"), stack.role()))
    assert failure.failure_code == code and named in failure.reason


def test_put_acl_canned_and_explicit(stack: Stack) -> None:
    stack.put("canned")
    stack.put("explicit")
    stack.run_rows({"S3PutObjectAcl": {"AccessControlPolicy": {"CannedAccessControlList": "public-read"}}},
           f"{stack.data_bucket},canned\n")
    assert len(stack.s3.get_object_acl(Bucket=stack.data_bucket, Key="canned")["Grants"]) == 2
    owner = stack.s3.get_object_acl(Bucket=stack.data_bucket, Key="explicit")["Owner"]
    policy = {"AccessControlList": {"Owner": {"ID": owner["ID"]}, "Grants": [
        {"Grantee": {"TypeIdentifier": "uri", "Identifier": ALL_USERS}, "Permission": "READ"}]}}
    report = stack.run_rows({"S3PutObjectAcl": {"AccessControlPolicy": policy}}, f"{stack.data_bucket},explicit\n")
    assert report["explicit"][3] == "succeeded", report
    assert acl_grants(stack, "explicit") == [(ALL_USERS, "READ")]


def test_legal_hold_and_retention_on_a_lock_bucket(stack: Stack) -> None:
    stack.s3.create_bucket(Bucket="lock-bucket", ObjectLockEnabledForBucket=True)
    stack.put("locked", bucket="lock-bucket")
    report = stack.run_rows({"S3PutObjectLegalHold": {"LegalHold": {"Status": "ON"}}}, "lock-bucket,locked\n")
    assert stack.s3.get_object_legal_hold(Bucket="lock-bucket", Key="locked")["LegalHold"] == {"Status": "ON"}
    assert report["locked"][3] == "succeeded"
    until = datetime(2031, 1, 1, tzinfo=UTC)
    stack.run_rows({"S3PutObjectRetention": {"Retention": {"Mode": "GOVERNANCE", "RetainUntilDate": until}}},
           "lock-bucket,locked\n")
    head = stack.s3.head_object(Bucket="lock-bucket", Key="locked")
    assert head["ObjectLockMode"] == "GOVERNANCE" and head["ObjectLockRetainUntilDate"] == until


def test_a_task_whose_runner_raises_is_still_reported(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    stack.put("a")
    stack.put("b")
    request = stack.request({"S3DeleteObjectTagging": {}}, stack.manifest(f"{stack.data_bucket},a\n{stack.data_bucket},b\n"),
                            stack.role())
    prepared = execution.prepare(request)
    original = prepared.operation.run

    def explode_on_b(task):  # type: ignore[no-untyped-def]
        if task.key == "b":
            raise RuntimeError("engine bug")
        return original(task)

    monkeypatch.setattr(prepared.operation, "run", explode_on_b)
    result = execution.execute(prepared, Progress())
    assert (result.succeeded, result.failed) == (1, 1)
    assert ["data-bucket", "b", "", "failed", "500", "InternalError", "RuntimeError: engine bug"] in \
        stack.result_rows(result.report_keys)


# --- S3 rules the local S3 (moto) does not enforce: s3batch/emulator/engine/s3_rules.py --------------------------------


def test_acl_on_a_version_is_set_on_that_version_or_refused_never_reported_done_elsewhere(stack: Stack) -> None:
    stack.versioned()
    stack.put("k")
    current = stack.put("k")["VersionId"]
    public = {"S3PutObjectAcl": {"AccessControlPolicy": {"CannedAccessControlList": "public-read"}}}
    report = stack.run_rows(public, f"{stack.data_bucket},k,{current}\n")
    assert report["k"][3] == "succeeded" and (ALL_USERS, "READ") in acl_grants(stack, "k", VersionId=current)
    stack.put("j")
    older = stack.s3.list_object_versions(Bucket=stack.data_bucket, Prefix="j")["Versions"][0]["VersionId"]
    stack.put("j")
    report = stack.run_rows(public, f"{stack.data_bucket},j,{older}\n")
    # moto keeps one ACL per key: refused, not faked on the current version
    assert report["j"][3:] == ["failed", "501", "NotImplemented", s3_rules.NOT_CURRENT.message]
    assert (ALL_USERS, "READ") not in acl_grants(stack, "j")


@pytest.mark.parametrize("operation", [
    {"S3PutObjectTagging": {"TagSet": [{"Key": "k", "Value": "v"}]}},
    {"S3DeleteObjectTagging": {}},
    {"S3PutObjectLegalHold": {"LegalHold": {"Status": "ON"}}},
    {"S3PutObjectRetention": {"Retention": {"Mode": "GOVERNANCE", "RetainUntilDate": datetime(2031, 1, 1, tzinfo=UTC)}}},
    {"S3PutObjectAcl": {"AccessControlPolicy": {"CannedAccessControlList": "private"}}},
])
def test_a_missing_object_is_404_no_such_key_for_every_operation(stack: Stack, operation: dict) -> None:
    stack.s3.create_bucket(Bucket="lock-bucket", ObjectLockEnabledForBucket=True)
    report = stack.run_rows(operation, "lock-bucket,missing\n")
    assert report["missing"][3:7] == ["failed", "404", "NoSuchKey", "The specified key does not exist."]


def test_retention_follows_object_lock_rules(stack: Stack) -> None:
    """Which changes Object Lock allows is test_s3_rules.py's table; here: a refusal is the task's row, S3's words,
    and what is allowed is applied."""
    stack.s3.create_bucket(Bucket="lock-bucket", ObjectLockEnabledForBucket=True)
    until = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    stack.put("g", b"x", "lock-bucket", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until)

    def retention(days: int, bypass: bool) -> list[str]:
        wanted = {"Mode": "GOVERNANCE", "RetainUntilDate": until + timedelta(days=days)}
        operation = {"S3PutObjectRetention": {"Retention": wanted, "BypassGovernanceRetention": bypass}}
        return stack.run_rows(operation, "lock-bucket,g\n")["g"][3:]

    assert retention(-1, bypass=False) == ["failed", "403", "AccessDenied", s3_rules.LOCKED.message]
    assert retention(-1, bypass=True) == ["succeeded", "200", "", "Successful"]
    assert stack.s3.head_object(Bucket="lock-bucket", Key="g")["ObjectLockRetainUntilDate"] == until - timedelta(days=1)


def test_acls_on_a_bucket_with_acls_disabled_are_refused_except_owner_full_control(stack: Stack) -> None:
    stack.s3.put_bucket_ownership_controls(Bucket=stack.data_bucket, OwnershipControls={
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    stack.put("o")
    acl = {"S3PutObjectAcl": {"AccessControlPolicy": {"CannedAccessControlList": "public-read"}}}
    assert stack.run_rows(acl, f"{stack.data_bucket},o\n")["o"][3:7] == [
        "failed", "400", "AccessControlListNotSupported", "The bucket does not allow ACLs"]
    owner = {"S3PutObjectAcl": {"AccessControlPolicy": {"CannedAccessControlList": "bucket-owner-full-control"}}}
    assert stack.run_rows(owner, f"{stack.data_bucket},o\n")["o"][3] == "succeeded"


def test_empty_tag_set_clears_tags_and_duplicate_keys_are_invalid_tag(stack: Stack) -> None:
    stack.put("a")
    stack.s3.put_object_tagging(Bucket=stack.data_bucket, Key="a", Tagging={"TagSet": [{"Key": "x", "Value": "1"}]})
    assert stack.run_rows({"S3PutObjectTagging": {"TagSet": []}}, f"{stack.data_bucket},a\n")["a"][3] == "succeeded"
    assert stack.s3.get_object_tagging(Bucket=stack.data_bucket, Key="a")["TagSet"] == []
    duplicate = {"S3PutObjectTagging": {"TagSet": [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]}}
    assert stack.run_rows(duplicate, f"{stack.data_bucket},a\n")["a"][3:] == [
        "failed", "400", "InvalidTag", "Cannot provide multiple Tags with the same key"]


def test_a_bucket_field_that_is_no_bucket_name_is_a_400(stack: Stack) -> None:
    stack.put("k")
    tagging = {"S3PutObjectTagging": {"TagSet": [{"Key": "t", "Value": "v"}]}}
    report = stack.run_rows(tagging, f"arn:aws:s3:::{stack.data_bucket},k\n")
    assert report["k"][3:6] == ["failed", "400", "InvalidBucketName"]


def test_one_bucket_operations_refuse_a_manifest_naming_two_buckets(stack: Stack) -> None:
    stack.s3.create_bucket(Bucket="lock-bucket", ObjectLockEnabledForBucket=True)
    stack.put("locked", bucket="lock-bucket")
    stack.put("plain")
    lines = f"lock-bucket,locked\n{stack.data_bucket},plain\n"
    request = stack.request({"S3PutObjectLegalHold": {"LegalHold": {"Status": "ON"}}}, stack.manifest(lines), stack.role())
    assert "in one bucket" in job_failure(request).full_reason
    assert stack.s3.head_object(Bucket="lock-bucket", Key="locked").get("ObjectLockLegalHoldStatus") != "ON"
    tagging = {"S3PutObjectTagging": {"TagSet": [{"Key": "t", "Value": "v"}]}}
    assert len(stack.run_rows(tagging, lines)) == 2  # other operations take any number of buckets
