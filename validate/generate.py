"""Render the catalogue into the Terraform policy templates terraform/modules/batch_role/ reads with templatefile().

Each template is the catalogue's own output (build_policy / trust_policy / submitter_policy) built with sentinel
values that are then swapped for Terraform interpolations, so the files cannot say anything the catalogue does
not. `python -m validate.generate` (make policies) writes them; drift() tells `make check` when they are stale;
s3batch_core.terraform.templates renders one the way Terraform's templatefile() would.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from itertools import product
from pathlib import Path
from typing import Any

from s3batch_core.terraform.load import walk_files
from s3batch_core.terraform.policy import as_list
from s3batch_core.terraform.templates import TemplateError
from s3batch_core.iam.catalogue import OPERATIONS, JobScope, build_policy, submitter_policy, trust_policy

# `make policies` runs at the repository root; other directories are given on the command line (or --policies-dir).
DEFAULT_DEST = Path("terraform/modules/batch_role/policies")
SUFFIX = ".json.tftpl"
README = "README.md"
README_TITLE = "# Generated policy templates — do not edit"  # first line of README: marks a generated folder

# Variables every operation template takes (the Terraform module always passes all of them).
PERMISSION_VARIABLES: tuple[str, ...] = (
    "partition", "region", "manifest_bucket", "manifest_prefix", "report_bucket", "report_prefix",
    "target_bucket", "destination_bucket", "function_arn", "kms_key_arns",
)
SUBMITTER_VARIABLES: tuple[str, ...] = ("role_arn", "partition", "region", "account_id")

# Sentinels: valid inputs for the builders, unique enough to be replaced after building.
_FUNCTION_SENTINEL = "arn:aws:lambda:us-east-1:123456789012:function:tpl-function:tpl-qualifier"  # qualified
_KMS_SENTINEL = "arn:aws:kms:us-east-1:123456789012:key/tpl-kms-key"
_ROLE_SENTINEL = "arn:aws:iam::123456789012:role/tpl-role"
_ACCOUNT_SENTINEL = "999999999999"
_KMS_LIST_MARKER = "__tpl_jsonencode_kms_key_arns__"
_WHOLE_VALUES = {
    _FUNCTION_SENTINEL: "${function_arn}",
    _ROLE_SENTINEL: "${role_arn}",
    _ACCOUNT_SENTINEL: "${source_account}",
}
# "tpl-manifest-bucket" -> "${manifest_bucket}", ...
_TOKENS = {f"tpl-{name.replace('_', '-')}": "${" + name + "}" for name in (
    "partition", "region", "manifest_bucket", "manifest_prefix", "report_bucket", "report_prefix", "target_bucket",
    "destination_bucket", "account_id")}


# ---- building the templates ----------------------------------------------------------------------------------


def _templated(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _templated(v) for k, v in value.items()}
    if isinstance(value, list):
        return _KMS_LIST_MARKER if value == [_KMS_SENTINEL] else [_templated(v) for v in value]
    if isinstance(value, str):
        if value in _WHOLE_VALUES:
            return _WHOLE_VALUES[value]
        for token, replacement in _TOKENS.items():
            value = value.replace(token, replacement)
    return value


def _template_text(document: dict) -> str:
    if "${" in json.dumps(document) or "%{" in json.dumps(document):
        # A literal "${" or "%{" would need $${ / %%{ escaping; IAM policies without policy variables never have one.
        raise TemplateError("a generated policy contains '${' or '%{', which Terraform would interpolate")
    text = json.dumps(_templated(document), indent=2) + "\n"
    text = text.replace(f'"{_KMS_LIST_MARKER}"', "${jsonencode(kms_key_arns)}")
    if "tpl-" in text or "__tpl_" in text:
        raise TemplateError("a sentinel survived templating; the placeholder table is out of step with the catalogue")
    return text


def _operation_scope(operation: str, versioned: bool, kms: bool) -> JobScope:
    return JobScope(
        operation=operation, manifest_bucket="tpl-manifest-bucket", manifest_key="tpl-manifest-prefix*",
        report_bucket="tpl-report-bucket", report_prefix="tpl-report-prefix", bucket="tpl-target-bucket",
        destination_bucket="tpl-destination-bucket", function_arn=_FUNCTION_SENTINEL,
        kms_key_arns=(_KMS_SENTINEL,) if kms else (), versioned=versioned, partition="tpl-partition",
        region="tpl-region",
    )


def template_name(operation: str, versioned: bool, kms: bool) -> str:
    """File name of an operation's template: <Operation>[.versioned][.kms].json.tftpl."""
    return f"{operation}{'.versioned' if versioned else ''}{'.kms' if kms else ''}{SUFFIX}"


def expected_files() -> dict[str, str]:
    """Every generated file name and its exact content (deterministic)."""
    files: dict[str, str] = {}
    for operation, versioned, kms in product(OPERATIONS, (False, True), (False, True)):
        policy = build_policy(_operation_scope(operation, versioned, kms))
        files[template_name(operation, versioned, kms)] = _template_text(policy)
    files[f"trust{SUFFIX}"] = _template_text(trust_policy())
    files[f"trust.source-account{SUFFIX}"] = _template_text(trust_policy(_ACCOUNT_SENTINEL))
    submitter = submitter_policy(_ROLE_SENTINEL, region="tpl-region", account_id="tpl-account-id", partition="tpl-partition")
    files[f"submitter{SUFFIX}"] = _template_text(submitter)
    files[README] = _readme()
    return dict(sorted(files.items()))


def _readme() -> str:
    return "\n".join([
        README_TITLE,
        "",
        "Every file here is generated from the policy catalogue (`s3batch_core/iam/catalogue/`) by `make policies`",
        "(`python -m validate.generate`). `make check` fails when they drift from the catalogue.",
        "The Terraform module reads them with `templatefile()`; see docs/policies.md.",
        "",
        "| files | variables |",
        "| --- | --- |",
        "| `<Operation>[.versioned][.kms].json.tftpl` (11 operations × 4) | "
        + ", ".join(f"`{v}`" for v in PERMISSION_VARIABLES) + " — always pass all of them |",
        "| `trust.json.tftpl` | none |",
        "| `trust.source-account.json.tftpl` | `source_account` |",
        "| `submitter.json.tftpl` | " + ", ".join(f"`{v}`" for v in SUBMITTER_VARIABLES) + " |",
        "",
        "- All variables are strings except `kms_key_arns` (list of KMS key ARNs), used only by `.kms` variants",
        "  as `${jsonencode(kms_key_arns)}`.",
        "- The manifest is read from `${manifest_bucket}/${manifest_prefix}*`; reports are written to",
        "  `${report_bucket}/${report_prefix}*`.",
        "- `target_bucket` is the bucket whose objects the job acts on (a copy's source); `destination_bucket`",
        "  is used by S3PutObjectCopy only; `function_arn` by LambdaInvoke only (granted exactly: pass the",
        "  same, qualified, ARN the job uses).",
        "- `.versioned`: the manifest carries version ids; `.kms`: objects or inventory manifests use SSE-KMS keys.",
        "",
    ])


# ---- writing and checking --------------------------------------------------------------------------------------


def generate(dest_dir: Path = DEFAULT_DEST) -> list[Path]:
    """Write every template into dest_dir atomically (temp dir, then rename); remove stale generated files."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    files = expected_files()
    with tempfile.TemporaryDirectory(prefix=".policies-", dir=dest_dir.parent, ignore_cleanup_errors=True) as staging:
        for name, text in files.items():
            (Path(staging) / name).write_text(text, encoding="utf-8")
        for name in files:
            os.replace(Path(staging) / name, dest_dir / name)
    for stale in _extra_files(dest_dir, files):
        stale.unlink()
    return [dest_dir / name for name in files]


def _extra_files(dest_dir: Path, files: Mapping[str, str]) -> list[Path]:
    return sorted(p for p in dest_dir.iterdir() if p.is_file() and p.name not in files)


def generated_dirs(root: Path) -> list[Path]:
    """Folders under root holding generated templates (a README.md that starts with README_TITLE), sorted."""
    found = []
    for readme in walk_files(root, lambda name: name == README):
        with readme.open(encoding="utf-8", errors="replace") as handle:
            if handle.readline().rstrip("\n") == README_TITLE:
                found.append(readme.parent)
    return sorted(found)


def drift(dest_dir: Path = DEFAULT_DEST) -> list[str]:
    """Problems with the committed templates: missing, changed or extra files (empty: up to date)."""
    if not dest_dir.is_dir():
        return [f"{dest_dir}: missing (run make policies)"]
    files = expected_files()
    problems = []
    for name, text in files.items():
        path = dest_dir / name
        if not path.is_file():
            problems.append(f"{path}: missing (run make policies)")
        elif (committed := path.read_text(encoding="utf-8")) != text:
            problems.append(f"{path}: differs from the catalogue (run make policies; do not edit generated files)"
                            + (f": {delta}" if (delta := access_delta(committed, text, name)) else ""))
    problems += [f"{p}: not generated by the catalogue (delete it or run make policies)" for p in _extra_files(dest_dir, files)]
    return problems


_DELTA_SHOWN = 4  # name this many access changes, then count the rest
_JSONENCODE_LIST = re.compile(r"\$\{jsonencode\(([A-Za-z_][A-Za-z0-9_-]*)\)\}")


def access_delta(committed: str, expected: str, name: str) -> str:
    """What a hand-edited template grants that the catalogue's does not, and what it lacks — for a pull request.

    Compares (Effect, Action, Resource, Condition) per single action and resource, placeholders kept as text.
    '' for the README, and "formatting only" when no statement's meaning changed.
    """
    if not name.endswith(SUFFIX):
        return ""
    try:
        have, want = _grants(committed), _grants(expected)
    except (ValueError, TypeError, AttributeError) as error:
        return f"not a readable policy ({error})"
    changes = [f"adds {_grant_text(g)}" for g in sorted(have - want)]
    changes += [f"drops {_grant_text(g)}" for g in sorted(want - have)]
    if not changes:
        return "formatting only, no access change"
    shown = "; ".join(changes[:_DELTA_SHOWN])
    return shown + (f"; and {len(changes) - _DELTA_SHOWN} more" if len(changes) > _DELTA_SHOWN else "")


def _grants(text: str) -> set[tuple[str, str, str, str]]:
    """(Effect, action, resource or principal, condition) for each single action of each statement."""
    document = json.loads(_JSONENCODE_LIST.sub(r'["${\1}"]', text))
    statements = document.get("Statement") or []
    found = set()
    for statement in statements if isinstance(statements, list) else [statements]:
        condition = json.dumps(statement.get("Condition"), sort_keys=True) if statement.get("Condition") else ""
        if "Principal" in statement:  # trust policy: who may assume, not on what
            targets = [f"principal {json.dumps(statement['Principal'], sort_keys=True)}"]
        else:
            targets = _as_list(statement.get("Resource")) or [f"NotResource {r}" for r in _as_list(statement.get("NotResource"))]
        actions = _as_list(statement.get("Action")) + [f"NotAction {a}" for a in _as_list(statement.get("NotAction"))]
        found.update((str(statement.get("Effect", "")), action, target, condition)
                     for action in actions for target in targets)
    return found


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in as_list(value)]


def _grant_text(grant: tuple[str, str, str, str]) -> str:
    effect, action, resource, condition = grant
    joiner = "for" if resource.startswith("principal ") else "on"
    text = f"{'Deny ' if effect == 'Deny' else ''}{action} {joiner} {resource}"
    return text + (f" when {condition}" if condition else "")


# ---- command line ------------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None, *, out: Callable[[str], None] = print) -> int:
    """`python -m validate.generate [--check] [DEST]`: write the templates, or (--check) report drift."""
    parser = argparse.ArgumentParser(prog="python -m validate.generate", description=__doc__.splitlines()[0])
    parser.add_argument("dest", nargs="?", type=Path, default=DEFAULT_DEST, help="templates directory")
    parser.add_argument("--check", action="store_true", help="report drift instead of writing; exit 1 on drift")
    args = parser.parse_args(argv)
    if args.check:
        problems = drift(args.dest)
        for problem in problems:
            out(problem)
        return 1 if problems else 0
    written = generate(args.dest)
    out(f"wrote {len(written)} files to {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
