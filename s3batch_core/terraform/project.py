"""A Terraform code base as the linter, the gate and the provider-schema check read it: the modules (load.Module)
of the files under some paths and the module calls between them.

Unlike the static plan (plan.py), which instantiates one module with concrete variables, this reads code
it knows nothing about: a variable can take several values (each module call's argument, tfvars, the
default), and `TerraformProject.resolve` returns all of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from s3batch_core.terraform.evaluate import Scope, Unsupported, evaluate_partial
from s3batch_core.terraform.load import Block, Module, TfFile, find_tf_files, local_source, parse_tf_file
from s3batch_core.terraform.text import strip_interpolation

SIMPLE_REF = re.compile(r"^(var|local)\.([A-Za-z0-9_-]+)$")
"""An expression that is one variable or local, as `resolve` follows it."""
MAX_DEPTH = 8
"""How many references (or included documents) a reader follows before it stops: cycles end here."""


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
                target = local_source(tf.path.parent, body)
                if target is None or target in loaded or not target.is_dir() or limit <= 0:
                    continue
                loaded.add(target)
                limit -= 1
                new = [parse_tf_file(path) for path in find_tf_files([target]) if path.parent.resolve() == target]
                result += new
                pending += new
    return result


class TerraformProject:
    """All .tf files under some paths, grouped into modules, with module calls indexed for variable lookup."""

    def __init__(self, files: Sequence[TfFile]) -> None:
        grouped: dict[Path, list[TfFile]] = {}
        for tf in files:
            grouped.setdefault(tf.path.parent.resolve(), []).append(tf)
        self.modules = {path: Module(path, group) for path, group in grouped.items()}
        self.callers: dict[Path, list[tuple[Module, Block]]] = {}
        for module in self.modules.values():
            for call in module.of_type("module", ""):
                target = local_source(module.path, call.body)
                if target is not None:
                    self.callers.setdefault(target, []).append((module, call))

    @classmethod
    def load(cls, paths: Iterable[Path]) -> TerraformProject:
        """Parse every .tf file under these paths (InputError on the first that does not parse)."""
        return cls([parse_tf_file(p) for p in find_tf_files(paths)])

    # -- values

    def variable_values(self, module: Module, name: str, bindings: dict[str, str], depth: int = 0) -> list[object]:
        """Every value var.<name> can take: a binding, each module call's argument, tfvars, or the default."""
        if name in bindings:
            return [bindings[name]]
        declared = module.variables.get(name)
        default = [declared["default"]] if declared and "default" in declared else []
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

    def resolve(self, value: object, module: Module, bindings: dict[str, str], depth: int = 0) -> list[object]:
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
        return [resolved for item in found for resolved in self.resolve(item, module, bindings, depth + 1)] or [value]

    def substitute(self, text: str, module: Module, bindings: dict[str, str], depth: int = 0) -> str:
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

    def __init__(self, project: TerraformProject, module: Module, bindings: dict[str, str], depth: int) -> None:
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

