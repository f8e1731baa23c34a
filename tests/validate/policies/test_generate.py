"""Generated Terraform templates: content equals the catalogue, rendering equals Terraform's, drift is caught."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from validate import generate
from s3batch_core.iam.catalogue import OPERATIONS, JobScope, build_policy, submitter_policy, trust_policy
from s3batch_core.terraform.templates import TemplateError, render_template, render_text
from validate.generate import drift, expected_files

KEYS = ["arn:aws:kms:eu-west-1:123456789012:key/aaaa", "arn:aws:kms:eu-west-1:123456789012:key/bbbb"]
VARIABLES = {
    "partition": "aws",
    "region": "eu-west-1",
    "manifest_bucket": "manifest-bucket",
    "manifest_prefix": "manifests/",
    "report_bucket": "report-bucket",
    "report_prefix": "reports",
    "target_bucket": "data-bucket",
    "destination_bucket": "copy-bucket",
    "function_arn": "arn:aws:lambda:eu-west-1:123456789012:function:sentiment:7",
    "kms_key_arns": KEYS,
}


def test_file_set_is_exactly_the_interface() -> None:
    names = set(expected_files())
    operation_files = {f"{op}{v}{k}.json.tftpl" for op in OPERATIONS for v in ("", ".versioned") for k in ("", ".kms")}
    assert names == operation_files | {"trust.json.tftpl", "trust.source-account.json.tftpl", "submitter.json.tftpl",
                                       "README.md"}
    assert len(operation_files) == 44


@pytest.mark.parametrize(("operation", "versioned", "kms"), list(itertools.product(OPERATIONS, (False, True), (False, True))))
def test_rendered_template_equals_the_catalogue(operation: str, versioned: bool, kms: bool) -> None:
    text = expected_files()[generate.template_name(operation, versioned, kms)]
    rendered = render_template(text, VARIABLES)
    scope = JobScope(
        operation=operation, manifest_bucket="manifest-bucket", manifest_key="manifests/*",
        report_bucket="report-bucket", report_prefix="reports", bucket="data-bucket",
        destination_bucket="copy-bucket", function_arn=VARIABLES["function_arn"],  # type: ignore[arg-type]
        kms_key_arns=tuple(KEYS) if kms else (), versioned=versioned, region="eu-west-1",
    )
    assert rendered == build_policy(scope)


def test_trust_and_submitter_templates_equal_the_catalogue() -> None:
    files = expected_files()
    assert render_template(files["trust.json.tftpl"], {}) == trust_policy()
    assert render_template(files["trust.source-account.json.tftpl"], {"source_account": "111122223333"}) == \
        trust_policy("111122223333")
    role = "arn:aws:iam::111122223333:role/batch"
    variables = {"role_arn": role, "partition": "aws", "region": "eu-west-1", "account_id": "111122223333"}
    assert render_template(files["submitter.json.tftpl"], variables) == submitter_policy(role, region="eu-west-1")


def test_templates_use_only_the_documented_variables() -> None:
    for name, text in expected_files().items():
        if name == "README.md":
            continue
        used = set(__import__("re").findall(r"\$\{(?:jsonencode\()?([a-z_]+)\)?\}", text))
        if name.startswith("trust.source-account"):
            assert used == {"source_account"}
        elif name.startswith("trust"):
            assert used == set()
        elif name.startswith("submitter"):
            assert used == set(generate.SUBMITTER_VARIABLES)
        else:
            assert used <= set(generate.PERMISSION_VARIABLES), name
            assert ("kms_key_arns" in used) == (".kms." in name), name
        assert "$${" not in text and "%{" not in text  # no literal ${ needs escaping in these policies


def test_unqualified_function_arn_still_renders() -> None:
    text = expected_files()["LambdaInvoke.json.tftpl"]
    policy = render_template(text, {**VARIABLES, "function_arn": "arn:aws:lambda:eu-west-1:123456789012:function:f"})
    assert policy["Statement"][-1]["Resource"] == ["arn:aws:lambda:eu-west-1:123456789012:function:f"]


def test_generate_then_no_drift(tmp_path: Path) -> None:
    dest = tmp_path / "policies"
    written = generate.generate(dest)
    assert sorted(p.name for p in written) == sorted(expected_files())
    assert drift(dest) == []
    assert [p.name for p in tmp_path.iterdir()] == ["policies"]  # the staging directory is gone


def test_drift_reports_missing_changed_and_extra(tmp_path: Path) -> None:
    dest = tmp_path / "policies"
    generate.generate(dest)
    (dest / "LambdaInvoke.json.tftpl").unlink()
    (dest / "trust.json.tftpl").write_text("{}\n", encoding="utf-8")
    (dest / "Old.json.tftpl").write_text("{}\n", encoding="utf-8")
    problems = drift(dest)
    assert problems == [
        f"{dest / 'LambdaInvoke.json.tftpl'}: missing (run make policies)",
        (f"{dest / 'trust.json.tftpl'}: differs from the catalogue (run make policies; do not edit generated files): "
         'drops sts:AssumeRole for principal {"Service": "batchoperations.s3.amazonaws.com"}'),
        f"{dest / 'Old.json.tftpl'}: not generated by the catalogue (delete it or run make policies)",
    ]
    generate.generate(dest)
    assert drift(dest) == []
    assert not (dest / "Old.json.tftpl").exists()


def test_drift_names_the_access_a_hand_edit_adds_or_drops(tmp_path: Path) -> None:
    dest = tmp_path / "policies"
    generate.generate(dest)
    template = dest / "LambdaInvoke.json.tftpl"
    template.write_text(template.read_text().replace('"s3:PutObject"', '"s3:PutObject", "s3:DeleteObject"'))
    copy = dest / "S3PutObjectCopy.kms.json.tftpl"
    copy.write_text(copy.read_text().replace('"kms:Decrypt"', '"kms:*"'))
    problems = drift(dest)
    assert problems[0].endswith(
        ": adds s3:DeleteObject on arn:${partition}:s3:::${report_bucket}/${report_prefix}*")
    via = ' when {"StringEquals": {"kms:ViaService": "s3.${region}.amazonaws.com"}}'
    assert problems[1].endswith(f": adds kms:* on ${{kms_key_arns}}{via}; drops kms:Decrypt on ${{kms_key_arns}}{via}")


@pytest.mark.parametrize(("edit", "says"), [
    (lambda text: text.replace("  ", " "), ": formatting only, no access change"),
    (lambda text: text[:-3], ": not a readable policy ("),
])
def test_drift_says_when_an_edit_changes_no_access_or_breaks_the_json(tmp_path: Path, edit: Any, says: str) -> None:
    dest = tmp_path / "policies"
    generate.generate(dest)
    template = dest / "S3PutObjectTagging.json.tftpl"
    template.write_text(edit(template.read_text()))
    [problem] = drift(dest)
    assert says in problem


def test_drift_on_missing_directory(tmp_path: Path) -> None:
    assert drift(tmp_path / "nope") == [f"{tmp_path / 'nope'}: missing (run make policies)"]


def test_committed_templates_are_up_to_date() -> None:
    assert drift(generate.DEFAULT_DEST) == []


def test_generation_is_deterministic() -> None:
    assert expected_files() == expected_files()


def test_main_check_and_write(tmp_path: Path) -> None:
    lines: list[str] = []
    assert generate.main(["--check", str(tmp_path)], out=lines.append) == 1
    assert len(lines) == len(expected_files())
    assert generate.main([str(tmp_path)], out=lines.append) == 0
    assert generate.main(["--check", str(tmp_path)], out=lines.append) == 0


@pytest.mark.parametrize(
    ("text", "variables", "expected"),
    [
        ('{"a": "${x}"}', {"x": "1"}, '{"a": "1"}'),
        ('{"a": ${jsonencode(x)}}', {"x": ["p", "q"]}, '{"a": ["p","q"]}'),
        ('{"a": ${ jsonencode( x ) }}', {"x": []}, '{"a": []}'),
        ('{"a": ${jsonencode(x)}}', {"x": ["<&>"]}, '{"a": ["\\u003c\\u0026\\u003e"]}'),
        ('{"a": "$${x}"}', {}, '{"a": "${x}"}'),
        ('{"a": "%%{x}"}', {}, '{"a": "%{x}"}'),
        ('{"a": "${x}", "unused": 1}', {"x": "1", "y": "extra"}, '{"a": "1", "unused": 1}'),
    ],
)
def test_render_text(text: str, variables: dict, expected: str) -> None:
    assert render_text(text, variables) == expected


@pytest.mark.parametrize(
    ("text", "variables", "message"),
    [
        ('"${x}"', {}, "does not contain key 'x'"),
        ('"${upper(x)}"', {"x": "a"}, "unsupported interpolation"),
        ('"${x}"', {"x": ["a"]}, "must be a string"),
        ('%{ if x }a%{ endif }', {"x": "1"}, "directives"),
        ('{"a": ${x}', {"x": "1"}, "not JSON"),
        ('["${x}"]', {"x": "1"}, "not a JSON object"),
    ],
)
def test_render_errors(text: str, variables: dict, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        render_template(text, variables)


def test_policy_with_literal_interpolation_is_refused() -> None:
    with pytest.raises(TemplateError, match="Terraform would interpolate"):
        generate._template_text({"Statement": [{"Resource": "arn:aws:s3:::b/${aws:username}/*"}]})  # noqa: SLF001


def test_readme_lists_every_variable() -> None:
    readme = expected_files()["README.md"]
    for variable in (*generate.PERMISSION_VARIABLES, *generate.SUBMITTER_VARIABLES, "source_account"):
        assert f"`{variable}`" in readme
    assert "make policies" in readme
    json.dumps(readme)
