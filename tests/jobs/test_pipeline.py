"""The submit pipeline's pieces: sources, cost inputs, the request check before uploads, the job identity."""

from __future__ import annotations

import gzip
import io
import json
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from s3batch_core.errors import UsageError
from s3batch.jobs.pipeline import JobSettings, ManifestSource, SourceKind, cost_inputs, prepare_manifest
from s3batch.jobs.submit import GeneratorSettings, ReportSettings
from s3batch.jobs.target import Clients, JobTarget

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:sentiment:1"
SETTINGS = JobSettings(account_id="123456789012", region="us-east-1", role_arn="arn:aws:iam::123456789012:role/r",
                       manifest_bucket="man-bkt", manifest_prefix="manifests/", data_bucket="data-bkt",
                       data_prefix="input/", report=ReportSettings("rep-bkt"))


def test_inventory_source_counts_rows_through_the_gzip_files(s3: Any) -> None:
    s3.create_bucket(Bucket="inv")
    doc = {"sourceBucket": "src", "destinationBucket": "arn:aws:s3:::inv", "version": "2016-11-30",
           "creationTimestamp": "1", "fileFormat": "CSV", "fileSchema": "Bucket, Key, Size",
           "files": [{"key": f"data/{i}.csv.gz", "size": 1, "MD5checksum": "x"} for i in range(2)]}
    s3.put_object(Bucket="inv", Key="m/manifest.json", Body=json.dumps(doc).encode())
    s3.put_object(Bucket="inv", Key="data/0.csv.gz", Body=gzip.compress(b'"src","a","1"\n"src","b","2"\n'))
    s3.put_object(Bucket="inv", Key="data/1.csv.gz", Body=gzip.compress(b'"src","c","3"\n'))
    prepared = prepare_manifest(s3, ManifestSource(SourceKind.INVENTORY, "s3://inv/m/manifest.json"), SETTINGS)
    assert prepared.stats is not None and prepared.stats.rows == 3
    assert prepared.location is not None and prepared.location.to_job_manifest()["Spec"] == {
        "Format": "S3InventoryReport_CSV_20161130"}  # no Fields: an inventory's columns come from its manifest.json


def test_generator_source_has_no_manifest_to_upload() -> None:
    generator = GeneratorSettings("src", {})
    prepared = prepare_manifest(None, ManifestSource(SourceKind.GENERATOR, "src", generator=generator), SETTINGS)
    assert prepared.location is None and prepared.generator is generator and prepared.stats is None


def test_listing_source_needs_an_s3_uri() -> None:
    with pytest.raises(UsageError, match="expected s3://BUCKET"):
        prepare_manifest(None, ManifestSource(SourceKind.LISTING, "my-bucket"), SETTINGS)


@pytest.mark.parametrize(("variables", "comprehend", "expected"), [
    ({"SENTIMENT_BACKEND": "comprehend"}, "auto", (True, None)),
    ({"SENTIMENT_BACKEND": "lexicon"}, "auto", (False, None)),
    ({"SENTIMENT_BACKEND": "comprehend", "SENTIMENT_MODE": "full", "MAX_BYTES": "20000"}, "auto", (True, 20000)),
    ({}, "yes", (True, None)),
])
def test_cost_inputs_read_the_function_configuration(variables: dict[str, str], comprehend: str,
                                                     expected: tuple[bool, int | None]) -> None:
    lambda_client = boto3.client("lambda", region_name="us-east-1")
    request: dict[str, Any] = {"Operation": {"LambdaInvoke": {"FunctionArn": FUNCTION, "InvocationSchemaVersion": "2.0"}}}
    with Stubber(lambda_client) as stub:
        stub.add_response("get_function_configuration", {"MemorySize": 256, "Environment": {"Variables": variables}},
                          {"FunctionName": FUNCTION})
        inputs = cost_inputs(Clients(JobTarget(), _made={"lambda": lambda_client}), request, prepare_manifest(
            None, ManifestSource(SourceKind.GENERATOR, "src", generator=GeneratorSettings("src", {})), SETTINGS), comprehend)
    assert inputs.lambda_memory_mb == 256
    assert (inputs.comprehend, inputs.comprehend_read_bytes) == expected


@pytest.mark.parametrize(("options", "named"), [
    ({"description": "d" * 300}, "Description is 300 characters long, more than the maximum 256"),
    ({"priority": 2**31}, "Priority is 2147483648, more than the maximum 2147483647"),
    ({"priority": -1}, "Invalid value for parameter Priority, value: -1, valid min value: 0"),
    ({"tags": (("team", "a!"),)}, "Tags[0].Value 'a!' does not match the pattern"),
    ({"tags": tuple((f"k{i}", "v") for i in range(51))}, "a job can have at most 50 tags; got 51"),
])
def test_a_request_aws_would_refuse_fails_before_anything_is_uploaded(tmp_path: Any, options: dict[str, Any],
                                                                       named: str) -> None:
    from s3batch_core.errors import InputError
    from s3batch.jobs.pipeline import SubmitOptions, submit
    from s3batch.jobs.submit import JobOptions

    (tmp_path / "a.txt").write_text("text")
    operation = {"LambdaInvoke": {"FunctionArn": FUNCTION, "InvocationSchemaVersion": "2.0"}}
    with pytest.raises(InputError, match="CreateJob request") as caught:
        # clients=None: any S3 call (an upload) would fail with AttributeError, not InputError
        submit(None, SETTINGS, ManifestSource(SourceKind.FOLDER, str(tmp_path)), operation, JobOptions(**options),
               SubmitOptions(), log=io.StringIO())
    assert named in str(caught.value)


def test_editing_a_folder_file_makes_a_new_job_identity_and_a_plain_rerun_does_not(s3: Any, tmp_path: Any) -> None:
    from s3batch.jobs.pipeline import SubmitOptions, submit
    from s3batch.jobs.submit import JobOptions

    for bucket in ("man-bkt", "data-bkt", "rep-bkt"):
        s3.create_bucket(Bucket=bucket)
    clients = Clients(JobTarget(region="us-east-1", account_id_hint="123456789012"))
    (tmp_path / "a.txt").write_text("I love this")
    operation = {"LambdaInvoke": {"FunctionArn": FUNCTION, "InvocationSchemaVersion": "2.0"}}

    def token() -> str:
        done = submit(clients, SETTINGS, ManifestSource(SourceKind.FOLDER, str(tmp_path)), operation, JobOptions(),
                      SubmitOptions(dry_run=True, skip_preflight=True), log=io.StringIO())
        return str(done.request["ClientRequestToken"])

    first = token()
    assert token() == first
    (tmp_path / "a.txt").write_text("I hate this")  # same key, so the same manifest; other bytes
    assert token() != first
