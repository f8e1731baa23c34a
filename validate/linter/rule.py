"""The Rule base class and the contexts rules check.

A rule is one class with metadata as class attributes (cfn-lint style; `id`, `severity` and `target` may be
given as class keywords, `class X(Rule, id="S3B007", severity=Severity.ERROR, target=TRUST)`) and one `check`
method that yields Issues; the engine turns Issues into Findings with file, line and resource, and applies
suppressions. Rules never see parser artefacts, only `model.Policy`. A rule about one statement at a time is a
`StatementRule`: it says only what is wrong with a statement (`problems`), the base class walks the policy.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from validate.linter.findings import Severity
from validate.linter.model import Policy, Statement

if TYPE_CHECKING:
    from s3batch_core.iam.catalogue import JobScope

# What a rule checks. Document targets run once per policy document; ROLE rules once per batch role
# whose operation is known; ENGINE rules are raised by the engine itself (suppressions, operation lookup).
TRUST = "trust"              # any trust policy
BATCH_TRUST = "batch-trust"  # a trust policy of a role meant for S3 Batch Operations
PERMISSION = "permission"    # any permission (identity) policy
DOCUMENT = "document"        # any policy document
ROLE = "role"                # a batch role's permission policies together, given the operation
ENGINE = "engine"
TARGETS = (TRUST, BATCH_TRUST, PERMISSION, DOCUMENT, ROLE, ENGINE)


@dataclass(frozen=True)
class DocumentContext:
    """One policy document: its parsed form, its kind, and whether it is a trust policy meant for S3 Batch.

    `complete` is False when part of the document could not be read (S3B115): rules that report something
    *absent* from the document stay silent, since the unread part may hold it.
    """

    policy: Policy
    kind: str
    for_batch: bool = False
    complete: bool = True


@dataclass(frozen=True)
class RolePolicy:
    """One permission policy of a role: a name for messages, its parsed form and the document itself."""

    name: str
    policy: Policy
    document: object


@dataclass(frozen=True)
class RoleContext:
    """A batch role: its permission policies and the operation its jobs run.

    `scope` is a concrete JobScope when the caller knows the buckets (exact check); None means the
    role is checked by shape against a placeholder scope (bucket vs object ARN, never bucket names).
    """

    operation: str | None  # None: the role declares none; rules check what holds for every operation
    policies: tuple[RolePolicy, ...]
    scope: JobScope | None = None
    complete: bool = True  # False when some policy of the role cannot be read: "missing" checks stay silent
    shared_with: tuple[str, ...] = ()  # other principals the trust policy lets assume the role (S3B003)


@dataclass(frozen=True)
class Issue:
    """What a rule yields: a message, and optionally the statement and the role policy index it is about."""

    message: str
    statement: Statement | None = None
    part: int | None = None


class Rule:
    """Base class: subclasses set the metadata and implement `check`."""

    id: ClassVar[str]
    severity: ClassVar[Severity]
    title: ClassVar[str]
    fix_hint: ClassVar[str]
    target: ClassVar[str]

    def __init_subclass__(cls, *, id: str | None = None, severity: Severity | None = None,  # noqa: A002
                          target: str | None = None, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        for name, value in (("id", id), ("severity", severity), ("target", target)):
            if value is not None:
                setattr(cls, name, value)

    def check(self, context: DocumentContext | RoleContext) -> Iterator[Issue]:
        """Yield one Issue per problem; ENGINE rules are never called."""
        raise NotImplementedError(f"{self.id} is raised by the engine, not checked")


class StatementRule(Rule):
    """A rule about single statements: `problems` yields a message for each problem of one statement, `check`
    runs it over the policy's Allow statements (every statement when `every_effect`) and files each message as
    an Issue about its statement."""

    every_effect: ClassVar[bool] = False

    def check(self, context: DocumentContext) -> Iterator[Issue]:  # type: ignore[override]
        policy = context.policy
        for statement in policy.statements if self.every_effect else policy.allow_statements():
            for message in self.problems(statement):
                yield Issue(message, statement)

    def problems(self, statement: Statement) -> Iterator[str]:
        """The message of each problem the statement has (none: nothing to report)."""
        raise NotImplementedError
