"""Read Terraform with python-hcl2 (8.x): files (its dict form and each block's lines), and modules (directories),
the one model the static plan, the linter, the gate, the provider-schema check and the docs generator read."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2
from hcl2 import SerializationOptions
from hcl2.rules.base import AttributeRule, BlockRule, BodyRule
from hcl2.rules.containers import ObjectRule, TupleRule
from hcl2.rules.expressions import ExprTermRule
from hcl2.rules.functions import FunctionCallRule
from hcl2.rules.strings import HeredocTemplateRule, HeredocTrimTemplateRule

from s3batch_core.contract.limits import MAX_POLICY_BYTES, check_size
from s3batch_core.errors import InputError
from s3batch_core.terraform.text import effect_lines

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
    # a policy written in one of the block's arguments (jsonencode or heredoc JSON): the line of each statement
    statement_lines: Mapping[str, tuple[int, ...]] = field(default_factory=dict)


@functools.lru_cache(maxsize=256)
def parse(text: str) -> tuple[dict[str, Any], dict[tuple[str, ...], Outline]]:
    """Parse Terraform text: python-hcl2's dict form, and each top-level block's Outline by (kind, *labels).
    Cached by text (parsing is the slow part): treat the result as read-only."""
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
    statements = {_name(node): lines for node in block.body.children
                  if isinstance(node, AttributeRule) and (lines := _statement_lines(node.expression))}
    return Outline(_line(block), block._meta.end_line, children, nested, statements)


def _statement_lines(expression: Any) -> tuple[int, ...]:
    """The line of each statement of a policy written as `jsonencode({... Statement = [...]})` (its Effect's line,
    else its own) or as a heredoc of JSON (the lines holding an Effect key); () for anything else."""
    term = _unwrap(expression)
    if isinstance(term, (HeredocTemplateRule, HeredocTrimTemplateRule)):
        return tuple(_line(term) + line - 1 for line in effect_lines(str(term.heredoc)))
    if not (isinstance(term, FunctionCallRule) and [str(i.serialize()) for i in term.identifiers] == ["jsonencode"]
            and term.arguments is not None and len(term.arguments.arguments) == 1):
        return ()
    statements = _element(_unwrap(term.arguments.arguments[0]), "Statement")
    items = statements.elements if isinstance(statements, TupleRule) else [statements]
    objects = [_unwrap(item) for item in items]
    if not objects or not all(isinstance(item, ObjectRule) for item in objects):
        return ()
    return tuple(_line(_element(item, "Effect", whole=True) or item) for item in objects)


def _unwrap(node: Any) -> Any:
    while isinstance(node, ExprTermRule):
        node = node.expression
    return node


def _element(node: Any, key: str, whole: bool = False) -> Any:
    """The value of `key` in an object expression (the element itself with `whole`); None when absent."""
    if not isinstance(node, ObjectRule):
        return None
    for element in node.elements:
        if str(element.key.serialize()).strip('"') == key:
            return element if whole else _unwrap(element.expression)
    return None


# ---- files ------------------------------------------------------------------------------------------------


@dataclass
class TfFile:
    """One parsed .tf file: its path, its text lines, python-hcl2's dict and its blocks' outlines."""

    path: Path
    lines: list[str]
    body: dict
    outlines: dict[tuple[str, ...], Outline] = field(default_factory=dict)

    @property
    def display(self) -> str:
        return display_path(self.path)


def display_path(path: Path) -> str:
    """The path relative to the working directory when below it, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def find_tf_files(paths: Iterable[Path]) -> list[Path]:
    """Every .tf file in these files and directories (recursively, skipping .terraform and the like), sorted."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(walk_files(path, lambda name: name.endswith(".tf")))
        elif path.suffix == ".tf":
            found.add(path)
    return sorted(found)


def parse_tf_file(path: Path) -> TfFile:
    """Parse one .tf file; InputError naming the file (and python-hcl2's first message line) when it cannot."""
    try:
        check_size(path.stat().st_size, str(path), MAX_POLICY_BYTES)
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from exc
    try:
        body, outlines = parse(text)
    except RecursionError:
        raise InputError(f"{path}: cannot parse Terraform: expressions nest too deeply for the parser") from None
    except Exception as exc:  # noqa: BLE001 - lark raises many types; all mean "not valid HCL"
        raise InputError(f"{path}: cannot parse Terraform: {first_line(exc)}") from exc
    return TfFile(path, text.splitlines(), body, outlines)


def first_line(error: BaseException) -> str:
    """The first line of a parser's message (lark's run to many lines), or the error's type when it has none."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def load_file(path: Path) -> dict[str, Any]:
    """One `.tf` file in python-hcl2's dict form (read-only: it is cached)."""
    return parse_tf_file(path).body


def read_tfvars(directory: Path) -> dict[str, object]:
    """The values terraform.tfvars and *.auto.tfvars of a directory set."""
    values: dict[str, object] = {}
    for path in [directory / "terraform.tfvars", *sorted(directory.glob("*.auto.tfvars"))]:
        if path.is_file():
            try:
                values.update(loads(path.read_text(encoding="utf-8")))
            except Exception as exc:  # noqa: BLE001 - same as .tf files
                raise InputError(f"{path}: cannot parse Terraform variables: {first_line(exc)}") from exc
    return values


# ---- modules ----------------------------------------------------------------------------------------------


@dataclass
class Block:
    """A top-level block: its address, body (dict form), file and lines (header to closing brace)."""

    kind: str  # resource | data | module | variable | output
    type: str  # aws_iam_role, aws_iam_policy_document, ... ("" for module/variable/output)
    name: str
    body: dict
    file: TfFile
    outline: Outline | None = None

    @property
    def line(self) -> int | None:
        return self.outline.line if self.outline is not None else None

    @property
    def end(self) -> int | None:
        return self.outline.end if self.outline is not None else None

    @property
    def address(self) -> str:
        """Terraform's address: aws_iam_role.batch, data.aws_iam_policy_document.trust, module.batch_role."""
        if self.kind == "resource":
            return f"{self.type}.{self.name}"
        if self.kind == "data":
            return f"data.{self.type}.{self.name}"
        return f"{self.kind}.{self.name}"

    def statement_headers(self) -> list[tuple[bool, int]]:
        """(is dynamic, line) of each `statement {` and `dynamic "statement" {` in an aws_iam_policy_document."""
        children = self.outline.children if self.outline is not None else ()
        return [(name != "statement", line) for name, line in children if name in ("statement", 'dynamic "statement"')]


def _blocks(tf: TfFile) -> Iterator[Block]:
    for kind in ("resource", "data"):
        for entry in tf.body.get(kind, []):
            for type_name, named in entry.items():
                for name, body in named.items():
                    yield _block(tf, kind, type_name, name, body)
    for kind in ("module", "variable", "output"):
        for entry in tf.body.get(kind, []):
            for name, body in entry.items():
                yield _block(tf, kind, "", name, body)


def _block(tf: TfFile, kind: str, type_name: str, name: str, body: object) -> Block:
    outline = tf.outlines.get((kind, type_name, name) if type_name else (kind, name))
    return Block(kind, type_name, name, body if isinstance(body, dict) else {}, tf, outline)


@dataclass
class Module:
    """The blocks of the `.tf` files of one directory, merged the way Terraform merges them, with tfvars."""

    path: Path
    files: list[TfFile]
    blocks: list[Block] = field(init=False)
    locals: dict[str, Any] = field(init=False)
    tfvars: dict[str, object] = field(init=False)

    def __post_init__(self) -> None:
        self.blocks = [block for tf in self.files for block in _blocks(tf)]
        self.locals = {name: value for tf in self.files for entry in tf.body.get("locals", [])
                       for name, value in entry.items()}
        self.tfvars = read_tfvars(self.path)

    def find(self, kind: str, type_name: str, name: str) -> Block | None:
        return self._index.get((kind, type_name, name))

    def of_type(self, kind: str, type_name: str) -> list[Block]:
        return [b for b in self.blocks if b.kind == kind and b.type == type_name]

    @functools.cached_property
    def _index(self) -> dict[tuple[str, str, str], Block]:
        index: dict[tuple[str, str, str], Block] = {}
        for block in self.blocks:
            index.setdefault((block.kind, block.type, block.name), block)  # a repeated address: the first
        return index

    def _bodies(self, kind: str) -> dict[Any, dict[str, Any]]:
        return {(t, n) if t else n: b.body for (k, t, n), b in self._index.items() if k == kind}

    @functools.cached_property
    def variables(self) -> dict[str, dict[str, Any]]:
        return self._bodies("variable")

    @functools.cached_property
    def outputs(self) -> dict[str, dict[str, Any]]:
        return self._bodies("output")

    @functools.cached_property
    def modules(self) -> dict[str, dict[str, Any]]:
        """Module calls by name."""
        return self._bodies("module")

    @functools.cached_property
    def resources(self) -> dict[tuple[str, str], dict[str, Any]]:
        """Resources by (type, name)."""
        return self._bodies("resource")

    @functools.cached_property
    def data(self) -> dict[tuple[str, str], dict[str, Any]]:
        """Data sources by (type, name)."""
        return self._bodies("data")


def load_module(directory: Path) -> Module:
    """Load every `.tf` file of a module directory (not its subdirectories)."""
    return Module(directory, [parse_tf_file(path) for path in sorted(directory.glob("*.tf"))])


def local_source(directory: Path, call: dict) -> Path | None:
    """The directory a module call (its body) with a local source ("./x", "../x") calls; None for another source."""
    source = call.get("source") if isinstance(call, dict) else None
    return (directory / source).resolve() if isinstance(source, str) and source.startswith(("./", "../")) else None


def module_dirs(root: Path) -> list[Path]:
    """Every directory below (and including) `root` that holds `.tf` files, skipping `.terraform`."""
    return sorted({path.parent for path in find_tf_files([root])})

