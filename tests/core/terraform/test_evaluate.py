"""Partial evaluation: what is known without a plan is evaluated, the rest stays "${...}" as python-hcl2 writes it."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from s3batch_core.terraform.evaluate import (
    Scope,
    Unsupported,
    arguments_text,
    call_arguments,
    call_name,
    evaluate,
    evaluate_node_partial,
    evaluate_partial,
    find_calls,
    object_values,
    parse_expression,
)


def test_known_parts_are_evaluated_around_unknown_ones() -> None:
    value = evaluate_partial(
        '${{Action = concat(["s3:GetObject"], ["s3:PutObject"]), Resource = "arn:aws:s3:::${var.bucket}/*", '
        'Condition = var.condition, Sid = format("S%s", 1)}}'
    )
    assert value == {
        "Action": ["s3:GetObject", "s3:PutObject"],
        "Resource": "arn:aws:s3:::${var.bucket}/*",
        "Condition": "${var.condition}",
        "Sid": "S1",
    }


@pytest.mark.parametrize("expression", [
    "${concat(var.arns, [\"x\"])}",          # a function of an unknown value
    "${var.enabled ? \"a\" : \"b\"}",          # a condition known only at plan time
    "${length(var.list) + 1}",               # an operator on one
    "${[for s in var.buckets : s.arn]}",     # an expression the evaluator does not implement
    "${aws_s3_bucket.this.arn}",             # a reference the scope does not give
    "${try(var.x, \"fallback\")}",           # try() cannot know which argument succeeds
    '${1 / 0}', '${regex("(", "x")}', '${format("%s-%s", "a")}', '${jsondecode("{")}',  # fail: unknown, as at plan time
])
def test_what_depends_on_an_unknown_or_fails_to_evaluate_stays_as_written(expression: str) -> None:
    assert evaluate_partial(expression) == expression
    assert evaluate_partial("${{Resource = " + expression[2:-1] + "}}") == {"Resource": expression}


def test_jsonencode_keeps_unknowns_as_strings_inside_the_json() -> None:
    text = evaluate_partial('${jsonencode({Resource = [var.arn, "arn:aws:s3:::b"]})}')
    assert json.loads(text) == {"Resource": ["${var.arn}", "arn:aws:s3:::b"]}


def test_a_heredoc_inside_an_expression_is_its_text() -> None:
    assert evaluate_partial('${jsonencode({Condition = <<EOT\n{"a": 1}\nEOT})}') == '{"Condition":"{\\"a\\": 1}"}'


def test_a_scope_gives_what_it_knows() -> None:
    scope = Scope({"bucket": "b"}, {"prefix": "${var.bucket}/in"}, partial=True)
    assert evaluate_partial('${"arn:aws:s3:::${local.prefix}/*"}', scope) == "arn:aws:s3:::b/in/*"
    assert evaluate_partial("${var.other}", scope) == "${var.other}"


def test_full_evaluation_still_refuses_what_it_does_not_know() -> None:
    with pytest.raises(Unsupported):
        evaluate("${aws_s3_bucket.this.arn}", Scope({}))
    with pytest.raises(ValueError):
        evaluate_partial("${var.x}", Scope({}))


def test_calls_are_found_in_the_parse_tree_with_their_arguments() -> None:
    tree = parse_expression('${merge(templatefile("${path.module}/p.json.tpl", {bucket = var.b}), {})}')
    assert call_name(tree) == "merge"
    (call,) = find_calls(tree, "templatefile")
    assert arguments_text(call) == '"${path.module}/p.json.tpl", {bucket = var.b}'
    assert [evaluate_node_partial(argument) for argument in call_arguments(call)] == [
        "${path.module}/p.json.tpl", {"bucket": "${var.b}"}]
    assert call_name(parse_expression('${"file(x)"}')) is None


def test_object_values_find_a_key_inside_an_expression_not_known_as_a_whole() -> None:
    tree = parse_expression('${merge(var.tags, {Team = "data"}, {"S3BatchOperation" = var.operation})}')
    assert evaluate_partial('${merge(var.tags, {S3BatchOperation = "x"})}').startswith("${merge(")  # unknown whole
    assert [evaluate_node_partial(node) for node in object_values(tree, "S3BatchOperation")] == ["${var.operation}"]
    assert [evaluate_node_partial(node) for node in object_values(tree, "Team")] == ["data"]


def test_a_string_ending_in_an_escaped_backslash_ends_inside_a_template() -> None:
    text = 'x${"a\\\\"}"y'  # the interpolation is the string a\; the quote after it is literal text
    assert evaluate_partial(text) == evaluate(text, Scope({})) == 'xa\\"y'


@pytest.mark.parametrize("text", ["${unclosed/x", "a ${ b", "${a}${"])
def test_text_python_hcl2_cannot_read_stays_as_it_is_in_partial_evaluation(text: str) -> None:
    assert evaluate_partial(text) == text
    assert evaluate_partial({"Resource": [text]}) == {"Resource": [text]}


# ---- property: partial evaluation keeps every known leaf and every unknown one, in the structure written ----

_UNKNOWNS = ("var.bucket", "local.arns", "aws_s3_bucket.this.arn", "data.aws_caller_identity.current.account_id")
_TEXT = st.text(st.sampled_from("abcXYZ019:/*-_. \"\\é€"), max_size=12)
_LEAF = st.one_of(
    _TEXT, st.integers(-1000, 1000), st.booleans(),
    st.sampled_from(_UNKNOWNS).map(lambda reference: _Reference(reference)),
    st.tuples(_TEXT, st.sampled_from(_UNKNOWNS), _TEXT).map(lambda parts: _Template(*parts)),
)
_VALUE = st.recursive(_LEAF, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,8}", fullmatch=True), inner, max_size=4),
), max_leaves=12)


@dataclass(frozen=True)
class _Reference:
    expression: str


@dataclass(frozen=True)
class _Template:
    before: str
    expression: str
    after: str


def _hcl(value: object) -> str:
    if isinstance(value, _Reference):
        return value.expression
    if isinstance(value, _Template):
        return json.dumps(f"{value.before}${{{value.expression}}}{value.after}")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_hcl(item) for item in value) + "]"
    return "{" + ", ".join(f"{key} = {_hcl(item)}" for key, item in value.items()) + "}"


def _expected(value: object) -> object:
    if isinstance(value, _Reference):
        return "${" + value.expression + "}"
    if isinstance(value, _Template):
        return f"{value.before}${{{value.expression}}}{value.after}"
    if isinstance(value, list):
        return [_expected(item) for item in value]
    if isinstance(value, dict):
        return {key: _expected(item) for key, item in value.items()}
    return value


@given(_VALUE)
def test_partial_evaluation_keeps_known_and_unknown_leaves_where_they_were_written(value: object) -> None:
    assert evaluate_partial("${" + _hcl(value) + "}") == _expected(value)
    assert json.loads(evaluate_partial("${jsonencode(" + _hcl(value) + ")}")) == _expected(value)


def test_jsonencode_writes_what_terraform_writes() -> None:
    # Terraform: compact, non-ASCII as it is, <, >, &, U+2028 and U+2029 escaped; one encoder with templatefile()
    expected = '{"Sid":"\\u003ca\\u0026é\\u003e\\u2028"}'
    assert evaluate('${jsonencode({Sid = "<a&é>\\u2028"})}', Scope({})) == expected
    assert evaluate_partial('${jsonencode({Sid = "<a&é>\\u2028"})}') == expected
