"""The snapshot generator: both sources (terraform's schema JSON, the cdktf jsii assembly) give the same
shape, trimmed to the covered services, with the curated notes added."""

from __future__ import annotations

import json
from pathlib import Path

from validate.provider_schema import load_schema
from validate.provider_schema.extract import from_jsii, from_terraform_json, main, with_curated_notes, write

TERRAFORM_SCHEMA = {
    "format_version": "1.0",
    "provider_schemas": {"registry.terraform.io/hashicorp/aws": {
        "resource_schemas": {
            "aws_s3_bucket": {"block": {
                "attributes": {"bucket": {"type": "string", "optional": True, "computed": True},
                               "bucket_region": {"type": "string", "computed": True},
                               "region": {"type": "string", "optional": True, "computed": True}},
                "block_types": {"versioning": {"nesting_mode": "list", "max_items": 1,
                                               "block": {"attributes": {"enabled": {"type": "bool", "optional": True}},
                                                         "deprecated": True}}}}},
            "aws_instance": {"block": {"attributes": {"ami": {"type": "string", "required": True}}}},
        },
        "data_source_schemas": {
            "aws_region": {"block": {"attributes": {"name": {"type": "string", "computed": True, "deprecated": True},
                                                    "region": {"type": "string", "optional": True}}}},
        },
    }},
}


def _doc(kind: str, name: str, field: str | None = None) -> str:
    anchor = f"#{field}" if field else ""
    return f"Docs at Terraform Registry: {{@link https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/{kind}/{name}{anchor} X}}."


ASSEMBLY = {"version": "21.22.1", "types": {
    "p.s3Bucket.S3Bucket": {
        "base": "cdktf.TerraformResource", "docs": {"summary": f"Represents {_doc('resources', 's3_bucket')}"},
        "initializer": {"parameters": [{"name": "config", "type": {"fqn": "p.s3Bucket.S3BucketConfig"}}]},
        "properties": [{"name": "tfResourceType", "static": True}, {"name": "bucketRegion"}, {"name": "bucketInput"},
                       {"name": "bucket"}],
    },
    "p.s3Bucket.S3BucketConfig": {"properties": [
        {"name": "bucket", "optional": True, "type": {"primitive": "string"}, "docs": {"summary": _doc("resources", "s3_bucket", "bucket")}},
        {"name": "region", "optional": True, "type": {"primitive": "string"}, "docs": {"remarks": _doc("resources", "s3_bucket", "region")}},
        {"name": "versioning", "optional": True, "type": {"fqn": "p.s3Bucket.S3BucketVersioning"},
         "docs": {"summary": "versioning block.", "remarks": _doc("resources", "s3_bucket", "versioning")}},
    ]},
    "p.s3Bucket.S3BucketVersioning": {"properties": [
        {"name": "enabled", "optional": True, "type": {"primitive": "boolean"},
         "docs": {"summary": _doc("resources", "s3_bucket", "enabled")}}]},
    "p.instance.Instance": {
        "base": "cdktf.TerraformResource", "docs": {"summary": f"Represents {_doc('resources', 'instance')}"},
        "initializer": {"parameters": [{"name": "config", "type": {"fqn": "p.instance.InstanceConfig"}}]},
    },
}}


def test_both_sources_give_the_same_trimmed_shape() -> None:
    from_terraform = {**from_terraform_json(TERRAFORM_SCHEMA), "version": "6.25.0"}
    for snapshot in (with_curated_notes(from_terraform), with_curated_notes(from_jsii(ASSEMBLY))):
        assert list(snapshot["resource"]) == ["aws_s3_bucket"], "aws_instance is outside the covered services"
        bucket = snapshot["resource"]["aws_s3_bucket"]
        assert bucket["arguments"]["bucket_region"] == "computed"
        assert bucket["arguments"]["region"] == "optional"
        assert bucket["blocks"]["versioning"]["max_items"] == 1
        assert bucket["blocks"]["versioning"]["block"]["arguments"] == {"enabled": "optional"}
        assert bucket["notes"]["region"]["when"] == "read"
        assert bucket["notes"]["versioning"]["severity"] == "warning"
    assert from_jsii(ASSEMBLY)["version"] == "6.25.0"
    assert with_curated_notes(from_terraform)["data"]["aws_region"]["notes"]["name"]["when"] == "any"


def test_6x_notes_stay_out_of_a_5x_snapshot() -> None:
    """In provider 5.x aws_s3_bucket.region was the bucket's Region; only the schema's own deprecations apply."""
    snapshot = with_curated_notes({**from_terraform_json(TERRAFORM_SCHEMA), "version": "5.100.0"})
    assert "region" not in snapshot["resource"]["aws_s3_bucket"].get("notes", {})
    assert snapshot["data"]["aws_region"]["notes"]["name"]["message"] == "deprecated in this provider version"


def test_written_snapshot_loads_and_main_reads_saved_terraform_output(tmp_path: Path) -> None:
    saved = tmp_path / "schema.json"
    saved.write_text(json.dumps(TERRAFORM_SCHEMA))
    target = tmp_path / "aws.json"
    assert main(["--from-json", str(saved), "--version", "6.99.0", "--output", str(target)]) == 0
    schema = load_schema(target)
    assert schema.version == "6.99.0" and schema.block("resource", "aws_s3_bucket") is not None
    write(from_jsii(ASSEMBLY), target)
    assert load_schema(target).version == "6.25.0"


def test_unreadable_source_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nope.json"
    assert main(["--from-json", str(missing), "--output", str(tmp_path / "out.json")]) == 2
    assert capsys.readouterr().err.startswith("provider-schema: cannot read the schema: [Errno 2]")
