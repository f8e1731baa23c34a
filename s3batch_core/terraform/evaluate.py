"""Evaluate the Terraform expressions this kit uses, on python-hcl2's own parse tree.

No Terraform binary runs here, so where a value matters (a policy file name, a `count`, a validation
list) the tests, the static plan and the docs evaluate the expression themselves. The evaluator knows
the operators and the handful of functions the modules use; anything else raises `Unsupported`
rather than guessing.

Partial evaluation (`evaluate_partial`, for code read without a plan such as the linter's): what cannot be
evaluated (a reference the scope does not give, a function or expression the evaluator does not know, anything
computed from those) stays as the expression it is, in python-hcl2's dict form ("${...}"), and the rest is
evaluated around it: `{Resource = "arn:aws:s3:::${var.bucket}/*", Action = ["s3:GetObject"]}` keeps its
structure with one unknown string in it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import operator
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2
from hcl2.rules import containers, expressions, functions, indexing, literal_rules, strings
from hcl2.rules.abstract import LarkToken

from s3batch_core.terraform.load import SERIALIZATION, Module
from s3batch_core.terraform.templates import TEMPLATE_ESCAPES, jsonencode
from s3batch_core.terraform.text import heredoc_body, replace_interpolations


class Unsupported(Exception):
    """An expression uses something the evaluator does not implement."""


Resolver = Callable[[tuple[Any, ...]], Any]
"""Gives the value of a reference the module does not define itself, e.g.
("data", "aws_partition", "current", "partition") or ("aws_iam_role", "this", "arn")."""


def _no_references(path: tuple[Any, ...]) -> Any:
    raise Unsupported(f"no value for reference {'.'.join(map(str, path))}")


@dataclass(frozen=True)
class Unknown:
    """A value known only at plan time (partial evaluation): the expression as python-hcl2 writes it, "${...}"."""

    text: str


@dataclass
class Scope:
    """Values an expression can see: input variables, the module's locals, and a resolver for the rest.

    `partial`: what cannot be evaluated becomes an Unknown instead of raising (evaluate_partial)."""

    variables: Mapping[str, Any]
    locals: Mapping[str, Any] = field(default_factory=dict)
    resolve: Resolver = _no_references
    module_path: Path | None = None
    partial: bool = False
    _local_values: dict[str, Any] = field(default_factory=dict)

    def local(self, name: str) -> Any:
        if name not in self._local_values:
            if name not in self.locals:
                raise Unsupported(f"local.{name} is not defined")
            self._local_values[name] = evaluate(self.locals[name], self)
        return self._local_values[name]


def with_defaults(module: Module, given: Mapping[str, Any]) -> dict[str, Any]:
    """The module's variables as Terraform would see them: declared defaults overridden by `given`."""
    unknown = sorted(set(given) - set(module.variables))
    if unknown:
        raise Unsupported(f"{module.path}: no variable(s) {', '.join(unknown)}")
    values = {name: spec.get("default") for name, spec in module.variables.items()}
    values.update(given)
    return values


def evaluate(value: Any, scope: Scope) -> Any:
    """Evaluate a value from python-hcl2's dict form ("${...}" strings become expressions)."""
    if isinstance(value, list):
        return [evaluate(item, scope) for item in value]
    if isinstance(value, dict):
        return {key: evaluate(item, scope) for key, item in value.items()}
    if not isinstance(value, str) or "${" not in value:
        return value
    if not scope.partial:
        return evaluate_node(parse_expression(value), scope)
    try:
        node = parse_expression(value)
    except RecursionError:
        raise
    except Exception:  # noqa: BLE001 - lark's parse errors: text python-hcl2 cannot read as a template stays text
        return value
    return evaluate_node(node, scope)


def evaluate_partial(value: Any, scope: Scope | None = None) -> Any:
    """Evaluate what is known without a plan; every unknown part stays a "${...}" string (python-hcl2's dict form).
    Without a scope nothing outside the expression is known: variables, locals and references stay unknown."""
    scope = Scope({}, partial=True) if scope is None else scope
    if not scope.partial:
        raise ValueError("evaluate_partial needs a partial scope")
    return as_dict_form(evaluate(value, scope))


def evaluate_node_partial(node: Any) -> Any:
    """evaluate_partial, with nothing outside the expression known, for a parse-tree node (e.g. an argument found
    with find_calls)."""
    return as_dict_form(evaluate_node(node, Scope({}, partial=True)))


def as_dict_form(value: Any) -> Any:
    """A partially evaluated value with each Unknown written back as its "${...}" text."""
    if isinstance(value, Unknown):
        return value.text
    if isinstance(value, list):
        return [as_dict_form(item) for item in value]
    if isinstance(value, dict):
        return {key: as_dict_form(item) for key, item in value.items()}
    if isinstance(value, frozenset):
        return frozenset(as_dict_form(item) for item in value)
    return value


def has_unknown(value: Any) -> bool:
    """True when a partially evaluated value holds an Unknown anywhere."""
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        return any(has_unknown(item) for item in value.values())
    if isinstance(value, (list, frozenset)):
        return any(has_unknown(item) for item in value)
    return False


def evaluate_node(node: Any, scope: Scope) -> Any:
    """Evaluate a python-hcl2 parse-tree node (e.g. an argument found with find_calls)."""
    return _Evaluator(scope).run(node)


# A heredoc inside an expression as python-hcl2 serialises it: "<<EOT\n...\nEOT" with the closing marker not on
# a line of its own (e.g. "EOT})"), which python-hcl2 cannot read back; it is re-read as the quoted string it is.
_INLINE_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_]*)\n(.*?)\n[ \t]*\2(?![A-Za-z0-9_])", re.DOTALL)


@functools.lru_cache(maxsize=4096)
def parse_expression(value: str) -> Any:
    """python-hcl2 parse tree of a dict-form value: "${expr}" is the expression, anything else a template."""
    if value.startswith("${") and "<<" in value:
        value = _INLINE_HEREDOC.sub(lambda match: json.dumps(heredoc_body(match.group(0))), value)
    inner = value[2:-1] if value.startswith("${") and value.endswith("}") else None
    if inner is not None:
        try:
            return hcl2.parses(f"x = {inner}\n").body.children[0].expression
        except Exception:  # noqa: BLE001 - "${a}${b}" is a template, not one expression
            pass
    return hcl2.parses(f"x = {_quote_template(value)}\n").body.children[0].expression


def _quote_template(value: str) -> str:
    """Quote a template for re-parsing: escape literal text, leave `${...}` expressions as written."""
    escaped = {'"': '\\"', "\\": "\\\\", "\n": "\\n"}
    return '"' + replace_interpolations(value, str, lambda char: escaped.get(char, char)) + '"'


def _rules(node: Any) -> Iterator[Any]:
    """The node and every rule below it, in source order."""
    yield node
    for child in getattr(node, "children", []) or []:
        if child is not None and not isinstance(child, LarkToken):
            yield from _rules(child)


def find_calls(node: Any, name: str) -> list[Any]:
    """Every call of function `name` in a parse tree (e.g. the `contains(...)` of a validation)."""
    return [rule for rule in _rules(node)
            if isinstance(rule, functions.FunctionCallRule) and rule.identifiers[-1].serialize() == name]


def object_values(node: Any, key: str) -> list[Any]:
    """The value expression of every `key = ...` in the object literals of a parse tree, in source order (e.g. a
    tag set inside `merge(var.tags, { Name = ... })`, which is not known as a whole without a plan)."""
    found = []
    for rule in _rules(node):
        if isinstance(rule, containers.ObjectRule):
            found += [element.expression for element in rule.elements
                      if not isinstance(element.key, containers.ObjectElemKeyExpressionRule)
                      and str(element.key.value.serialize()).strip('"') == key]
    return found


def call_arguments(call: Any) -> list[Any]:
    return list(call.arguments.arguments) if call.arguments is not None else []


def call_name(node: Any) -> str | None:
    """The function's name when the expression is one function call (`jsonencode({...})`), else None."""
    while isinstance(node, expressions.ExprTermRule) and not node.parentheses:
        node = node.expression
    return node.identifiers[-1].serialize() if isinstance(node, functions.FunctionCallRule) else None


def arguments_text(call: Any) -> str:
    """The arguments of a FunctionCallRule as python-hcl2's dict form writes them (for messages)."""
    text = dict_form(call)
    return text[text.index("(") + 1 : text.rindex(")")] if "(" in text else ""


_ESCAPES = {'\\"': '"', "\\\\": "\\", "\\n": "\n", "\\r": "\r", "\\t": "\t", **TEMPLATE_ESCAPES}
_ESCAPE = re.compile(r'\\["\\nrt]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}|\$\$\{|%%\{')
"""HCL's string escapes (\\uNNNN and \\UNNNNNNNN too) and the template escapes $${ and %%{."""


def _unescape(match: re.Match[str]) -> str:
    token = match.group(0)
    return chr(int(token[2:], 16)) if token[:2] in ("\\u", "\\U") else _ESCAPES[token]


class _Evaluator:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def run(self, node: Any) -> Any:
        handler = getattr(self, f"_{type(node).__name__}", None)
        try:
            if handler is None:
                raise Unsupported(f"expression element {type(node).__name__}")
            return handler(node)
        except RecursionError:
            raise  # nesting (or a cycle of locals) beyond what can be read: the caller's input error
        except Exception:  # noqa: BLE001 - 1/0, regex("("), format() short of values: unknown, as at plan time
            if not self.scope.partial:
                raise
            return Unknown(dict_form(node))

    def _known(self, *values: Any) -> None:
        """In partial evaluation, a result computed from an unknown value is unknown itself."""
        if any(has_unknown(value) for value in values):
            raise Unsupported("depends on a value known only at plan time")

    # -- terms -----------------------------------------------------------------------------
    def _ExprTermRule(self, node: expressions.ExprTermRule) -> Any:
        return self.run(node.expression)

    def _IntLitRule(self, node: literal_rules.IntLitRule) -> int:
        return int(node.serialize())

    def _FloatLitRule(self, node: literal_rules.FloatLitRule) -> float:
        return float(node.serialize())

    def _LiteralValueRule(self, node: literal_rules.LiteralValueRule) -> Any:
        return {"true": True, "false": False, "null": None}[str(node.token.value)]

    def _StringRule(self, node: strings.StringRule) -> Any:
        parts = []
        for part in node.string_parts:
            content = part.content
            if isinstance(content, strings.InterpolationRule):
                value = self.run(content.expression)
                if isinstance(value, Unknown) and len(node.string_parts) == 1:
                    return value  # "${x}" is x itself, of whatever type it turns out to be
                parts.append(value.text if isinstance(value, Unknown) else _to_string(value))
            elif isinstance(content, LarkToken):
                text = str(content.value)
                parts.append(_ESCAPE.sub(_unescape, text))
            else:
                raise Unsupported(f"template directive {type(content).__name__}")
        return "".join(parts)

    def _TupleRule(self, node: containers.TupleRule) -> list[Any]:
        return [self.run(element) for element in node.elements]

    def _ObjectRule(self, node: containers.ObjectRule) -> dict[str, Any]:
        result = {}
        for element in node.elements:
            key = element.key
            if isinstance(key, containers.ObjectElemKeyExpressionRule):
                name = self.run(key.expression)
            elif isinstance(key.value, literal_rules.IdentifierRule):
                name = key.value.serialize()
            else:
                name = self.run(key.value)
            self._known(name)
            result[str(name)] = self.run(element.expression)
        return result

    # -- references ------------------------------------------------------------------------
    def _reference_term(self, node: Any) -> Any:
        """A name (`var`), an attribute (`var.x`) or an index (`var.x[0]`): the value its path names."""
        return self._reference(self._path(node))

    _IdentifierRule = _GetAttrExprTermRule = _IndexExprTermRule = _reference_term

    def _path(self, node: Any) -> tuple[Any, ...]:
        if isinstance(node, expressions.ExprTermRule) and not node.parentheses:
            return self._path(node.expression)
        if isinstance(node, literal_rules.IdentifierRule):
            return (node.serialize(),)
        if isinstance(node, indexing.GetAttrExprTermRule):
            return (*self._path(node.expr_term), node.get_attr.identifier.serialize())
        if isinstance(node, indexing.IndexExprTermRule):
            return (*self._path(node.children[0]), self.run(node.children[1].index_expression))
        raise Unsupported(f"reference through {type(node).__name__}")

    def _reference(self, path: tuple[Any, ...]) -> Any:
        head, rest = path[0], path[1:]
        if head == "var" and rest:
            return walk(self.scope.variables[rest[0]], rest[1:])
        if head == "local" and rest:
            return walk(self.scope.local(rest[0]), rest[1:])
        if path[:2] == ("path", "module") and self.scope.module_path is not None:
            return str(self.scope.module_path)
        return self.scope.resolve(path)

    # -- operators -------------------------------------------------------------------------
    def _ConditionalRule(self, node: expressions.ConditionalRule) -> Any:
        condition = self._known_value(node.condition)
        return self.run(node.if_true) if condition else self.run(node.if_false)

    def _UnaryOpRule(self, node: expressions.UnaryOpRule) -> Any:
        operand = self._known_value(node.expr_term)
        return (not operand) if node.operator.strip() == "!" else -operand

    def _BinaryOpRule(self, node: expressions.BinaryOpRule) -> Any:
        operator = str(node.binary_term.binary_operator.serialize()).strip()
        left = self._known_value(node.expr_term)
        if operator == "&&":
            return bool(left) and bool(self._known_value(node.binary_term.expr_term))
        if operator == "||":
            return bool(left) or bool(self._known_value(node.binary_term.expr_term))
        return _BINARY[operator](left, self._known_value(node.binary_term.expr_term))

    def _known_value(self, node: Any) -> Any:
        value = self.run(node)
        self._known(value)
        return value

    # -- functions -------------------------------------------------------------------------
    def _FunctionCallRule(self, node: functions.FunctionCallRule) -> Any:
        name = node.identifiers[-1].serialize()
        arguments = call_arguments(node)
        if name == "can":
            try:
                self._known_value(arguments[0])
            except (Unsupported, KeyError, ValueError, TypeError, IndexError):
                if self.scope.partial:
                    raise Unsupported("can() of a value known only at plan time") from None
                return False
            return True
        if name == "try":
            for argument in arguments:
                try:
                    return self._known_value(argument)
                except (Unsupported, KeyError, ValueError, TypeError, IndexError):
                    if self.scope.partial:
                        raise Unsupported("try() of a value known only at plan time") from None
                    continue
            raise ValueError("try: no argument could be evaluated")
        function = _FUNCTIONS.get(name)
        if function is None and name != "templatefile":
            raise Unsupported(f"function {name}()")
        values = [self.run(argument) for argument in arguments]
        if name == "jsonencode" and self.scope.partial:
            return jsonencode(values[0], default=_unknown_text)  # unknowns as "${...}"
        self._known(*values)
        if name == "templatefile":
            return self._templatefile(*values)
        return function(*values)

    def _templatefile(self, path: str, variables: dict[str, Any]) -> Any:
        return self.scope.resolve(("templatefile", path, json.dumps(variables, sort_keys=True)))


def dict_form(node: Any) -> str:
    """How python-hcl2's dict form writes an expression: "${...}" (a string template as its text)."""
    text = node.serialize(SERIALIZATION)
    return text if isinstance(text, str) else "${" + json.dumps(text) + "}"


def _unknown_text(value: Any) -> Any:
    if isinstance(value, Unknown):
        return value.text
    if isinstance(value, frozenset):
        return sorted(value, key=str)
    raise TypeError(f"cannot encode {type(value).__name__}")


def walk(value: Any, rest: tuple[Any, ...]) -> Any:
    """The value at a reference's remaining steps (attributes and indexes)."""
    for step in rest:
        value = value[step]
    return value


def _to_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (str, int, float)):
        return str(value)
    raise Unsupported(f"cannot interpolate {type(value).__name__} into a string")


def _coalesce(*values: Any) -> Any:
    for value in values:
        if value is not None and value != "":
            return value
    raise ValueError("coalesce: no non-null, non-empty argument")


def _format(spec: str, *values: Any) -> str:
    converted = iter(values)
    return re.sub(r"%[sd]", lambda _: _to_string(next(converted)), spec)


def _regex(pattern: str, text: str) -> Any:
    match = re.search(pattern, text)
    if match is None:
        raise ValueError(f"regex: {pattern!r} does not match {text!r}")
    return match.group(0)


def _substr(text: str, offset: int, length: int) -> str:
    # Terraform: length -1 means "to the end"; a length past the end is cut at the end.
    return text[offset:] if length == -1 else text[offset : offset + length]


_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge,
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "%": operator.mod,
}

_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "alltrue": all,
    "coalesce": _coalesce,
    "compact": lambda values: [value for value in values if value not in ("", None)],
    "concat": lambda *lists: [item for values in lists for item in values],
    "contains": lambda values, item: item in values,
    "endswith": lambda text, suffix: text.endswith(suffix),
    "format": _format,
    "jsondecode": json.loads,
    "jsonencode": jsonencode,
    "length": len,
    "merge": lambda *maps: {key: value for mapping in maps for key, value in mapping.items()},
    "regex": _regex,
    "replace": lambda text, old, new: text.replace(old, new),
    "sha1": lambda text: hashlib.sha1(text.encode("utf-8")).hexdigest(),
    "substr": _substr,
    "toset": frozenset,
    "tostring": _to_string,
    "trimsuffix": lambda text, suffix: text[: -len(suffix)] if suffix and text.endswith(suffix) else text,
}
