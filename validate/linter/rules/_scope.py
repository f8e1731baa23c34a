"""Placeholder job scopes: what the catalogue says a job of an operation needs when the buckets are unknown.

The names are invented; role rules compare policies with these requirements by ARN shape (bucket
ARN, object ARN, function, key), never by name, unless the caller passes a concrete JobScope.
"""

from __future__ import annotations

from functools import cache
from itertools import product
from typing import TYPE_CHECKING

from validate.linter.model import parse_policy

if TYPE_CHECKING:
    from s3batch_core.iam.catalogue import JobScope

PLACEHOLDER_ACCOUNT = "123456789012"
PLACEHOLDER_FIELDS: dict[str, str] = {
    "manifest_bucket": "manifest-bucket",
    "manifest_key": "manifests/manifest.csv",
    "report_bucket": "report-bucket",
    "report_prefix": "reports/",
    "bucket": "target-bucket",
    "destination_bucket": "destination-bucket",
    "function_arn": f"arn:aws:lambda:us-east-1:{PLACEHOLDER_ACCOUNT}:function:placeholder",
}
PLACEHOLDER_INVENTORY_KEY = "inventory/target-bucket/config/2024-01-01T00-00Z/manifest.json"
PLACEHOLDER_KMS_KEY = f"arn:aws:kms:us-east-1:{PLACEHOLDER_ACCOUNT}:key/00000000-0000-0000-0000-000000000000"


def placeholder_scope(
    operation: str, *, versioned: bool = False, kms: bool = False, generator: bool = False, inventory: bool = False
) -> JobScope:
    """A JobScope with placeholder names for every field (operations ignore the fields they do not use)."""
    from s3batch_core.iam.catalogue import JobScope

    fields = dict(PLACEHOLDER_FIELDS, manifest_key=PLACEHOLDER_INVENTORY_KEY) if inventory else PLACEHOLDER_FIELDS
    return JobScope(
        operation=operation,
        kms_key_arns=(PLACEHOLDER_KMS_KEY,) if kms else (),
        versioned=versioned,
        manifest_format="inventory" if inventory else "csv",
        manifest_generator=generator,
        **fields,
    )


def minimal_scope(operation: str) -> JobScope:
    """The smallest job of an operation: what every such job needs (no versions, no KMS, no generator)."""
    return placeholder_scope(operation, kms=_needs_kms(operation))


def _needs_kms(operation: str) -> bool:
    from s3batch_core.iam.catalogue import missing_flags

    given = {"manifest": "m", "report": "r", "bucket": "b", "destination_bucket": "d", "function_arn": "f"}
    return any("kms" in flag for flag in missing_flags(operation, **given))


@cache
def catalogue_actions(operation: str) -> frozenset[str]:
    """Every action (lower-cased) some variant of this operation's catalogue policy grants, plus the tolerated ones."""
    from s3batch_core.iam.catalogue import build_policy, operation_actions
    from s3batch_core.iam.catalogue.operations import TOLERATED_ACTIONS

    actions: set[str] = {a.lower() for a in TOLERATED_ACTIONS}
    for versioned in (False, True):
        for group in operation_actions(operation, versioned).values():
            actions.update(a.lower() for a in group)
    for versioned, kms, generator, inventory in product((False, True), repeat=4):
        policy = build_policy(
            placeholder_scope(operation, versioned=versioned, kms=kms, generator=generator, inventory=inventory)
        )
        actions.update(a.lower() for statement in parse_policy(policy).statements for a in statement.actions or ())
    return frozenset(actions)


@cache
def any_operation_actions() -> frozenset[str]:
    """Every action (lower-cased) some operation's catalogue policy grants: for a role that declares none."""
    from s3batch_core.iam.catalogue import OPERATIONS

    return frozenset().union(*(catalogue_actions(operation) for operation in OPERATIONS))
