"""A Terraform code base as the linter and the provider-schema check read it: files, top-level blocks with their
lines (python-hcl2's parse tree, load.Outline), modules (directories) with variables, locals and tfvars, and
the module calls between them.

Unlike the static plan (plan.py), which instantiates one module with concrete variables, this reads code
it knows nothing about: a variable can take several values (each module call's argument, tfvars, the
default), and `TerraformProject.resolve` returns all of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from s3batch_core.contract.limits import MAX_POLICY_BYTES, check_size
from s3batch_core.errors import InputError
from s3batch_core.terraform.evaluate import Scope, Unsupported, evaluate_partial
from s3batch_core.terraform.load import Outline, loads, parse, walk_files
from s3batch_core.terraform.text import strip_interpolation

SIMPLE_REF = re.compile(r"^(var|local)\.([A-Za-z0-9_-]+)$")
"""An expression that is one variable or local, as `resolve` follows it."""
MAX_DEPTH = 8
"""How many references (or included documents) a reader follows before it stops: cycles end here."""


@dataclass
class TfFile:
    """One parsed .tf file: its path as shown to users, its text lines, python-hcl2's dict and its blocks' outlines."""

    path: Path
    display: str
    lines: list[str]
    body: dict
    outlines: dict[tuple[str, ...], Outline] = field(default_factory=dict)


def find_tf_files(paths: Iterable[Path]) -> list[Path]:
    """Every .tf file in these files and directories (recursively, skipping .terraform and the like), sorted."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(walk_files(path, lambda name: name.endswith(".tf")))
        elif path.suffix == ".tf":
            found.add(path)
    return sorted(found)


def display_path(path: Path) -> str:
    """The path relative to the working directory when below it, else as given."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


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
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"{path}: cannot parse Terraform: {first}") from exc
    return TfFile(path, display_path(path), text.splitlines(), body, outlines)


def with_local_modules(files: list[TfFile], limit: int = 50) -> list[TfFile]:
    """The files plus those of every module they call with a local source ("./x", "../x"), transitively
    (at most `limit` extra directories), so a role built by a local module is read with the caller's
    arguments even when only the caller's directory is linted."""
    loaded = {tf.path.parent.resolve() for tf in files}
    pending = list(files)
    result = list(files)
    while pending and limit > 0:
        tf = pending.pop()
        for entry in tf.body.get("module", []):
            for body in entry.values():
                source = body.get("source") if isinstance(body, dict) else None
                if not (isinstance(source, str) and source.startswith(("./", "../"))):
                    continue
                target = (tf.path.parent / source).resolve()
                if target in loaded or not target.is_dir() or limit <= 0:
                    continue
                loaded.add(target)
                limit -= 1
                new = [parse_tf_file(path) for path in find_tf_files([target]) if path.parent.resolve() == target]
                result += new
                pending += new
    return result



@dataclass
class Block:
    """A top-level block with the text lines it spans (header to closing brace)."""

    kind: str  # resource | data | module | variable
    type: str  # aws_iam_role, aws_iam_policy_document, ... ("" for module/variable)
    name: str
    body: dict
    file: TfFile
    line: int | None = None
    end: int | None = None
    outline: Outline | None = None

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


def blocks_of(tf: TfFile) -> list[Block]:
    blocks: list[Block] = []
    for kind in ("resource", "data"):
        for entry in tf.body.get(kind, []):
            for type_name, named in entry.items():
                for name, body in named.items():
                    blocks.append(_block(tf, kind, type_name, name, body))
    for kind in ("module", "variable"):
        for entry in tf.body.get(kind, []):
            for name, body in entry.items():
                blocks.append(_block(tf, kind, "", name, body))
    return blocks


def _block(tf: TfFile, kind: str, type_name: str, name: str, body: object) -> Block:
    outline = tf.outlines.get((kind, type_name, name) if type_name else (kind, name))
    line, end = (outline.line, outline.end) if outline is not None else (None, None)
    return Block(kind, type_name, name, body if isinstance(body, dict) else {}, tf, line, end, outline)



@dataclass
class ModuleDir:
    """The blocks of one directory (a Terraform module), with its variables, locals and tfvars."""

    path: Path
    blocks: list[Block] = field(default_factory=list)
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, object] = field(default_factory=dict)
    tfvars: dict[str, object] = field(default_factory=dict)
    outputs: set[str] = field(default_factory=set)

    def find(self, kind: str, type_name: str, name: str) -> Block | None:
        """The block with this kind, type and name, or None."""
        return next((b for b in self.blocks if b.kind == kind and b.type == type_name and b.name == name), None)

    def of_type(self, kind: str, type_name: str) -> list[Block]:
        """All blocks of one kind and type."""
        return [b for b in self.blocks if b.kind == kind and b.type == type_name]



class TerraformProject:
    """All .tf files under some paths, grouped into modules, with module calls indexed for variable lookup."""

    def __init__(self, files: Sequence[TfFile]) -> None:
        self.files = list(files)
        self.modules: dict[Path, ModuleDir] = {}
        for tf in files:
            module = self.modules.setdefault(tf.path.parent.resolve(), ModuleDir(tf.path.parent.resolve()))
            for block in blocks_of(tf):
                module.blocks.append(block)
                if block.kind == "variable":
                    module.variables[block.name] = block
            for entry in tf.body.get("locals", []):
                module.locals.update(entry)
            for entry in tf.body.get("output", []):
                module.outputs.update(entry)
        for module in self.modules.values():
            module.tfvars = read_tfvars(module.path)
        self.callers: dict[Path, list[tuple[ModuleDir, Block]]] = {}
        for module in self.modules.values():
            for call in (b for b in module.blocks if b.kind == "module"):
                source = call.body.get("source")
                if isinstance(source, str) and source.startswith(("./", "../")):
                    target = (module.path / source).resolve()
                    self.callers.setdefault(target, []).append((module, call))

    @classmethod
    def load(cls, paths: Iterable[Path]) -> TerraformProject:
        """Parse every .tf file under these paths (InputError on the first that does not parse)."""
        return cls([parse_tf_file(p) for p in find_tf_files(paths)])

    # -- values

    def variable_values(self, module: ModuleDir, name: str, bindings: dict[str, str], depth: int = 0) -> list[object]:
        """Every value var.<name> can take: a binding, each module call's argument, tfvars, or the default."""
        if name in bindings:
            return [bindings[name]]
        declared = module.variables.get(name)
        default = [declared.body["default"]] if declared and "default" in declared.body else []
        callers = self.callers.get(module.path, [])
        if not callers:
            return [module.tfvars[name]] if name in module.tfvars else default
        values: list[object] = []
        for caller, call in callers:
            if name in call.body:
                values.extend(self.resolve(call.body[name], caller, {}, depth + 1))
            else:
                values.extend(default)
        return values

    def resolve(self, value: object, module: ModuleDir, bindings: dict[str, str], depth: int = 0) -> list[object]:
        """Follow a value that is exactly ${var.x} or ${local.x} to its possible values; others stay as they are."""
        if depth > MAX_DEPTH or not isinstance(value, str):
            return [value]
        inner = strip_interpolation(value)
        match = SIMPLE_REF.match(inner) if inner else None
        if not match:
            return [value]
        kind, name = match.groups()
        if kind == "var":
            found = self.variable_values(module, name, bindings, depth)
        else:
            found = [module.locals[name]] if name in module.locals else []
        out: list[object] = []
        for item in found:
            out.extend(self.resolve(item, module, bindings, depth + 1))
        return out or [value]

    def substitute(self, text: str, module: ModuleDir, bindings: dict[str, str], depth: int = 0) -> str:
        """The text with ${path.module} and each var./local. that has one string value filled in (partial
        evaluation, evaluate.py); what has several values or none stays "${...}"."""
        scope = Scope(_OneValue(self, module, bindings, depth), module.locals, _paths(module.path), module.path,
                      partial=True)
        try:
            value = evaluate_partial(text, scope)
        except (Unsupported, RecursionError, ValueError):
            return text
        return value if isinstance(value, str) else text


class _OneValue(Mapping[str, object]):
    """A module's variables for `substitute`: the value a variable takes when it takes exactly one string value."""

    def __init__(self, project: TerraformProject, module: ModuleDir, bindings: dict[str, str], depth: int) -> None:
        self.project, self.module, self.bindings, self.depth = project, module, bindings, depth

    def __getitem__(self, name: str) -> object:
        if self.depth > MAX_DEPTH:
            raise KeyError(name)
        values = {v for v in self.project.resolve(f"${{var.{name}}}", self.module, self.bindings, self.depth + 1)
                  if isinstance(v, str)}
        if len(values) != 1 or values == {f"${{var.{name}}}"}:
            raise KeyError(name)  # several values, or none: unknown
        return self.project.substitute(values.pop(), self.module, self.bindings, self.depth + 1)

    def __iter__(self) -> Iterator[str]:
        return iter(self.module.variables)

    def __len__(self) -> int:
        return len(self.module.variables)


def _paths(module_path: Path) -> Callable[[tuple], object]:
    def resolve(path: tuple) -> object:
        if path[:1] == ("path",) and path[1:2] in (("root",), ("cwd",)):
            return str(module_path)  # the linted module is read as the root: Terraform's path.root/path.cwd
        raise Unsupported(".".join(map(str, path)))

    return resolve


def read_tfvars(directory: Path) -> dict[str, object]:
    values: dict[str, object] = {}
    for path in [directory / "terraform.tfvars", *sorted(directory.glob("*.auto.tfvars"))]:
        if path.is_file():
            try:
                values.update(loads(path.read_text(encoding="utf-8")))
            except Exception as exc:  # noqa: BLE001 - same as .tf files
                raise InputError(f"{path}: cannot parse Terraform variables: {str(exc).splitlines()[0]}") from exc
    return values
