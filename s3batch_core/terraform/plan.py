"""A static "plan": the values a module's resources, data sources and outputs would get.

Without a Terraform binary this is how the tests check what the code *does*: instantiate a module
with variables, follow references into child modules, and give computed attributes the values AWS
would assign (ARNs built from names, version "1" for a first publish). IAM policy documents are
rendered to JSON (policy.py, as the provider renders them); `templatefile()` through templates.py (what the
generated policy templates use).

`plan_root(root, {...}).outputs` and `.child("sentiment_lambda")` give the names and function settings
the AWS stack would have.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from s3batch_core.terraform.evaluate import Scope, Unsupported, evaluate, walk, with_defaults
from s3batch_core.terraform.load import load_module
from s3batch_core.terraform.policy import assemble, iterate
from s3batch_core.terraform.templates import render_template

@dataclass(frozen=True)
class Account:
    """Where the plan runs: what the aws_* data sources return."""

    account_id: str = "123456789012"
    region: str = "us-east-1"
    partition: str = "aws"


class Instance:
    """One module instantiated with concrete variables."""

    def __init__(self, directory: Path, given: Mapping[str, Any], account: Account) -> None:
        self.module = load_module(directory)
        self.account = account
        self.variables = with_defaults(self.module, given)
        missing = sorted(name for name, value in self.variables.items()
                         if value is None and "default" not in self.module.variables[name])
        if missing:
            raise Unsupported(f"{directory}: required variable(s) not set: {', '.join(missing)}")
        self.scope = Scope(self.variables, self.module.locals, self._resolve, directory)
        self._children: dict[str, list[Instance]] = {}

    # -- public ----------------------------------------------------------------------------
    def value(self, expression: Any) -> Any:
        """Evaluate a value of this module (as python-hcl2's dict form holds it)."""
        return evaluate(expression, self.scope)

    def output(self, name: str) -> Any:
        return self.value(self.module.outputs[name]["value"])

    @property
    def outputs(self) -> dict[str, Any]:
        return {name: self.output(name) for name in self.module.outputs}

    def count(self, body: Mapping[str, Any]) -> int | None:
        """The block's `count`, or None when it has none."""
        return None if "count" not in body else int(self.value(body["count"]))

    def child(self, name: str, index: int | None = None) -> Instance:
        """The instance of `module "<name>"` (index for a module call with count)."""
        if name not in self._children:
            call = self.module.modules[name]
            arguments = {key: value for key, value in call.items() if key not in ("source", "count", "providers")}
            count = self.count(call)
            directory = (self.module.path / call["source"]).resolve()
            self._children[name] = [Instance(directory, self.value(arguments), self.account)
                                    for _ in range(1 if count is None else count)]
        instances = self._children[name]
        if index is None and "count" in self.module.modules[name]:
            raise Unsupported(f"module.{name} has count: index it")
        if not instances or (index or 0) >= len(instances):
            raise IndexError(f"module.{name}[{index}] does not exist (count = {len(instances)})")
        return instances[index or 0]

    def resource_arguments(self, kind: str, name: str, *, blocks: bool = False) -> Mapping[str, Any]:
        """The resource's top-level arguments, each evaluated when first read (nested blocks with blocks=True)."""
        return _LazyArguments(self, self.module.resources[(kind, name)], blocks=blocks)

    def policy_document(self, name: str) -> dict[str, Any]:
        """JSON of `data "aws_iam_policy_document" "<name>"`, as the provider would render it."""
        block = self.module.find("data", "aws_iam_policy_document", name)
        if block is None:
            raise KeyError(("aws_iam_policy_document", name))
        sources, overrides = ([[(statement, None) for statement in json.loads(document)["Statement"]]
                               for document in self.value(block.body.get(key, []))]
                              for key in ("source_policy_documents", "override_policy_documents"))
        assembly = assemble(block, _ConcreteValues(self), sources, overrides)
        if assembly.unread:
            raise Unsupported(assembly.unread[0][0])
        return assembly.document

    # -- references ------------------------------------------------------------------------
    def _resolve(self, path: tuple[Any, ...]) -> Any:
        head = path[0]
        if head == "templatefile":
            return self._templatefile(Path(path[1]), json.loads(path[2]))
        if head == "module":
            indexed = len(path) > 3 and isinstance(path[2], int)
            instance = self.child(path[1], path[2] if indexed else None)
            rest = path[3:] if indexed else path[2:]
            return walk(instance.output(rest[0]), rest[1:])
        if head == "data":
            return self._data(path[1], path[2], path[3:])
        if head == "path" and path[1] == "root":
            return str(self.module.path)
        if head == "output":  # in a `terraform test` assertion
            return walk(self.output(path[1]), path[2:])
        return self._resource(path[0], path[1], path[2:])

    def _templatefile(self, path: Path, variables: dict[str, Any]) -> str:
        return json.dumps(render_template(path.read_text(encoding="utf-8"), variables))

    def _data(self, kind: str, name: str, rest: tuple[Any, ...]) -> Any:
        account = self.account
        fixed = {"aws_partition": {"partition": account.partition},
                 "aws_region": {"region": account.region, "name": account.region},
                 "aws_caller_identity": {"account_id": account.account_id}}
        if kind in fixed:
            return walk(fixed[kind], rest)
        if kind == "aws_iam_policy_document":
            body = self.module.data[(kind, name)]
            count = self.count(body)
            if count is not None and not rest:  # referenced as a whole (`length(data.x.y)`)
                return [self._data(kind, name, (index,)) for index in range(count)]
            rest = _indexed(count, f"data.{kind}.{name}", rest)
            if rest and rest[0] == "json":
                return walk({"json": json.dumps(self.policy_document(name))}, rest)
            return walk(_LazyArguments(self, body, blocks=True), rest)
        raise Unsupported(f"data source {kind}")

    def _resource(self, kind: str, name: str, rest: tuple[Any, ...]) -> Any:
        count = self.count(self.module.resources[(kind, name)])
        if count is not None and not rest:
            return [f"{kind}.{name}[{index}]" for index in range(count)]
        rest = _indexed(count, f"{kind}.{name}", rest)
        arguments = self.resource_arguments(kind, name, blocks=True)
        computed = _computed(kind, arguments, self.account)
        if not rest:
            return f"{kind}.{name}"  # a whole-resource reference, as in depends_on
        source = computed if rest[0] in computed else arguments
        return walk(source, rest)


@dataclass(frozen=True)
class _ConcreteValues:
    """A policy document's values as the plan knows them: every one concrete (policy.Values)."""

    instance: Instance

    def statement(self, raw: dict) -> dict:
        return self.instance.value(raw)

    def items(self, for_each: object) -> list[tuple[object, object]]:
        collection = self.instance.value(for_each)
        if not isinstance(collection, (list, dict, set, frozenset)):
            raise Unsupported(f"for_each = {for_each!r} is not a collection")
        return iterate(collection if isinstance(collection, dict) else list(collection),
                       is_set=isinstance(collection, (set, frozenset)))


class _LazyArguments(Mapping[str, Any]):
    """A block's arguments, each evaluated when first read; nested blocks only with blocks=True (as lists)."""

    def __init__(self, instance: Instance, body: Mapping[str, Any], *, blocks: bool = False) -> None:
        self._instance = instance
        self._body = {key: value for key, value in body.items() if key not in ("count", "for_each", "lifecycle")
                      and (blocks or not isinstance(value, list) or not value or not isinstance(value[0], dict))}
        self._values: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key not in self._values:
            self._values[key] = self._instance.value(self._body[key])
        return self._values[key]

    def __iter__(self) -> Any:
        return iter(self._body)

    def __len__(self) -> int:
        return len(self._body)


def plan_root(root: Path, variables: Mapping[str, Any] | None = None, account: Account | None = None) -> Instance:
    """Instantiate a root stack with `variables` over its defaults (the account's region: variable `region`)."""
    given = dict(variables or {})
    account = account or Account(region=given.get("region", "us-east-1"))
    return Instance(root, given, account)


def _indexed(count: int | None, label: str, rest: tuple[Any, ...]) -> tuple[Any, ...]:
    """The path after the instance index of a block with count (the path itself for a block without)."""
    if count is None:
        return rest
    if not rest or not isinstance(rest[0], int):
        raise Unsupported(f"{label} has count: index it")
    if rest[0] >= count:
        raise IndexError(f"{label}[{rest[0]}] does not exist (count = {count})")
    return rest[1:]


def _computed(kind: str, arguments: Mapping[str, Any], account: Account) -> dict[str, Any]:
    """Attributes AWS assigns, derived from the arguments the way AWS names things."""
    p, r, a = account.partition, account.region, account.account_id
    if kind == "aws_s3_bucket":
        bucket = arguments["bucket"]
        return {"id": bucket, "arn": f"arn:{p}:s3:::{bucket}", "bucket_region": r}
    if kind == "aws_iam_role":
        return {"id": arguments["name"], "arn": f"arn:{p}:iam::{a}:role/{arguments['name']}"}
    if kind == "aws_iam_policy":
        return {"id": arguments["name"], "arn": f"arn:{p}:iam::{a}:policy/{arguments['name']}"}
    if kind == "aws_cloudwatch_log_group":
        return {"arn": f"arn:{p}:logs:{r}:{a}:log-group:{arguments['name']}"}
    if kind == "aws_lambda_function":
        arn = f"arn:{p}:lambda:{r}:{a}:function:{arguments['function_name']}"
        version = "1" if arguments.get("publish") else "$LATEST"
        return {"arn": arn, "version": version, "qualified_arn": f"{arn}:{version}"}
    return {}
