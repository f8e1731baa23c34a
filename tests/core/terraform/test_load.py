"""Lines come from python-hcl2's parse tree: blocks, their arguments and nested blocks, dynamic content looked through."""

from __future__ import annotations

from s3batch_core.terraform.load import parse

TEXT = """\
# a comment
data "aws_iam_policy_document" "batch" {
  statement {
    actions = ["s3:GetObject"]
  }

  dynamic "statement" {
    for_each = var.grants
    content {
      actions = [statement.value]
    }
  }
}

resource aws_iam_role "r" {}
"""


def test_outline_gives_the_lines_of_blocks_and_what_they_hold() -> None:
    body, outlines = parse(TEXT)
    assert set(body) == {"data", "resource"}
    batch = outlines[("data", "aws_iam_policy_document", "batch")]
    assert (batch.line, batch.end) == (2, 13)
    assert batch.children == (("statement", 3), ('dynamic "statement"', 7))
    assert batch.nested[("statement", "actions")] == 4
    assert batch.nested[('dynamic "statement"', "actions")] == 10  # content {} is looked through
    assert batch.nested[('dynamic "statement"', "for_each")] == 8
    role = outlines[("resource", "aws_iam_role", "r")]  # an unquoted label reads like a quoted one
    assert (role.line, role.end, role.children) == (15, 15, ())
