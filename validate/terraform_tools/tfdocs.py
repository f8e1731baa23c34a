"""Keep the inputs/outputs tables of every Terraform README in step with the code.

Like terraform-docs (whose binary is not available here), it fills the part of each README.md between
`<!-- BEGIN_TF_DOCS -->` and `<!-- END_TF_DOCS -->` from the module's `.tf` files; the prose above
the markers is left alone.

    python -m validate.terraform_tools.tfdocs            # rewrite every README under terraform/
    python -m validate.terraform_tools.tfdocs --check    # exit 1 and name each README that is out of step
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from s3batch_core.terraform.load import Module, load_file, load_module, module_dirs
from validate.terraform_tools import TERRAFORM_ROOT

BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"


class ReadmeError(Exception):
    """A README cannot be updated (missing, or without the markers)."""


def render(directory: Path) -> str:
    """The generated section (markers included) for the module in `directory`."""
    module = load_module(directory)
    sections = [
        _requirements(directory),
        _modules(module),
        _resources(module),
        _inputs(module),
        _outputs(module),
    ]
    return "\n".join([BEGIN, *[section for section in sections if section], END])


def updated_readme(directory: Path) -> tuple[Path, str, str]:
    """(README path, current text, text with a freshly generated section)."""
    readme = directory / "README.md"
    if not readme.is_file():
        raise ReadmeError(f"{readme}: missing (write the usage prose, then add {BEGIN} and {END})")
    current = readme.read_text(encoding="utf-8")
    start, end = current.find(BEGIN), current.find(END)
    if start < 0 or end < start:
        raise ReadmeError(f"{readme}: no {BEGIN} ... {END} section")
    return readme, current, current[:start] + render(directory) + current[end + len(END):]


def stale_readmes(root: Path = TERRAFORM_ROOT) -> list[str]:
    """One message per README below `root` that differs from what the generator writes."""
    problems = []
    for directory in module_dirs(root):
        try:
            readme, current, wanted = updated_readme(directory)
        except ReadmeError as error:
            problems.append(str(error))
            continue
        if current != wanted:
            problems.append(f"{readme}: inputs/outputs tables are out of step; run python -m validate.terraform_tools.tfdocs")
    return problems


def write_readmes(root: Path = TERRAFORM_ROOT) -> list[Path]:
    """Rewrite every README below `root` whose generated section changed; return those paths."""
    written = []
    for directory in module_dirs(root):
        readme, current, wanted = updated_readme(directory)
        if current != wanted:
            tmp = readme.with_suffix(".md.tmp")
            tmp.write_text(wanted, encoding="utf-8")
            tmp.replace(readme)
            written.append(readme)
    return written


# ---------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------

def _table(title: str, columns: list[str], rows: list[str], empty: str = "") -> str:
    """A `## title` section with a table (a column written ":Name:" is centred); without rows, `empty` or nothing."""
    if not rows:
        return f"## {title}\n\n{empty}\n" if empty else ""
    header = "| " + " | ".join(column.strip(":") for column in columns) + " |"
    rule = "|" + "|".join(f":{'-' * (len(column) - 2)}:" if column.startswith(":") else "-" * (len(column) + 2)
                          for column in columns) + "|"
    return "\n".join([f"## {title}", "", header, rule, *rows]) + "\n"


def _requirements(directory: Path) -> str:
    versions = directory / "versions.tf"
    if not versions.is_file():
        return ""
    rows = []
    for block in load_file(versions).get("terraform", []):
        if "required_version" in block:
            rows.append(("terraform", block["required_version"]))
        for providers in block.get("required_providers", []):
            for name, spec in sorted(providers.items()):
                rows.append((name, spec.get("version", "") if isinstance(spec, dict) else spec))
    return _table("Requirements", ["Name", "Version"], [f"| {name} | `{version}` |" for name, version in rows])


def _modules(module: Module) -> str:
    rows = [f"| {name} | `{spec['source']}` |" for name, spec in sorted(module.modules.items())]
    return _table("Modules", ["Name", "Source"], rows)


def _resources(module: Module) -> str:
    rows = sorted([(f"{kind}.{name}", "resource") for kind, name in module.resources]
                  + [(f"data.{kind}.{name}", "data source") for kind, name in module.data])
    return _table("Resources", ["Name", "Type"], [f"| {name} | {kind} |" for name, kind in rows])


def _inputs(module: Module) -> str:
    rows = []
    for name, spec in sorted(module.variables.items()):
        required = "default" not in spec
        default = "n/a" if required else f"`{_hcl_value(spec['default'])}`"
        rows.append(f"| {name} | {_cell(spec.get('description', ''))} | `{_type(spec.get('type', 'any'))}` "
                    f"| {default} | {'yes' if required else 'no'} |")
    return _table("Inputs", ["Name", "Description", "Type", "Default", ":Required:"], rows, "No inputs.")


def _outputs(module: Module) -> str:
    rows = [f"| {name} | {_cell(spec.get('description', ''))} |" for name, spec in sorted(module.outputs.items())]
    return _table("Outputs", ["Name", "Description"], rows, "No outputs.")


def _type(value: str) -> str:
    return value[2:-1] if value.startswith("${") and value.endswith("}") else value


def _hcl_value(value: Any) -> str:
    """A default as one line: JSON, with HCL's `=` between an object's keys and values."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True).replace('": ', '" = ')
    return json.dumps(value)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tfdocs", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report READMEs that are out of step; change nothing")
    parser.add_argument("root", nargs="?", type=Path, default=TERRAFORM_ROOT, help="directory to scan (terraform/)")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale_readmes(args.root)
        for problem in problems:
            print(f"tfdocs: {problem}", file=sys.stderr)
        return 1 if problems else 0
    try:
        for readme in write_readmes(args.root):
            print(f"tfdocs: updated {readme}")
    except ReadmeError as error:
        print(f"tfdocs: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
