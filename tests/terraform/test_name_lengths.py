"""Every name the stacks build fits AWS's limits for every input the variables' validations allow.

The inputs are the longest the validations accept (checked: one character more is refused) and the
longest real Region names from botocore's partitions; the limits come from botocore's service models,
the bucket module's own bucket_name validation (3-63 characters) and, for Lambda, the model's note that
a bare function name stops at 64 characters.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import botocore
import botocore.session
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from s3batch_core.terraform import evaluate, load, plan
from validate.terraform_tools import TERRAFORM_ROOT

TERRAFORM = TERRAFORM_ROOT
BUCKET_MODULE = load.load_module(TERRAFORM / "modules" / "bucket")
_SESSION = botocore.session.get_session()
ROLE_NAME_MAX = _SESSION.get_service_model("iam").shape_for("roleNameType").metadata["max"]
POLICY_NAME_MAX = _SESSION.get_service_model("iam").shape_for("policyNameType").metadata["max"]
LOG_GROUP_MAX = (_SESSION.get_service_model("logs").operation_model("CreateLogGroup")
                 .input_shape.members["logGroupName"].metadata["max"])
BUCKET_NAME_MAX = 63


def _real_regions() -> list[str]:
    """Every Region of every partition botocore knows (not the '-global' pseudo-regions)."""
    data = json.loads((Path(botocore.__file__).parent / "data" / "partitions.json").read_text())
    return sorted(region for partition in data["partitions"] for region in partition["regions"]
                  if not region.endswith("-global"))


REAL_REGIONS = _real_regions()
LONGEST_REAL_REGIONS = [region for region in REAL_REGIONS if len(region) == max(map(len, REAL_REGIONS))]


def _function_name_max() -> int:
    documentation = (_SESSION.get_service_model("lambda").operation_model("CreateFunction")
                     .input_shape.members["FunctionName"].documentation)
    return int(re.search(r"only the function name, it is limited to (\d+) characters", documentation).group(1))


def _accepts(directory: Path, variable: str, value: str) -> bool:
    """The variable's validations in `directory` and in every module it hands the value on to unchanged."""
    module = load.load_module(directory)
    scope = evaluate.Scope(variables={variable: value})
    checks = module.variables[variable].get("validation", [])
    passed_on = [(directory / call["source"]).resolve() for call in module.modules.values()
                 if call.get(variable) == f"${{var.{variable}}}"]
    return (all(evaluate.evaluate(check["condition"], scope) for check in checks)
            and all(_accepts(child, variable, value) for child in passed_on))


def _bucket_name_ok(name: str) -> bool:
    """The bucket module's own validation, and the length AWS allows."""
    return len(name) <= BUCKET_NAME_MAX and _accepts(BUCKET_MODULE.path, "bucket_name", name)


NAMES = [("abcdefghi-" * 10)[: n - 1] + "z" for n in range(2, 80)]  # letters and hyphens, 1 to 78 characters
# A synthetic Region as long as the validation allows (no real one is): a-z and one digit at the end.
REGIONS = [f"ap-{'x' * n}-1" for n in range(1, 40)]


def _longest(directory: Path, variable: str, candidates: list[str]) -> str:
    """The longest candidate the variable's validation accepts (one more is refused)."""
    accepted = [value for value in candidates if _accepts(directory, variable, value)]
    assert accepted and len(accepted[-1]) < len(candidates[-1]), f"{directory}: var.{variable} has no length bound"
    return accepted[-1]


EXAMPLES = {example: TERRAFORM / "examples" / example for example in ("tagging", "restore", "copy")}
ROOTS = {"root": TERRAFORM, **EXAMPLES}


def test_validation_accepts_every_real_region_and_bounds_the_length() -> None:
    """The root bounds var.region (its names hold it); the examples take a real Region from the provider."""
    refused = [region for region in REAL_REGIONS if not _accepts(TERRAFORM, "region", region)]
    assert refused == []
    longest = _longest(TERRAFORM, "region", REGIONS)
    assert len(longest) >= max(map(len, REAL_REGIONS))
    assert not _accepts(TERRAFORM, "region", f"ap-{'x' * (len(longest) - 4)}-1")


def _names(root: Path, name: str, region: str) -> dict[str, list[str]]:
    """Every bucket, role, policy, function and log-group name the stack at `root` would create."""
    variables = {"name": name, "region": region}
    if root == TERRAFORM:
        variables |= {"separate_job_bucket": True, "create_submitter_policy": True}
    names: dict[str, list[str]] = {"bucket": [], "role": [], "policy": [], "function": [], "log group": []}
    _collect(plan.plan_root(root, variables, plan.Account(region=region)), names)
    return names


def _collect(instance: plan.Instance, names: dict[str, list[str]]) -> None:
    kinds = {"aws_s3_bucket": ("bucket", "bucket"), "aws_iam_role": ("role", "name"),
             "aws_iam_role_policy": ("policy", "name"), "aws_iam_policy": ("policy", "name"),
             "aws_lambda_function": ("function", "function_name"), "aws_cloudwatch_log_group": ("log group", "name")}
    for (kind, resource), body in instance.module.resources.items():
        if kind in kinds and instance.count(body) != 0:
            what, argument = kinds[kind]
            names[what].append(instance.resource_arguments(kind, resource)[argument])
    for call_name, call in instance.module.modules.items():
        count = instance.count(call)
        for index in [None] if count is None else range(count):
            _collect(instance.child(call_name, index), names)


LIMITS = {"role": ROLE_NAME_MAX, "policy": POLICY_NAME_MAX, "function": _function_name_max(), "log group": LOG_GROUP_MAX}


# Only the root bounds var.region (its longest accepted value is synthetic); an example's Region is a real one.
LONGEST_INPUTS = [(key, region) for key in ROOTS for region in [*LONGEST_REAL_REGIONS, "us-gov-west-1"]]
LONGEST_INPUTS.append(("root", "longest allowed"))


@pytest.mark.parametrize(("key", "region"), LONGEST_INPUTS)
def test_names_fit_for_the_longest_inputs(key: str, region: str) -> None:
    root = ROOTS[key]
    region = _longest(root, "region", REGIONS) if region == "longest allowed" else region
    name = _longest(root, "name", NAMES)
    names = _names(root, name, region)
    assert names["bucket"] and names["role"], "the stack builds buckets and a role"
    for bucket in names["bucket"]:
        assert _bucket_name_ok(bucket), f"bucket name {bucket!r} ({len(bucket)} characters)"
    for what, limit in LIMITS.items():
        for value in names[what]:
            assert len(value) <= limit, f"{what} name {value!r} has {len(value)} characters, AWS allows {limit}"


@pytest.mark.parametrize(("key", "buckets"), [
    ("tagging", ["s3batch-tagging-123456789012-us-east-1"]),
    ("restore", ["s3batch-restore-123456789012-us-east-1"]),
    ("copy", ["s3batch-copy-source-123456789012-us-east-1", "s3batch-copy-destination-123456789012-us-east-1"]),
])
def test_examples_name_their_buckets_and_role_after_the_stack(key: str, buckets: list[str]) -> None:
    names = _names(ROOTS[key], f"s3batch-{key}", "us-east-1")
    assert sorted(names["bucket"]) == sorted(buckets)
    assert names["role"] == [f"s3batch-{key}-batch"]


def test_job_bucket_keeps_names_that_fit_and_tells_long_ones_apart() -> None:
    assert _names(TERRAFORM, "s3batch-sentiment", "us-east-1")["bucket"] == [
        "s3batch-sentiment-123456789012-us-east-1", "s3batch-sentiment-jobs-123456789012-us-east-1"]
    first = _names(TERRAFORM, "a" * 31 + "b", "ap-southeast-1")["bucket"][1]
    second = _names(TERRAFORM, "a" * 31 + "c", "ap-southeast-1")["bucket"][1]
    assert first != second
    assert first.endswith("-jobs-123456789012-ap-southeast-1") and len(first) == BUCKET_NAME_MAX


@settings(max_examples=40, deadline=None)
@given(name=st.from_regex(r"[a-z0-9][a-z0-9-]{0,30}[a-z0-9]", fullmatch=True), region=st.sampled_from(REAL_REGIONS))
def test_every_allowed_root_name_gives_valid_bucket_names(name: str, region: str) -> None:
    assert _accepts(TERRAFORM, "name", name)
    for bucket in _names(TERRAFORM, name, region)["bucket"]:
        assert _bucket_name_ok(bucket), bucket
