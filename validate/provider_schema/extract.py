"""Regenerate the trimmed AWS provider schema snapshot (`make provider-schema`; not part of CI).

The two sources (`terraform providers schema -json`, or the jsii assembly of the PyPI package
cdktf-cdktf-provider-aws) and how they compare: docs/terraform.md. The assembly records no deprecations and no
max-items other than 1: CURATED_NOTES below add the deprecations to any 6.x snapshot. Only the services stacks of
this kind touch are kept (COVERED_PREFIXES), and of each type only what the checker needs: arguments
(required/optional/computed), nested blocks with their nesting, notes on deprecated or repurposed names.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from validate.provider_schema import DEFAULT_SNAPSHOT, ProviderSchema

CDKTF_PACKAGE = "cdktf-cdktf-provider-aws"
CDKTF_VERSION = "21.22.1"  # generated from hashicorp/aws 6.25.0 (the version is in its documentation links)
PROVIDER_SOURCE = "registry.terraform.io/hashicorp/aws"
# S3, S3 Control, IAM, Lambda, CloudWatch Logs and Events (EventBridge), KMS, SNS, SQS, and the account
# and Region data sources every stack reads.
COVERED_PREFIXES = (
    "aws_s3_", "aws_s3control_", "aws_iam_", "aws_lambda_", "aws_cloudwatch_log_", "aws_cloudwatch_event_",
    "aws_kms_", "aws_sns_", "aws_sqs_",
)
COVERED_TYPES = ("aws_caller_identity", "aws_region", "aws_partition", "aws_default_tags", "aws_arn")
UPGRADE_GUIDE = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/guides/version-6-upgrade"

# What the jsii assembly cannot say. (kind, type, name) -> (when, severity, message); when is "read" (an
# attribute reference) or "any" (set or read). Sources: the provider's upgrade guides (v4 for the S3
# bucket's inline configuration, v6 for Enhanced Region Support and aws_region.name) and the
# provider's documentation of aws_iam_role.
_S3_BUCKET_SPLIT = ("acceleration_status", "acl", "cors_rule", "grant", "lifecycle_rule", "logging",
                    "object_lock_configuration", "policy", "replication_configuration", "request_payer",
                    "server_side_encryption_configuration", "versioning", "website")
CURATED_NOTES: dict[tuple[str, str, str], tuple[str, str, str]] = {
    **{("resource", "aws_s3_bucket", name): (
        "any", "warning", f"deprecated since provider 4.x: use the separate aws_s3_bucket_* resource for {name}")
       for name in _S3_BUCKET_SPLIT},
    ("resource", "aws_s3_bucket", "region"): (
        "read", "error", "in provider 6.x `region` is the Region the provider manages the bucket from "
        "(Enhanced Region Support); the bucket's own Region is `bucket_region`"),
    ("data", "aws_s3_bucket", "region"): (
        "read", "error", "in provider 6.x `region` is the Region the provider reads the bucket from "
        "(Enhanced Region Support); the bucket's own Region is `bucket_region`"),
    ("data", "aws_region", "name"): ("any", "warning", "deprecated in provider 6.x: use `region`"),
    ("resource", "aws_iam_role", "inline_policy"): (
        "any", "warning", "deprecated: use aws_iam_role_policy (or aws_iam_role_policies_exclusive)"),
    ("resource", "aws_iam_role", "managed_policy_arns"): (
        "any", "warning", "deprecated: use aws_iam_role_policy_attachment (or aws_iam_role_policy_attachments_exclusive)"),
}


def covered(type_name: str) -> bool:
    return type_name in COVERED_TYPES or type_name.startswith(COVERED_PREFIXES)


# ---- from `terraform providers schema -json` ------------------------------------------------------------


def from_terraform_json(document: dict[str, Any]) -> dict[str, Any]:
    """The snapshot from the output of `terraform providers schema -json`."""
    schemas = document.get("provider_schemas", {})
    key = next((k for k in schemas if k.endswith("hashicorp/aws")), None)
    if key is None:
        raise ValueError("no hashicorp/aws provider in the schema (run terraform init with the aws provider first)")
    provider = schemas[key]
    types = {"resource": provider.get("resource_schemas", {}), "data": provider.get("data_source_schemas", {})}
    out = {kind: {name: _block_from_terraform(schema["block"]) for name, schema in sorted(found.items()) if covered(name)}
           for kind, found in types.items()}
    return _snapshot(out, version=None, source="terraform providers schema -json")


def _block_from_terraform(block: dict[str, Any]) -> dict[str, Any]:
    arguments, deprecated = {}, {}
    for name, attribute in block.get("attributes", {}).items():
        arguments[name] = "required" if attribute.get("required") else "optional" if attribute.get("optional") else "computed"
        if attribute.get("deprecated"):
            deprecated[name] = "deprecated in this provider version"
    blocks = {}
    for name, nested in block.get("block_types", {}).items():
        entry = {"nesting": nested.get("nesting_mode", "list"), "block": _block_from_terraform(nested["block"])}
        for limit in ("min_items", "max_items"):
            if nested.get(limit):
                entry[limit] = nested[limit]
        if nested["block"].get("deprecated"):
            deprecated[name] = "deprecated in this provider version"
        blocks[name] = entry
    return _compact(arguments, blocks, deprecated)


# ---- from the cdktf jsii assembly ---------------------------------------------------------------------------

_DOC_LINK = re.compile(r"hashicorp/aws/(?P<version>[0-9.]+)/docs/(?P<kind>resources|data-sources)/(?P<name>\w+)(?:#(?P<field>\w+))?")


def from_jsii(assembly: dict[str, Any]) -> dict[str, Any]:
    """The snapshot from the jsii assembly of cdktf-cdktf-provider-aws."""
    types: dict[str, Any] = assembly["types"]
    out: dict[str, dict[str, Any]] = {"resource": {}, "data": {}}
    version = None
    for cls in types.values():
        if cls.get("base") not in ("cdktf.TerraformResource", "cdktf.TerraformDataSource"):
            continue
        link = _DOC_LINK.search(cls.get("docs", {}).get("summary", ""))
        if link is None:
            continue
        kind = "resource" if link["kind"] == "resources" else "data"
        type_name = f"aws_{link['name']}"
        version = link["version"]
        if not covered(type_name):
            continue
        config = next(p for p in cls["initializer"]["parameters"] if p["name"] == "config")
        struct = types[config["type"]["fqn"]]
        block = _block_from_struct(types, struct)
        configured = {p["name"] for p in struct.get("properties", [])}
        for prop in cls.get("properties", []):  # the class's other properties are its computed attributes
            name = prop["name"]
            if not (prop.get("static") or name.endswith("Input") or name in configured):
                block["arguments"].setdefault(_snake(name), "computed")
        out[kind][type_name] = block
    if version is None:
        raise ValueError("no aws_* resource found in the jsii assembly")
    return _snapshot({k: dict(sorted(v.items())) for k, v in out.items()}, version=version,
                     source=f"{CDKTF_PACKAGE} {assembly.get('version', '?')} (jsii assembly)")


def _block_from_struct(types: dict[str, Any], struct: dict[str, Any]) -> dict[str, Any]:
    arguments: dict[str, str] = {}
    blocks: dict[str, Any] = {}
    for prop in struct.get("properties", []):
        docs = prop.get("docs", {})
        link = _DOC_LINK.search(docs.get("summary", "") + " " + docs.get("remarks", ""))
        name = link["field"] if link and link["field"] else _snake(prop["name"])
        nested_fqn = _struct_of(prop["type"])
        if re.fullmatch(r"\w+ block\.", docs.get("summary", "")) and nested_fqn in types:
            entry = {"nesting": "list", "block": _block_from_struct(types, types[nested_fqn])}
            if "fqn" in prop["type"]:  # one struct, not a list of them
                entry["max_items"] = 1
            if not prop.get("optional"):
                entry["min_items"] = 1
            blocks[name] = entry
        else:
            arguments[name] = "optional" if prop.get("optional") else "required"
    return _compact(arguments, blocks, {})


def _struct_of(type_ref: dict[str, Any]) -> str | None:
    if "fqn" in type_ref:
        return type_ref["fqn"]
    for option in type_ref.get("union", {}).get("types", []):
        element = option.get("collection", {}).get("elementtype", {})
        if "fqn" in element:
            return element["fqn"]
    return None


def _snake(camel: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", camel).lower()


# ---- common -------------------------------------------------------------------------------------------------


def _compact(arguments: dict[str, str], blocks: dict[str, Any], deprecated: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {"arguments": dict(sorted(arguments.items()))}
    if blocks:
        out["blocks"] = dict(sorted(blocks.items()))
    if deprecated:
        out["notes"] = {name: {"when": "any", "severity": "warning", "message": text} for name, text in sorted(deprecated.items())}
    return out


def with_curated_notes(snapshot: dict[str, Any]) -> dict[str, Any]:
    """Add CURATED_NOTES to a 6.x snapshot (they describe 6.x: in 5.x `aws_s3_bucket.region` was the bucket's)."""
    if not str(snapshot.get("version") or "").startswith("6."):
        return snapshot
    for (kind, type_name, name), (when, severity, message) in CURATED_NOTES.items():
        block = snapshot[kind].get(type_name)
        if block is not None:
            block.setdefault("notes", {})[name] = {"when": when, "severity": severity, "message": message}
    return snapshot


def _snapshot(types: dict[str, dict[str, Any]], *, version: str | None, source: str) -> dict[str, Any]:
    return {"provider": PROVIDER_SOURCE, "version": version, "source": source,
            "covered_prefixes": list(COVERED_PREFIXES), "covered_types": list(COVERED_TYPES),
            "notes_source": UPGRADE_GUIDE, "resource": types["resource"], "data": types["data"]}


def download_assembly(version: str, workdir: Path) -> dict[str, Any]:
    """pip download the cdktf package (no dependencies) and read its jsii assembly out of the wheel."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(workdir),
                    f"{CDKTF_PACKAGE}=={version}"], check=True)
    return read_assembly(next(workdir.glob("*.whl")))


def read_assembly(wheel: Path) -> dict[str, Any]:
    """The jsii assembly inside a cdktf-cdktf-provider-aws wheel."""
    with zipfile.ZipFile(wheel) as archive:
        tarball_name = next(n for n in archive.namelist() if n.endswith(".jsii.tgz"))
        with tarfile.open(fileobj=io.BytesIO(archive.read(tarball_name))) as tarball:
            member = tarball.extractfile("package/.jsii")
            if member is None:
                raise ValueError(f"{wheel.name}: no package/.jsii in {tarball_name}")
            return json.load(member)


def write(snapshot: dict[str, Any], target: Path) -> None:
    """Write the snapshot compactly (one type per line keeps diffs readable) and check it loads."""
    fields = [f"  {json.dumps(key)}: {json.dumps(value)}"
              for key, value in snapshot.items() if key not in ("resource", "data")]
    for section in ("resource", "data"):
        entries = ",\n".join(f"    {json.dumps(name)}: {json.dumps(block, separators=(',', ':'))}"
                              for name, block in snapshot[section].items())
        fields.append(f'  "{section}": {{\n{entries}\n  }}')
    text = "{\n" + ",\n".join(fields) + "\n}\n"
    ProviderSchema(json.loads(text), str(target))  # refuses a snapshot the checker could not read
    target.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate the snapshot; exit 0 written, 2 when the source cannot be read."""
    parser = argparse.ArgumentParser(prog="python -m validate.provider_schema.extract", description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--from-json", type=Path, help="saved output of `terraform providers schema -json`")
    source.add_argument("--from-terraform", type=Path, metavar="DIR",
                        help="run `terraform providers schema -json` in this initialised directory")
    source.add_argument("--from-wheel", type=Path, help=f"an already downloaded {CDKTF_PACKAGE} wheel")
    source.add_argument("--cdktf-version", default=CDKTF_VERSION, help=f"version of {CDKTF_PACKAGE} to read")
    parser.add_argument("--version", help="provider version to record (the terraform sources do not say)")
    parser.add_argument("--output", type=Path, default=DEFAULT_SNAPSHOT)
    args = parser.parse_args(argv)
    try:
        snapshot = _read_source(args)
    except (OSError, ValueError, KeyError, StopIteration, subprocess.CalledProcessError) as exc:
        print(f"provider-schema: cannot read the schema: {exc}", file=sys.stderr)
        return 2
    if args.version:
        snapshot["version"] = args.version
    write(with_curated_notes(snapshot), args.output)
    print(f"provider-schema: {args.output}: hashicorp/aws {snapshot['version']}, "
          f"{len(snapshot['resource'])} resource and {len(snapshot['data'])} data source types from {snapshot['source']}")
    return 0


def _read_source(args: argparse.Namespace) -> dict[str, Any]:
    if args.from_json:
        return from_terraform_json(json.loads(args.from_json.read_text(encoding="utf-8")))
    if args.from_terraform:
        terraform = ["terraform", f"-chdir={args.from_terraform}"]
        done = subprocess.run([*terraform, "providers", "schema", "-json"], capture_output=True, text=True, check=True)
        snapshot = from_terraform_json(json.loads(done.stdout))
        versions = subprocess.run([*terraform, "version", "-json"], capture_output=True, text=True, check=True)
        snapshot["version"] = json.loads(versions.stdout).get("provider_selections", {}).get(PROVIDER_SOURCE)
        return snapshot
    if args.from_wheel:
        return from_jsii(read_assembly(args.from_wheel))
    with tempfile.TemporaryDirectory(prefix="provider-schema-", ignore_cleanup_errors=True) as workdir:
        return from_jsii(download_assembly(args.cdktf_version, Path(workdir)))


if __name__ == "__main__":
    raise SystemExit(main())
