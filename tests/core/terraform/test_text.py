"""Terraform values as text: heredocs and "${...}" interpolations in python-hcl2's dict form."""

from __future__ import annotations

import json

from s3batch_core.terraform.text import (effect_lines, heredoc_body, interpolations, quote_bare_interpolations,
                                         strip_interpolation)


def test_heredoc_body_is_dedented_for_the_indented_form() -> None:
    assert json.loads(heredoc_body('<<-EOT\n    {"a": 1}\n  EOT')) == {"a": 1}
    assert heredoc_body("<<EOT\n  x\nEOT") == "  x"


def test_bare_interpolations_are_quoted_so_json_parses() -> None:
    assert json.loads(quote_bare_interpolations('{"Resource": ${jsonencode(var.arns)}, "x": "${var.y}"}')) == {
        "Resource": "${jsonencode(var.arns)}",
        "x": "${var.y}",
    }


def test_interpolations_are_found_whole_with_nested_braces_and_strings() -> None:
    text = 'arn:${var.p}:s3:::${lookup({a = "}"}, "a")}/*${unclosed'
    assert interpolations(text) == ["${var.p}", '${lookup({a = "}"}, "a")}']
    assert strip_interpolation("${var.x}") == "var.x"
    assert strip_interpolation("${var.x}/*") is None


def test_effect_lines_are_the_lines_of_each_effect_key() -> None:
    assert effect_lines('a\n"Effect": 1\n\n"Effect" : 2 "Effect":3\n"Effects": 4') == (2, 4, 4)
