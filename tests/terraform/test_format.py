"""The HCL is laid out as `terraform fmt` would lay it out (CI with a terraform binary runs fmt -check)."""

from __future__ import annotations

import pytest

from validate.terraform_tools import TERRAFORM_ROOT, tffmt

TERRAFORM = TERRAFORM_ROOT
FILES = sorted(path for path in TERRAFORM.rglob("*.tf") if ".terraform" not in path.parts)
FILES.append(TERRAFORM / "terraform.tfvars.example")


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(TERRAFORM)))
def test_file_is_formatted(path) -> None:
    assert tffmt.problems(path.read_text(encoding="utf-8"), str(path)) == []


@pytest.mark.parametrize(("text", "message"), [
    ("a = 1\nbb = 2\n", "'=' at column 3, terraform fmt puts it at 4"),
    ("x {\n a = 1\n}\n", "indent 1, terraform fmt uses 2"),
    ("x {\n  a  = 1\n  list = [\n    1,\n  ]\n}\n", "'=' at column 6, terraform fmt puts it at 5"),
    ("x = f([\n    1,\n], 2)\n", "indent 4, terraform fmt uses 2"),
    ("a = 1 \n", "trailing whitespace"),
])
def test_checker_finds_what_fmt_would_change(text: str, message: str) -> None:
    assert [problem.split(": ", 1)[1] for problem in tffmt.problems(text)] == [message]


def test_checker_accepts_fmt_layout() -> None:
    text = 'x = f([\n  1,\n], 2)\ny = 3\n\nresource "a" "b" {\n  name = "n" # c\n  tags = {\n    k = "v"\n  }\n}\n'
    assert tffmt.problems(text) == []
