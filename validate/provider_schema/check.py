"""Check Terraform code against the provider schema snapshot, offline: what `terraform validate` would refuse.

The checks (TFS001-TFS008): docs/linter.md, "provider schema". Types of services the snapshot does not cover are
counted, not checked. Reading the code is s3batch_core.terraform.project's (python-hcl2); line numbers come from the
parse tree's outlines.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from validate.linter.findings import Finding, Severity
from validate.provider_schema import BlockSchema, ProviderSchema
from s3batch_core.terraform.load import Block, Module, TfFile, local_source
from s3batch_core.terraform.project import TerraformProject
from s3batch_core.terraform.text import interpolations

UNKNOWN_TYPE, UNKNOWN_ARGUMENT, MISSING_REQUIRED, TOO_MANY_BLOCKS = "TFS001", "TFS002", "TFS003", "TFS004"
UNKNOWN_ATTRIBUTE, MODULE_ARGUMENT, MODULE_OUTPUT, DEPRECATED = "TFS005", "TFS006", "TFS007", "TFS008"
RULE_TITLES = {
    UNKNOWN_TYPE: "Resource or data source type the provider does not have",
    UNKNOWN_ARGUMENT: "Argument or nested block the type does not have, or a computed attribute set",
    MISSING_REQUIRED: "Required argument or nested block missing",
    TOO_MANY_BLOCKS: "Nested block repeated beyond its maximum",
    UNKNOWN_ATTRIBUTE: "Reference to an undeclared block or an attribute the type does not have",
    MODULE_ARGUMENT: "Module argument that is no variable of the module, or a required variable not passed",
    MODULE_OUTPUT: "Reference to a module output the module does not declare",
    DEPRECATED: "Deprecated or repurposed name in this provider version",
}
META_ARGUMENTS = frozenset({"count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"})
MODULE_META = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})
_RESOURCE_REF = re.compile(r"(?<![\w.])(?:(data)\.)?(aws_[a-z0-9_]+)\.([A-Za-z_][\w-]*)(?:\[[^\]]*\])?\.([A-Za-z_]\w*)")
_MODULE_REF = re.compile(r"(?<![\w.])module\.([A-Za-z_][\w-]*)(?:\[[^\]]*\])?\.([A-Za-z_]\w*)")
Problem = tuple[str, Severity, str, str]  # a reference's finding: rule, severity, message, address


@dataclass
class SchemaCheck:
    """The findings, and what was (not) covered by the snapshot."""

    findings: list[Finding] = field(default_factory=list)
    checked_blocks: int = 0
    unchecked_types: set[str] = field(default_factory=set)


def sarif_rules() -> list[dict]:
    """SARIF rule descriptors of the checker's findings."""
    return [{"id": rule, "name": rule, "shortDescription": {"text": title},
             "defaultConfiguration": {"level": "warning" if rule == DEPRECATED else "error"}}
            for rule, title in RULE_TITLES.items()]


def check_project(project: TerraformProject, schema: ProviderSchema) -> SchemaCheck:
    """Check every resource, data source, reference and module call of the project."""
    result = SchemaCheck()
    for module in project.modules.values():
        for block in module.blocks:
            if block.kind in ("resource", "data"):
                _check_declaration(block, schema, result)
            elif block.kind == "module":
                _check_module_call(block, module, project, result)
        for tf in module.files:
            _check_references(tf, module, project, schema, result)
    result.findings.sort(key=lambda f: (f.file, f.line or 0, f.rule, f.message))
    return result


# ---- declarations ---------------------------------------------------------------------------------------------


def _check_declaration(block: Block, schema: ProviderSchema, result: SchemaCheck) -> None:
    if not block.type.startswith("aws_"):
        return
    declared = schema.block(block.kind, block.type)
    if declared is None:
        if schema.covers(block.type):
            what = "resource type" if block.kind == "resource" else "data source"
            _add(result, UNKNOWN_TYPE, Severity.ERROR, block, block.line,
                 f"hashicorp/aws {schema.version} has no {what} {block.type}{_suggest(block.type, schema.type_names(block.kind))}")
        else:
            result.unchecked_types.add(block.type)
        return
    result.checked_blocks += 1
    _check_body(block, block.body, declared, block.type, (), result, top=True)


def _check_body(block: Block, body: dict, schema: BlockSchema, where: str, path: tuple[str, ...],
                result: SchemaCheck, *, top: bool = False) -> None:
    present: set[str] = set()
    for name, value in body.items():
        if (top and name in META_ARGUMENTS) or name == "dynamic":
            continue
        line = _line(block, (*path, name))
        if name in schema.blocks:
            present.add(name)
            bodies = value if isinstance(value, list) else [value]
            _check_nested(block, schema, where, (*path, name), [b for b in bodies if isinstance(b, dict)], line, result)
        elif name in schema.arguments:
            present.add(name)
            if not schema.settable(name):
                _add(result, UNKNOWN_ARGUMENT, Severity.ERROR, block, line,
                     f"{where}: {name} is computed by the provider and cannot be set")
            _note(block, schema, name, "set", where, line, result)
        else:
            _add(result, UNKNOWN_ARGUMENT, Severity.ERROR, block, line,
                 f"{where}: no argument or block {name!r}{_suggest(name, [*schema.arguments, *schema.blocks])}")
    for name, spec in _dynamic_blocks(body):
        line = _line(block, (*path, f'dynamic "{name}"'))
        if name not in schema.blocks:
            _add(result, UNKNOWN_ARGUMENT, Severity.ERROR, block, line,
                 f"{where}: dynamic block {name!r} is no block of this type{_suggest(name, list(schema.blocks))}")
            continue
        present.add(name)
        for content in spec.get("content", []) if isinstance(spec, dict) else []:
            if isinstance(content, dict):
                _check_body(block, content, schema.blocks[name].block, f"{where}.{name}", (*path, f'dynamic "{name}"'), result)
    required = [("argument", name) for name in schema.required()]
    required += [("block", name) for name, nested in schema.blocks.items() if nested.min_items]
    for what, name in required:
        if name not in present:
            _add(result, MISSING_REQUIRED, Severity.ERROR, block, _line(block, path),
                 f"{where}: required {what} {name!r} is missing")


def _check_nested(block: Block, parent: BlockSchema, where: str, path: tuple[str, ...], bodies: list[dict],
                  line: int | None, result: SchemaCheck) -> None:
    name = path[-1]
    nested = parent.blocks[name]
    if nested.max_items is not None and len(bodies) > nested.max_items:
        _add(result, TOO_MANY_BLOCKS, Severity.ERROR, block, line,
             f"{where}: block {name!r} may appear at most {nested.max_items} time(s), found {len(bodies)}")
    _note(block, parent, name, "set", where, line, result)
    for body in bodies:
        _check_body(block, body, nested.block, f"{where}.{name}", path, result)


def _dynamic_blocks(body: dict) -> Iterator[tuple[str, object]]:
    for entry in body.get("dynamic", []) or []:
        if isinstance(entry, dict):
            yield from entry.items()


# ---- module calls ---------------------------------------------------------------------------------------------


def _check_module_call(call: Block, module: Module, project: TerraformProject, result: SchemaCheck) -> None:
    child = _called_module(call, module, project)
    if child is None:
        return
    passed = {name for name in call.body if name not in MODULE_META}
    for name in sorted(passed - set(child.variables)):
        _add(result, MODULE_ARGUMENT, Severity.ERROR, call, _line(call, (name,)),
             f"module.{call.name}: {call.body['source']} has no variable {name!r}{_suggest(name, list(child.variables))}")
    required = {name for name, variable in child.variables.items() if "default" not in variable}
    for name in sorted(required - passed):
        _add(result, MODULE_ARGUMENT, Severity.ERROR, call, call.line,
             f"module.{call.name}: required variable {name!r} of {call.body['source']} is not passed")


def _called_module(call: Block, module: Module, project: TerraformProject) -> Module | None:
    """The module a local `source` points to, when it is part of the checked code; None otherwise."""
    target = local_source(module.path, call.body)
    return project.modules.get(target) if target is not None else None


# ---- references -----------------------------------------------------------------------------------------------


def _check_references(tf: TfFile, module: Module, project: TerraformProject, schema: ProviderSchema,
                      result: SchemaCheck) -> None:
    seen: set[str] = set()
    for text in _strings(tf.body):
        for expression in interpolations(text):
            for pattern, check in ((_RESOURCE_REF, _resource_problem), (_MODULE_REF, _module_problem)):
                for match in pattern.finditer(expression):
                    problem = None if match.group(0) in seen else check(match, module, project, schema)
                    seen.add(match.group(0))
                    if problem is not None:
                        rule, severity, message, address = problem
                        line = _text_line(tf, match.group(0))
                        result.findings.append(Finding(rule, severity, message, tf.display, line, address))


def _resource_problem(match: re.Match[str], module: Module, project: TerraformProject,
                      schema: ProviderSchema) -> Problem | None:
    data, type_name, name, attribute = match.groups()
    kind = "data" if data else "resource"
    address = f"{'data.' if data else ''}{type_name}.{name}"
    if module.find(kind, type_name, name) is None:
        return UNKNOWN_ATTRIBUTE, Severity.ERROR, f"reference to undeclared {address} (in {match.group(0)})", address
    declared = schema.block(kind, type_name)
    if declared is None:
        return None  # an unknown type is reported where it is declared; an uncovered one is not checked
    if not declared.readable(attribute):
        suggestion = _suggest(attribute, [*declared.arguments, *declared.blocks])
        return UNKNOWN_ATTRIBUTE, Severity.ERROR, f"{address} has no attribute {attribute!r}{suggestion}", address
    note = declared.notes.get(attribute)
    if note is None:
        return None
    return DEPRECATED, Severity(note.severity), f"{address}.{attribute}: {note.message}", address


def _module_problem(match: re.Match[str], module: Module, project: TerraformProject,
                    schema: ProviderSchema) -> Problem | None:
    name, output = match.groups()
    call = module.find("module", "", name)
    if call is None:
        return MODULE_OUTPUT, Severity.ERROR, f"reference to undeclared module.{name}", f"module.{name}"
    child = _called_module(call, module, project)
    if child is None or output in child.outputs:
        return None
    suggestion = _suggest(output, sorted(child.outputs))
    return (MODULE_OUTPUT, Severity.ERROR, f"module.{name} ({call.body['source']}) has no output {output!r}{suggestion}",
            f"module.{name}")


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


# ---- helpers --------------------------------------------------------------------------------------------------


def _note(block: Block, schema: BlockSchema, name: str, use: str, where: str, line: int | None,
          result: SchemaCheck) -> None:
    note = schema.notes.get(name)
    if note is not None and (note.when == "any" or note.when == use):
        _add(result, DEPRECATED, Severity(note.severity), block, line, f"{where}: {name}: {note.message}")


def _add(result: SchemaCheck, rule: str, severity: Severity, block: Block, line: int | None, message: str) -> None:
    result.findings.append(Finding(rule, severity, message, block.file.display, line, block.address))


def _line(block: Block, path: Iterable[str]) -> int | None:
    """The line of a nested argument or block (the parse tree's); of its closest enclosing one when absent."""
    line, steps = block.line, tuple(path)
    nested = block.outline.nested if block.outline is not None else {}
    for depth in range(1, len(steps) + 1):
        if steps[:depth] not in nested:
            break
        line = nested[steps[:depth]]
    return line


def _text_line(tf: TfFile, needle: str) -> int | None:
    return next((number for number, text in enumerate(tf.lines, start=1) if needle in text), None)


def _suggest(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""
