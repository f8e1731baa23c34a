import json
from pathlib import Path

import pytest

from s3batch_core.errors import InputError
from s3batch_core.contract.stack_outputs import OUTPUTS, StackOutputs, load_outputs, parse_outputs, to_terraform_json

GOOD = StackOutputs(
    bucket_name="s3batch-kit-data",
    data_prefix="input/",
    manifest_bucket="s3batch-kit-data",
    manifest_prefix="manifests/",
    report_bucket="s3batch-kit-data",
    report_prefix="reports",
    batch_role_arn="arn:aws:iam::123456789012:role/s3batch-kit-batch",
    function_arn="arn:aws:lambda:us-east-1:123456789012:function:s3batch-kit-sentiment:3",
    region="us-east-1",
    account_id="123456789012",
    operation="LambdaInvoke",
    invocation_schema_version="2.0",
)


def test_round_trip_through_terraform_json_shape(tmp_path: Path) -> None:
    document = to_terraform_json(GOOD)
    assert set(document) == set(OUTPUTS)
    assert document["region"] == {"sensitive": False, "type": "string", "value": "us-east-1"}
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(document))
    assert load_outputs(path) == GOOD


MISSING = object()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("batch_role_arn", MISSING, "is missing"),
        ("account_id", "12345", "not a 12-digit account id"),
        ("function_arn", "my-function", "not a Lambda function ARN"),
        ("invocation_schema_version", "3.0", "not \"1.0\" or \"2.0\""),
        ("bucket_name", "", "must be a non-empty string"),
        ("region", 5, "must be a non-empty string"),
        ("region", "us-east-1\n", "not an AWS Region name"),
        ("account_id", "123456789012\n", "not a 12-digit account id"),
    ],
)
def test_malformed_output_is_named(name: str, value: object, message: str) -> None:
    document = to_terraform_json(GOOD)
    if value is MISSING:
        del document[name]
    else:
        document[name]["value"] = value
    with pytest.raises(InputError, match=f"output '{name}'.*{message}"):
        parse_outputs(document, "outputs.json")


def test_empty_prefixes_are_allowed() -> None:
    document = to_terraform_json(GOOD)
    document["data_prefix"]["value"] = ""
    assert parse_outputs(document, "x").data_prefix == ""


def test_unreadable_file_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "outputs.json"
    path.write_text("{not json")
    with pytest.raises(InputError, match="outputs.json: not valid JSON: Expecting property name .* at line 1 column 2"):
        load_outputs(path)
    with pytest.raises(InputError, match="outputs file not found"):
        load_outputs(tmp_path / "absent.json")
