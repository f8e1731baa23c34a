"""terraform/tests/plan.tftest.hcl (Terraform's own tests, run by `make check` where terraform >= 1.7 exists)
are generated from validate/terraform_tools/expectations.py, parse, are laid out as `terraform fmt` wants, and every
assertion in them holds in the static plan (s3batch_core/terraform/plan.py) too: one list of expectations,
checked here without Terraform and there with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from s3batch_core.terraform import load, plan
from validate.terraform_tools import TERRAFORM_ROOT, tffmt, tftests

FILES = sorted(tftests.TESTS_DIR.glob("*.tftest.hcl"))
TEST_BLOCKS = {"mock_provider", "run", "variables", "provider", "override_data", "override_resource", "override_module"}


def test_files_are_generated_from_the_expectations() -> None:
    assert sorted(tftests.render_all()) == FILES
    assert tftests.stale() == []


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_file_parses_and_is_formatted(path: Path) -> None:
    document = load.load_file(path)
    assert set(document) <= TEST_BLOCKS
    assert all(run_body["command"] == "plan" for run in document["run"] for run_body in run.values())
    assert tffmt.problems(path.read_text(encoding="utf-8"), str(path)) == []


def _mocked_account(document: dict, overrides: list[dict]) -> plan.Account:
    """What the file's mock_data defaults (and the run's override_data) make the aws_* data sources return."""
    values: dict[str, dict] = {}
    for provider in document.get("mock_provider", []):
        for mock in provider.get("aws", {}).get("mock_data", []):
            for kind, body in mock.items():
                values[kind] = dict(body["defaults"])
    for override in overrides:
        kind = override["target"].strip("${}").split(".")[1]
        values.setdefault(kind, {}).update(override["values"])
    return plan.Account(account_id=values["aws_caller_identity"]["account_id"],
                          region=values["aws_region"]["region"], partition=values["aws_partition"]["partition"])


# (label, the file's document, run name, run body) of every run block
RUNS = [(f"{path.name}:{name}", document, name, body) for path in FILES for document in [load.load_file(path)]
        for run in document["run"] for name, body in run.items()]


@pytest.mark.parametrize(("label", "document", "name", "body"), RUNS, ids=[run[0] for run in RUNS])
def test_every_assertion_holds_in_the_static_plan(label: str, document: dict, name: str, body: dict) -> None:
    account = _mocked_account(document, body.get("override_data", []))
    variables = {key: value for block in body.get("variables", []) for key, value in block.items()}
    modules = body.get("module", [])
    directory = (TERRAFORM_ROOT / modules[0]["source"]).resolve() if modules else TERRAFORM_ROOT
    instance = plan.plan_root(directory, variables, account)  # the plan fills in the defaults
    assert body["assert"], f"{label}: a run without assertions"
    for check in body["assert"]:
        assert instance.value(check["condition"]) is True, f"{label}: {check['error_message']}: {check['condition']}"


def test_a_wrong_expectation_fails_in_the_static_plan() -> None:
    """The evaluation above can fail: the same run with another operation's policy file is False."""
    label, document, _, body = next(run for run in RUNS if run[0].endswith(":lambdainvoke"))
    variables = {key: value for block in body["variables"] for key, value in block.items()}
    instance = plan.plan_root(TERRAFORM_ROOT / "modules" / "batch_role", variables, _mocked_account(document, []))
    assert instance.value('${output.batch_role_policy_file == "S3PutObjectCopy.json.tftpl"}') is False
    policy_check = next(c["condition"] for c in body["assert"] if "aws_iam_role_policy.this.policy" in c["condition"])
    instance.variables["function_arn"] = "arn:aws:lambda:us-east-1:123456789012:function:other:1"
    assert instance.value(policy_check) is False
