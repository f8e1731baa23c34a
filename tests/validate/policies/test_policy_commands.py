"""`s3batch policy`, `trust-policy` and `submitter-policy`, called in-process; golden files lock the output."""

from __future__ import annotations

import json
from pathlib import Path

import hcl2
from hcl2 import SerializationOptions
import pytest

from s3batch.cli import main
from s3batch_core.terraform.policy import as_list
from validate.policy_commands import to_hcl
from validate.terraform_tools import tffmt

GOLDEN = Path(__file__).parent / "golden"
FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:sentiment:3"
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

# golden file -> CLI arguments
CASES: dict[str, list[str]] = {
    "lambda-invoke.json": ["policy", "LambdaInvoke", "--manifest", "s3://manifest-bucket/manifests/job.csv",
                           "--report", "s3://report-bucket/reports", "--function-arn", FUNCTION],
    "copy-versioned-kms.json": ["policy", "S3PutObjectCopy", "--manifest", "s3://manifest-bucket/manifests/job.csv",
                                "--report", "s3://report-bucket/reports", "--bucket", "source-bucket",
                                "--destination-bucket", "copy-bucket", "--versioned", "--kms-key-arn", KEY,
                                "--region", "eu-west-1"],
    "tagging-inventory.json": ["policy", "S3PutObjectTagging", "--manifest",
                               "s3://inventory-bucket/inv/data-bucket/daily/2024-01-01T00-00Z/manifest.json",
                               "--report", "s3://report-bucket/reports/", "--bucket", "data-bucket", "--inventory"],
    "replicate-generator.json": ["policy", "S3ReplicateObject", "--manifest", "s3://manifest-bucket/generated/",
                                 "--report", "s3://report-bucket/reports", "--bucket", "source-bucket",
                                 "--manifest-generator"],
    "retention.json": ["policy", "S3PutObjectRetention", "--manifest", "s3://manifest-bucket/manifests/*",
                       "--report", "s3://report-bucket", "--bucket", "locked-bucket"],
    "trust.json": ["trust-policy"],
    "trust-source-account.json": ["trust-policy", "--source-account", "123456789012"],
    "submitter.json": ["submitter-policy", "--role-arn", "arn:aws:iam::123456789012:role/batch", "--region", "eu-west-1"],
}


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(capsys: pytest.CaptureFixture[str], name: str) -> None:
    code, out, err = run(capsys, CASES[name])
    assert (code, err) == (0, "")
    assert json.loads(out) == json.loads((GOLDEN / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["policy", "LambdaInvoke", "--manifest", "s3://m-b/k", "--report", "s3://r-b/p"], "--function-arn"),
        (["policy", "S3PutObjectCopy", "--manifest", "s3://m-b/k"], "--report, --bucket, --destination-bucket"),
        (["policy", "S3UpdateObjectEncryption", "--manifest", "s3://m-b/k", "--report", "s3://r-b/p",
          "--bucket", "data"], "--kms-key-arn"),
        (["policy", "S3PutObjectTagging", "--manifest", "m-b/k", "--report", "s3://r-b/p", "--bucket", "data"],
         "--manifest: 'm-b/k' is not an s3://BUCKET/KEY URI"),
        (["policy", "S3PutObjectTagging", "--manifest", "s3://m-b", "--report", "s3://r-b/p", "--bucket", "data"],
         "names no key"),
        (["policy", "S3PutObjectTagging", "--manifest", "s3://m-b/k", "--report", "s3://r-b/p", "--bucket", "Data!"],
         "bucket: 'Data!' is not an S3 bucket name"),
        (["policy", "S3PutObjectTagging", "--manifest", "s3://m-b/k", "--report", "s3://r-b/p", "--bucket", "data",
          "--kms-key-arn", "arn:aws:kms:us-east-1:123456789012:alias/x"], "aliases do not work"),
        (["policy", "S3PutObjectTagging", "--manifest", "s3://m-b/list.csv", "--report", "s3://r-b/p",
          "--bucket", "data", "--inventory"], "not an S3 Inventory manifest.json key"),
        (["trust-policy", "--source-account", "12"], "source_account"),
        (["submitter-policy", "--role-arn", "arn:aws:iam::123456789012:user/u"], "role_arn"),
    ],
)
def test_usage_errors_exit_2_with_one_line(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = run(capsys, argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("s3batch: error: ") and message in err


def test_unknown_operation_is_refused_by_argparse(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["policy", "S3DeleteObject", "--manifest", "s3://m-b/k", "--report", "s3://r-b/p"])
    assert exit_info.value.code == 2


def normalised(statement: dict) -> dict:
    """An IAM JSON statement with every str-or-list field as a list (the shape HCL blocks give)."""
    result = {"Sid": statement["Sid"], "Effect": statement["Effect"], "Action": as_list(statement["Action"])}
    if "Resource" in statement:
        result["Resource"] = as_list(statement["Resource"])
    if "Principal" in statement:
        result["Principal"] = {k: as_list(v) for k, v in statement["Principal"].items()}
    if "Condition" in statement:
        result["Condition"] = {t: {k: as_list(v) for k, v in e.items()} for t, e in statement["Condition"].items()}
    return result


def from_hcl(block: dict) -> dict:
    statement = {"Sid": block["sid"], "Effect": block["effect"], "Action": block["actions"]}
    if "resources" in block:
        statement["Resource"] = block["resources"]
    if "principals" in block:
        statement["Principal"] = {p["type"]: p["identifiers"] for p in block["principals"]}
    if "condition" in block:
        statement["Condition"] = {}
        for c in block["condition"]:
            statement["Condition"].setdefault(c["test"], {})[c["variable"]] = c["values"]
    return statement


@pytest.mark.parametrize("name", sorted(CASES))
def test_terraform_format_is_an_equivalent_policy_document(capsys: pytest.CaptureFixture[str], name: str) -> None:
    code, out, _ = run(capsys, [*CASES[name], "--format", "terraform"])
    assert code == 0
    options = SerializationOptions(strip_string_quotes=True, explicit_blocks=False, with_comments=False)
    (block,) = hcl2.loads(out, serialization_options=options)["data"][0]["aws_iam_policy_document"].values()
    policy = json.loads((GOLDEN / name).read_text(encoding="utf-8"))
    assert [from_hcl(s) for s in block["statement"]] == [normalised(s) for s in policy["Statement"]]
    assert tffmt.problems(out) == []  # laid out as terraform fmt leaves it


def test_terraform_format_escapes_interpolation(capsys: pytest.CaptureFixture[str]) -> None:
    hcl = to_hcl({"Statement": [{"Sid": "S", "Effect": "Allow", "Action": "s3:GetObject",
                                 "Resource": ["arn:aws:s3:::b/${aws:username}/*"]}]}, "x")
    assert '"arn:aws:s3:::b/$${aws:username}/*"' in hcl
