"""Read Terraform files and module directories with python-hcl2 (8.x) into its dict form."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2
from hcl2 import SerializationOptions
from hcl2.rules.base import AttributeRule, BlockRule, BodyRule

SERIALIZATION = SerializationOptions(strip_string_quotes=True, explicit_blocks=False, with_comments=False)
"""4.x-like dict form: quotes stripped, expressions as "${...}" strings, no comments."""
SKIP_DIRS = frozenset({".terraform", ".git", "node_modules", "build", "__pycache__"})
"""Folders no reader searches (besides `.venv*`): Terraform's module cache, VCS data, vendored and built files."""
BLOCK_KINDS = ("variable", "output", "locals", "module", "resource", "data", "provider", "terraform")


def walk_files(directory: Path, wanted: Callable[[str], bool]) -> Iterator[Path]:
    """The files under directory whose names are wanted, skipping SKIP_DIRS and `.venv*`, in a stable order."""
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith(".venv"))
        yield from (Path(root) / name for name in sorted(files) if wanted(name))


def load_file(path: Path) -> dict[str, Any]:
    """Parse one `.tf` file into python-hcl2's dict form. Treat it as read-only (it is cached)."""
    return _load_cached(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _load_cached(path: str, _mtime_ns: int) -> dict[str, Any]:
    # Parsing is the slow part; a file is parsed again only when it changes.
    with open(path, encoding="utf-8") as handle:
        return hcl2.load(handle, serialization_options=SERIALIZATION)


def loads(text: str) -> dict[str, Any]:
    """Parse Terraform text (a .tf or .tfvars file, an `x = expression` line) into the same dict form."""
    return hcl2.loads(text, serialization_options=SERIALIZATION)


@dataclass(frozen=True)
class Outline:
    """Where a top-level block is, from python-hcl2's parse tree: its first and last line, and the lines of what
    it holds. A name is an argument's or a nested block's (`dynamic "statement"` for a dynamic block, whose
    `content` is looked through: its arguments count as the dynamic block's)."""

    line: int
    end: int
    children: tuple[tuple[str, int], ...]  # the block's own arguments and blocks in source order: (name, line)
    nested: Mapping[tuple[str, ...], int]  # the first line of each path of names, at any depth


def parse(text: str) -> tuple[dict[str, Any], dict[tuple[str, ...], Outline]]:
    """Parse Terraform text: python-hcl2's dict form, and each top-level block's Outline by (kind, *labels)."""
    tree = hcl2.parses(text)
    outlines: dict[tuple[str, ...], Outline] = {}
    for node in tree.body.children:
        if isinstance(node, BlockRule):
            outlines.setdefault(_labels(node), _outline(node))  # a repeated address: the first, as Terraform reports
    return hcl2.serialize(tree, serialization_options=SERIALIZATION), outlines


def _labels(block: BlockRule) -> tuple[str, ...]:
    return tuple(str(label.serialize()).strip('"') for label in block.labels)


def _name(node: AttributeRule | BlockRule) -> str:
    if isinstance(node, AttributeRule):
        return str(node.identifier.serialize()).strip('"')
    kind, *rest = _labels(node)
    return f'{kind} "{rest[0]}"' if rest else kind


def _line(node: Any) -> int:
    return node._meta.line  # python-hcl2 8 keeps lark's Meta (line, end_line) on each rule


def _outline(block: BlockRule) -> Outline:
    nested: dict[tuple[str, ...], int] = {}

    def walk(body: BodyRule, prefix: tuple[str, ...]) -> None:
        for node in body.children:
            if not isinstance(node, (AttributeRule, BlockRule)):
                continue
            name = _name(node)
            if name == "content" and prefix and prefix[-1].startswith("dynamic "):
                walk(node.body, prefix)
                continue
            nested.setdefault((*prefix, name), _line(node))
            if isinstance(node, BlockRule):
                walk(node.body, (*prefix, name))

    walk(block.body, ())
    children = tuple((_name(node), _line(node)) for node in block.body.children
                     if isinstance(node, (AttributeRule, BlockRule)))
    return Outline(_line(block), block._meta.end_line, children, nested)


@dataclass
class Module:
    """The blocks of every `.tf` file in one directory, merged the way Terraform merges them."""

    path: Path
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    modules: dict[str, dict[str, Any]] = field(default_factory=dict)
    resources: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    data: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)


def load_module(directory: Path) -> Module:
    """Load every `.tf` file of a module directory (not its subdirectories)."""
    module = Module(path=directory)
    for path in sorted(directory.glob("*.tf")):
        document = load_file(path)
        for block in document.get("variable", []):
            module.variables.update(block)
        for block in document.get("output", []):
            module.outputs.update(block)
        for block in document.get("locals", []):
            module.locals.update(block)
        for block in document.get("module", []):
            module.modules.update(block)
        for kind, target in (("resource", module.resources), ("data", module.data)):
            for block in document.get(kind, []):
                for type_name, named in block.items():
                    for name, body in named.items():
                        target[(type_name, name)] = body
    return module


def module_dirs(root: Path) -> list[Path]:
    """Every directory below (and including) `root` that holds `.tf` files, skipping `.terraform`."""
    found = {path.parent for path in root.rglob("*.tf") if ".terraform" not in path.parts}
    return sorted(found)


def variable_defaults(path: Path) -> dict[str, Any]:
    """`variable "x" { default = … }` values of one .tf file (None for a variable without a default)."""
    return {name: body.get("default") for block in load_file(path).get("variable", []) for name, body in block.items()}
