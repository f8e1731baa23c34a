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


INLINE = """\
resource "aws_iam_role" "batch" {
  assume_role_policy = jsonencode({
    Statement = [
      {
        Sid    = "Batch"
        Effect = "Allow"
        Action = "sts:AssumeRole"
      },
      { Action = "sts:TagSession" },
    ]
  })
  single = jsonencode({ Statement = { Effect = "Deny" } })
  policy = <<-EOT
    {"Statement": [
      {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
      {"Effect": "Deny", "Action": "s3:*", "Resource": "*"}
    ]}
  EOT
  computed = jsonencode({ Statement = concat(local.a, local.b) })
  other    = jsonencode([{ Effect = "Allow" }])
}
"""


def test_outline_gives_the_line_of_each_statement_of_a_jsonencode_or_heredoc_policy() -> None:
    _, outlines = parse(INLINE)
    lines = outlines[("resource", "aws_iam_role", "batch")].statement_lines
    # a statement's Effect line, else the line its object starts on; computed or non-policy values have none
    assert dict(lines) == {"assume_role_policy": (6, 9), "single": (12,), "policy": (15, 16)}
