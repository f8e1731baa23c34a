"""Find the IAM policies in Terraform code (python-hcl2 8.x) and the roles S3 Batch Operations assumes.

What is read and how: docs/linter.md, "Terraform". The code base, the partial evaluation (what is known only at plan
time stays "${...}"), aws_iam_policy_document assembly and the lines are s3batch_core.terraform's; this module
turns the values into policy documents, PolicySources and RoleSources.
"""

from __future__ import annotations

import glob
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from s3batch_core.contract.limits import MAX_JSON_DEPTH, MAX_POLICY_BYTES, nesting_depth
from s3batch_core.terraform.evaluate import (arguments_text, call_arguments, call_name, evaluate_node_partial,
                                             find_calls, object_values, parse_expression)
from s3batch_core.terraform.policy import as_list, assemble, iterate
from s3batch_core.terraform.load import Block, Module, display_path, first_line
from s3batch_core.terraform.project import MAX_DEPTH, SIMPLE_REF, TerraformProject
from s3batch_core.terraform.templates import render_template
from s3batch_core.terraform.text import heredoc_body, quote_bare_interpolations, strip_interpolation
from validate.linter.sources import PolicySource, RoleSource, Suppression, UnreadPart, parse_comment_suppressions
from validate.linter.templates import read_template
from validate.terraform_modules import POLICY_MODULE, registry_module, role_body

OPERATION_TAG = "S3BatchOperation"
OPERATION_VARIABLES = ("operation", "batch_operation")
TRUST, PERMISSION = "trust", "permission"

_INDEX = r"(?:\[[^\]]*\])?"
_DATA_DOC_REF = re.compile(rf"data\.aws_iam_policy_document\.([A-Za-z0-9_-]+){_INDEX}\.(?:minified_)?json\b")
_ROLE_REF = re.compile(rf"^\$\{{aws_iam_role\.([A-Za-z0-9_-]+){_INDEX}\.(?:id|name|arn)\}}$")
_POLICY_ARN_REF = re.compile(rf"^\$\{{aws_iam_policy\.([A-Za-z0-9_-]+){_INDEX}\.(?:arn|id)\}}$")
_MODULE_ARN_REF = re.compile(rf"^\$\{{module\.([A-Za-z0-9_-]+){_INDEX}\.(?:arn|id|policy_arn)\}}$")
_MODULE_ROLE_REF = re.compile(rf"^\$\{{module\.([A-Za-z0-9_-]+){_INDEX}\.(?:name|arn|id|iam_role_name|iam_role_arn)\}}$")
_DATA_ROLE_REF = re.compile(rf"^\$\{{data\.aws_iam_role\.([A-Za-z0-9_-]+){_INDEX}\.(?:id|name|arn)\}}$")
_POLICY_HOLDERS = ("aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy")


# ---- policy documents -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Doc:
    """A policy found in a value: the document (None when unreadable), why not, and the data block it came from.

    For a data block, also the line of each statement and the parts that could not be read (dynamic blocks).
    """

    document: object
    error: str | None = None
    origin: Block | None = None
    statement_lines: tuple[int, ...] = ()
    unread: tuple[UnreadPart, ...] = ()
    template_missing: tuple[str, ...] | None = None  # a template not readable without these variables (S3B116)


class Unreadable(Exception):
    """The value is not a policy we can read here (e.g. an ARN of a policy defined elsewhere)."""


def template_placeholders() -> dict[str, object]:
    """Values for every variable of the generated policy templates (names as in the brief's contract)."""
    from validate.linter.rules._scope import PLACEHOLDER_ACCOUNT, PLACEHOLDER_FIELDS, PLACEHOLDER_KMS_KEY

    fields, account = PLACEHOLDER_FIELDS, PLACEHOLDER_ACCOUNT
    return {
        "partition": "aws", "region": "us-east-1", "account_id": account, "source_account": account,
        "role_arn": f"arn:aws:iam::{account}:role/placeholder", "manifest_bucket": fields["manifest_bucket"],
        "manifest_prefix": "manifests/", "report_bucket": fields["report_bucket"],
        "report_prefix": fields["report_prefix"], "target_bucket": fields["bucket"],
        "destination_bucket": fields["destination_bucket"], "function_arn": fields["function_arn"],
        "kms_key_arns": [PLACEHOLDER_KMS_KEY],
    }


def json_document(text: str, what: str) -> Doc:
    """Parse policy JSON (Terraform interpolations allowed); a Doc with an error when it is not JSON or nests
    deeper than the input limit."""
    try:
        document = json.loads(quote_bare_interpolations(text))
    except json.JSONDecodeError as exc:
        return Doc(None, f"{what} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
    except RecursionError:
        document = None
    if document is None or nesting_depth(document) > MAX_JSON_DEPTH:
        return Doc(None, f"{what} nests more than {MAX_JSON_DEPTH} levels deep (the limit for a policy)")
    return Doc(document)


class HclValueError(ValueError):
    """An expression that cannot be read (the message is the parser's first line, or the nesting limit)."""


def _parsed(expression: str) -> Any:
    """The parse tree of an expression (s3batch_core.terraform.evaluate's parser)."""
    try:
        return parse_expression("${" + expression + "}")
    except Exception as exc:  # noqa: BLE001 - lark raises many types (and RecursionError): all mean "cannot read"
        raise HclValueError(first_line(exc)[:200]) from None


def _known(node: Any) -> object:
    """A parse-tree node evaluated as far as it is known without a plan (partial evaluation): literals, operators
    and functions of known values; every other part stays a "${...}" string."""
    too_deep = HclValueError(f"nests more than {MAX_JSON_DEPTH} levels deep (the limit for a policy)")
    try:
        value = evaluate_node_partial(node)
    except RecursionError:
        raise too_deep from None
    if nesting_depth(value) > MAX_JSON_DEPTH:
        raise too_deep
    return value


def _argument(expression: str, functions: tuple[str, ...]) -> tuple[str, object] | None:
    """(function, its one argument's value by partial evaluation) when the expression is one call of one of these
    functions; raises HclValueError when the expression or the argument cannot be read."""
    tree = _parsed(expression)
    name = call_name(tree)
    if name not in functions:
        return None
    (call,) = find_calls(tree, name)[:1]
    arguments = call_arguments(call)
    return (name, _known(arguments[0])) if len(arguments) == 1 else None


def _calls(expression: str, function: str) -> list[tuple[str, list]]:
    """(arguments as written, their values by partial evaluation) of every call of `function` in an expression."""
    try:
        tree = _parsed(expression)
    except HclValueError:
        return []
    found = []
    for call in find_calls(tree, function):
        try:
            values = [_known(argument) for argument in call_arguments(call)]
        except HclValueError:
            values = []
        found.append((arguments_text(call), values))
    return found


# ---- a policy document's values -----------------------------------------------------------------------

_CONVERSIONS = ("toset", "tolist", "tomap")


@dataclass(frozen=True)
class VariableValues:
    """A policy document's values over every value a variable can take (s3batch_core.terraform.policy.Values);
    which for_each values are known without a plan: docs/linter.md, "Terraform" (dynamic blocks)."""

    project: TerraformProject
    module: Module
    bindings: dict[str, str]

    def statement(self, raw: dict) -> dict:
        """Fields that are one var./local. reference to a list (identifiers = var.trusted_services) take its
        value; with several values (a module called several times) the lists are joined, so all are linted."""
        out = dict(raw)
        for key in ("actions", "not_actions", "resources", "not_resources"):
            if key in out:
                out[key] = self._list_value(out[key])
        for key, field in (("principals", "identifiers"), ("not_principals", "identifiers"), ("condition", "values")):
            if key in out:
                out[key] = [
                    {**b, field: self._list_value(b[field])} if isinstance(b, dict) and field in b else b
                    for b in as_list(out[key])
                ]
        return out

    def _list_value(self, value: object) -> object:
        if not isinstance(value, str) or not SIMPLE_REF.match(strip_interpolation(value) or ""):
            return value
        found = self.project.resolve(value, self.module, self.bindings)
        lists = [v for v in found if isinstance(v, list)]
        if not lists or len(lists) != len(found):
            return value
        return list(dict.fromkeys(item for items in lists for item in items if isinstance(item, (str, int, float))))

    def items(self, for_each: object) -> list[tuple[object, object]] | None:
        """(key, value) pairs Terraform would iterate, over every possible value of for_each; None if unknown."""
        collections = self._collections(for_each, 0)
        if collections is None:
            return None
        items: dict[str, tuple[object, object]] = {}
        for collection, is_set in collections:
            for key, value in iterate(collection, is_set):
                items.setdefault(json.dumps([key, value], sort_keys=True, default=str), (key, value))
        return list(items.values())

    def _collections(self, value: object, depth: int) -> list[tuple[list | dict, bool]] | None:
        """The collections (and whether each is a set) a for_each value can be; None when not known statically."""
        if isinstance(value, (list, dict)):
            return [(value, False)]
        inner = strip_interpolation(value) if isinstance(value, str) else None
        if inner is None or depth > MAX_DEPTH:
            return None
        try:
            call = _argument(inner, _CONVERSIONS)
        except HclValueError:
            return None
        if call is not None:
            found = self._collections(call[1], depth + 1)
            as_set = call[0] == "toset"
            return None if found is None else [(c, is_set or as_set) for c, is_set in found]
        if not SIMPLE_REF.match(inner):
            return None
        candidates = self.project.resolve(value, self.module, self.bindings)
        out: list[tuple[list | dict, bool]] = []
        for candidate in candidates:
            found = None if candidate == value else self._collections(candidate, depth + 1)
            if found is None:
                return None
            out += found
        return out


class Extractor:
    """Turns a TerraformProject into PolicySources (standalone) and RoleSources (batch roles)."""

    def __init__(self, project: TerraformProject) -> None:
        self.project = project
        self.included: set[int] = set()  # ids of data blocks that some IAM value includes

    # -- reading one value

    def documents(self, value: object, module: Module, bindings: dict[str, str], depth: int = 0) -> list[Doc]:
        """The policies a Terraform value holds (several for a conditional); raises Unreadable."""
        if depth > MAX_DEPTH:
            raise Unreadable(str(value))
        if isinstance(value, dict):
            return [Doc(value)]
        if not isinstance(value, str):
            raise Unreadable(repr(value))
        if value.startswith("<<"):
            return [json_document(heredoc_body(value), "the heredoc policy")]
        inner = strip_interpolation(value)
        if inner is None:
            if value.lstrip().startswith("{"):
                return [json_document(value, "the policy string")]
            raise Unreadable(value)
        return self._expression_documents(inner, module, bindings, depth)

    def _expression_documents(self, inner: str, module: Module, bindings: dict[str, str], depth: int) -> list[Doc]:
        if inner.startswith("jsonencode("):
            try:
                call = _argument(inner, ("jsonencode",))
            except HclValueError as exc:
                return [Doc(None, f"the jsonencode(...) policy cannot be read: {exc}")]
            if call is not None:
                return [Doc(call[1])]
        if SIMPLE_REF.match(inner):
            docs: list[Doc] = []
            for resolved in self.project.resolve("${" + inner + "}", module, bindings):
                if resolved == "${" + inner + "}":
                    raise Unreadable(inner)
                docs.extend(self.documents(resolved, module, bindings, depth + 1))
            return docs
        docs = [self._template(args, values, module, bindings) for args, values in _calls(inner, "templatefile")]
        docs += [self._file(args, values, module, bindings) for args, values in _calls(inner, "file")]
        for name in dict.fromkeys(_DATA_DOC_REF.findall(inner)):
            docs.append(self._data_document(module, name, bindings, depth))
        if not docs:
            raise Unreadable(inner)
        return docs

    def _data_document(self, module: Module, name: str, bindings: dict[str, str], depth: int) -> Doc:
        block = module.find("data", "aws_iam_policy_document", name)
        if block is None:
            raise Unreadable(f"data.aws_iam_policy_document.{name}")
        self.included.add(id(block))
        if depth > MAX_DEPTH:  # a cycle (a document including itself, directly or not) or absurdly deep
            return Doc(None, f"{block.address}: source_policy_documents / override_policy_documents include it "
                       f"again (a cycle) or nest more than {MAX_DEPTH} documents deep", origin=block)
        # (statement, its line) pairs; an included document's statements have this block's header line
        included: dict[str, list[list[tuple[object, int | None]]]] = {}
        unread: list[UnreadPart] = []
        for key in ("source_policy_documents", "override_policy_documents"):
            for item in as_list(block.body.get(key)):
                for ref in dict.fromkeys(_DATA_DOC_REF.findall(str(item))):
                    doc = self._data_document(module, ref, bindings, depth + 1)
                    if doc.error is not None:
                        return replace(doc, origin=block)
                    included.setdefault(key, []).append([(s, block.line) for s in _union([doc])])
                    unread += doc.unread
        assembly = assemble(block, VariableValues(self.project, module, bindings),
                            included.get("source_policy_documents", []), included.get("override_policy_documents", []))
        known = tuple(n for n in assembly.lines if n is not None)
        return Doc(
            assembly.document, origin=block, statement_lines=known if len(known) == len(assembly.lines) else (),
            unread=tuple(unread + [UnreadPart(what, line) for what, line in assembly.unread]),
        )

    def _template_path(self, args: str, values: list, module: Module, bindings: dict[str, str]) -> list[Path]:
        if not values:
            raise Unreadable(f"({args})")
        raw_path = str(values[0])
        path_text = self.project.substitute(raw_path, module, bindings)
        if "${" not in path_text:
            return [Path(path_text)]
        # Chosen at plan time: read the files that fit, but only for a bound value (the role's operation),
        # so an unbound ${...} never picks another operation's template.
        if not bindings:
            raise Unreadable(f"templatefile path {raw_path} depends on values known only at plan time")
        pattern = re.sub(r"\$\{[^}]*\}", "*", path_text)
        names = tuple(f"{v}." for v in bindings.values())
        return sorted(Path(p) for p in glob.glob(pattern) if Path(p).name.startswith(names))

    def _template(self, args: str, values: list, module: Module, bindings: dict[str, str]) -> Doc:
        paths = self._template_path(args, values, module, bindings)
        if not paths:
            raise Unreadable(f"templatefile({args})")
        given = values[1] if len(values) > 1 and isinstance(values[1], dict) else {}
        variables = {**given, **template_placeholders()}
        docs = []
        for path in paths:
            text, unreadable = _read_policy_file(path)
            if unreadable is not None:
                docs.append(unreadable)
                continue
            try:
                docs.append(Doc(render_template(text, variables)))
            except (ValueError, KeyError):
                # Not one of the generated templates: the call's literal values, the others unknown.
                read = read_template(text, given, display_path(path))
                docs.append(Doc(read.document, read.error, template_missing=read.missing if read.error else None))
        # Several candidates (e.g. the .versioned/.kms variants chosen at plan time): lint them all.
        return docs[0] if len(docs) == 1 else Doc({"Version": "2012-10-17", "Statement": _union(docs)})

    def _file(self, args: str, values: list, module: Module, bindings: dict[str, str]) -> Doc:
        paths = self._template_path(args, values, module, bindings)
        if len(paths) != 1 or not paths[0].is_file():
            raise Unreadable(f"file({args})")
        text, unreadable = _read_policy_file(paths[0])
        return unreadable if unreadable is not None else json_document(text, display_path(paths[0]))

    # -- whole project

    def extract(self, operation: str | None = None) -> tuple[list[PolicySource], list[RoleSource]]:
        """Standalone policy sources and batch role sources of the whole project."""
        standalone: list[PolicySource] = []
        roles: list[RoleSource] = []
        consumed: set[int] = set()
        for module in self.project.modules.values():
            for role in [*module.of_type("resource", "aws_iam_role"), *_module_roles(module)]:
                role_sources, loose, used = self._role(role, module, operation)
                roles.extend(role_sources)
                standalone.extend(loose)
                consumed.update(used)
        for module in self.project.modules.values():
            for block in module.blocks:
                if block.kind == "resource" and block.type in _POLICY_HOLDERS and id(block) not in consumed:
                    standalone.extend(self._sources(block, block.body.get("policy"), module, {}, PERMISSION))
            referenced = _data_references_outside_iam(module)
            for block in module.of_type("data", "aws_iam_policy_document"):
                if id(block) not in self.included and block.name not in referenced:
                    standalone.append(_policy_source(block, self._data_document(module, block.name, {}, 0), None))
        return standalone, roles

    def _sources(
        self, block: Block, value: object, module: Module, bindings: dict[str, str], kind: str | None,
        unreadable: list[str] | None = None,
    ) -> list[PolicySource]:
        """The policies in a value; an unreadable value is noted in `unreadable` (when given) and skipped."""
        if value is None:
            return []
        try:
            docs = self.documents(value, module, bindings)
        except Unreadable as exc:
            if unreadable is not None:
                unreadable.append(f"{block.address}: {exc}")
            return []
        attribute = "assume_role_policy" if kind == TRUST else "policy"
        return [_policy_source(block, _with_inline_lines(doc, block, attribute), kind) for doc in docs]

    def _role(self, role: Block, module: Module, override: str | None) -> tuple[list[RoleSource], list[PolicySource], set[int]]:
        declared, origin, variable = self._declared_operations(role, module)
        attached, unreadable, consumed = self._attached(role, module)
        results: list[RoleSource] = []
        for op in declared or [None]:
            bindings = {variable: op} if variable and op else {}
            trust = self._sources(role, role.body.get("assume_role_policy"), module, bindings, TRUST)
            is_batch = origin.startswith("tag") or any(_mentions_batch(s.document) for s in trust)
            permissions: list[PolicySource] = []
            missed = list(unreadable)
            for holder, value in attached:
                permissions.extend(self._sources(holder, value, module, bindings, PERMISSION, missed))
            if not is_batch:
                return [], trust + permissions, consumed
            trust = [replace(s, for_batch=True) for s in trust]
            results.append(
                RoleSource(
                    address=role.address, file=role.file.display, line=role.line, trust=tuple(trust),
                    permissions=tuple(permissions), operation=override or op,
                    operation_origin="--operation" if override else origin, unreadable=tuple(missed),
                    suppressions=block_suppressions(role),
                )
            )
        return results, [], consumed

    def _declared_operations(self, role: Block, module: Module) -> tuple[list[str], str, str | None]:
        """(operations, where they come from, the variable to bind while reading policies)."""
        expression = _tag_expression(role.body.get("tags"))
        origin = f"tag {OPERATION_TAG}"
        if expression is None:
            name = next((n for n in OPERATION_VARIABLES if n in module.variables), None)
            if name is None:
                return [], "nowhere", None
            expression, origin = "${var." + name + "}", f"variable {name}"
        inner = strip_interpolation(expression) or ""
        match = SIMPLE_REF.match(inner)
        variable = match.group(2) if match and match.group(1) == "var" else None
        values = [v for v in self.project.resolve(expression, module, {}) if isinstance(v, str) and "${" not in v]
        return list(dict.fromkeys(values)), origin, variable

    def _attached(self, role: Block, module: Module) -> tuple[list[tuple[Block, object]], list[str], set[int]]:
        """(block, policy value) of every permission policy of the role, unreadable attachments, consumed blocks."""
        attached: list[tuple[Block, object]] = [(role, p.get("policy")) for p in as_list(role.body.get("inline_policy")) if isinstance(p, dict)]
        unreadable: list[str] = []
        consumed: set[int] = set()
        aliases = _data_role_aliases(module, role)
        for block in module.of_type("resource", "aws_iam_role_policy"):
            if _names_role(block.body.get("role"), role, aliases):
                attached.append((block, block.body.get("policy")))
                consumed.add(id(block))
        arns = list(as_list(role.body.get("managed_policy_arns")))
        for kind, key in (("aws_iam_role_policy_attachment", "role"), ("aws_iam_policy_attachment", "roles")):
            arns += [block.body.get("policy_arn") for block in module.of_type("resource", kind)
                     if any(_names_role(r, role, aliases) for r in as_list(block.body.get(key)))]
        for arn in arns:
            policy = _attached_policy(module, str(arn))
            if policy is None:
                unreadable.append(str(arn))
            else:
                attached.append((policy, policy.body.get("policy")))
                consumed.add(id(policy))
        return attached, unreadable, consumed


def block_suppressions(block: Block) -> tuple[Suppression, ...]:
    """`# s3batch:ignore` comments inside the block or in the comment lines directly above it."""
    if block.line is None:
        return ()
    start = block.line
    while start > 1 and block.file.lines[start - 2].lstrip().startswith(("#", "//")):
        start -= 1
    end = block.end or block.line
    text = "\n".join(block.file.lines[start - 1 : end])
    return tuple(parse_comment_suppressions(text, block.file.display, start))


def _policy_source(block: Block, doc: Doc, kind: str | None) -> PolicySource:
    where = doc.origin or block
    suppressions = block_suppressions(block) + (
        block_suppressions(doc.origin) if doc.origin and doc.origin is not block else ()
    )
    return PolicySource(
        document=doc.document, file=where.file.display, line=where.line, resource=where.address, kind=kind,
        error=doc.error, suppressions=suppressions, statement_lines=doc.statement_lines, unread=doc.unread,
        template_missing=doc.template_missing,
    )


def _read_policy_file(path: Path) -> tuple[str, Doc | None]:
    """The text of a file() or templatefile() policy, or an unreadable Doc naming why (size, encoding, OS error)."""
    shown = display_path(path)
    try:
        if path.stat().st_size > MAX_POLICY_BYTES:
            return "", Doc(None, f"{shown} is larger than the {MAX_POLICY_BYTES}-byte limit for a policy file")
        return path.read_text(encoding="utf-8"), None
    except UnicodeDecodeError as exc:
        return "", Doc(None, f"{shown} is not UTF-8 text ({exc.reason} at byte {exc.start})")
    except OSError as exc:
        return "", Doc(None, f"{shown} cannot be read ({exc.strerror})")


def _with_inline_lines(doc: Doc, block: Block, attribute: str) -> Doc:
    """A jsonencode(...) or heredoc policy written in the block's `attribute`: each statement's line, from the
    parse tree (`Outline.statement_lines`), when there is one for each statement."""
    statements = doc.document.get("Statement") if isinstance(doc.document, dict) else None
    if doc.origin is not None or doc.statement_lines or not isinstance(statements, list) or block.outline is None:
        return doc
    lines = block.outline.statement_lines.get(attribute, ())
    if len(lines) < len(statements):
        return doc
    return replace(doc, statement_lines=tuple(lines[: len(statements)]))


def _union(docs: list[Doc]) -> list:
    statements: list = []
    for doc in docs:
        if isinstance(doc.document, dict):
            listed = doc.document.get("Statement", [])
            statements.extend(listed if isinstance(listed, list) else [listed])
    return statements


def _mentions_batch(document: object) -> bool:
    """True when a trust policy names a service principal that looks like S3 Batch Operations (typos too)."""
    return "batchoperation" in json.dumps(document).lower()


def _tag_expression(tags: object) -> str | None:
    """The S3BatchOperation tag's value as written: a literal, "${var.x}", or None; in a map literal or anywhere in
    a tags expression such as `merge(var.tags, { S3BatchOperation = var.operation })` (found in its parse tree)."""
    if isinstance(tags, dict):
        value = tags.get(OPERATION_TAG)
        return value if isinstance(value, str) else None
    if not isinstance(tags, str) or "${" not in tags:
        return None
    try:
        values = [evaluate_node_partial(node) for node in object_values(parse_expression(tags), OPERATION_TAG)]
    except Exception:  # noqa: BLE001 - a tags expression python-hcl2 cannot re-read declares nothing
        return None
    return next((v for v in values if isinstance(v, str)), None)


def _module_roles(module: Module) -> list[Block]:
    """terraform-aws-modules/iam role module calls as aws_iam_role-like blocks (validate.terraform_modules)."""
    return [replace(call, body=body) for call in module.of_type("module", "")
            if (body := role_body(call.body)) is not None]


def _attached_policy(module: Module, arn: str) -> Block | None:
    """The block holding the policy an attached ARN names: aws_iam_policy.x.arn, or module.x.arn of an
    iam-policy module call (its `policy` input); None for ARNs from elsewhere."""
    match = _POLICY_ARN_REF.match(arn)
    if match:
        return module.find("resource", "aws_iam_policy", match.group(1))
    match = _MODULE_ARN_REF.match(arn)
    call = module.find("module", "", match.group(1)) if match else None
    return call if call is not None and registry_module(call.body.get("source")) == POLICY_MODULE else None


def _data_role_aliases(module: Module, role: Block) -> frozenset[str]:
    """Names of data "aws_iam_role" blocks that look up this role by its name (attachments often use them)."""
    name = role.body.get("name")
    own = {f"${{aws_iam_role.{role.name}.name}}", f"${{aws_iam_role.{role.name}.id}}"}
    return frozenset(
        d.name for d in module.of_type("data", "aws_iam_role")
        if d.body.get("name") in own or (isinstance(name, str) and d.body.get("name") == name)
    )


def _names_role(value: object, role: Block, aliases: frozenset[str] = frozenset()) -> bool:
    if not isinstance(value, str):
        return False
    match = _DATA_ROLE_REF.match(value)
    if match:
        return match.group(1) in aliases
    if role.kind == "module":
        match = _MODULE_ROLE_REF.match(value)
        return bool(match) and match.group(1) == role.name
    match = _ROLE_REF.match(value)
    if match:
        return match.group(1) == role.name
    return "${" not in value and value == role.body.get("name")


def _data_references_outside_iam(module: Module) -> set[str]:
    """Names of policy documents used by non-IAM resources (bucket and key policies): not linted as IAM."""
    names: set[str] = set()
    for block in module.blocks:
        if block.kind == "resource" and not block.type.startswith("aws_iam_"):
            names.update(_DATA_DOC_REF.findall(json.dumps(block.body)))
    return names

