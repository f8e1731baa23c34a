"""Roles built through terraform-aws-modules/iam, recognised by the module call's source and inputs.

A module call cannot be read like a resource: its role lives in a registry module that is not on disk. For the
role modules (`modules/iam-role`, v6; `modules/iam-assumable-role`, v5) the inputs say what the role will be, so
the call becomes an `aws_iam_role` body the extractor reads like any other; `modules/iam-policy` calls (`policy`
input) are what `module.x.arn` attaches. The inputs read: docs/linter.md, "Roles built through modules" (names from
the modules' variables.tf, v5.60.0 and v6.x); others (OIDC, SAML, permissions boundaries) change nothing checked.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from s3batch_core.terraform.policy import statement_json

_REGISTRY = re.compile(r"terraform-aws-modules/(?:terraform-aws-)?iam(?:/aws|\.git)?//modules/(?P<module>[a-z-]+)")
POLICY_MODULE = "iam-policy"
V5_DEFAULT_TRUST_ACTIONS = ["sts:AssumeRole", "sts:TagSession"]  # variable trusted_role_actions' default


def registry_module(source: object) -> str | None:
    """The terraform-aws-modules/iam submodule a module call uses (e.g. "iam-role"), else None."""
    match = _REGISTRY.search(source) if isinstance(source, str) else None
    return match.group("module") if match else None


def role_body(inputs: dict) -> dict | None:
    """An aws_iam_role body equivalent to a role module call, or None when the call is no role module."""
    reader = _ROLE_READERS.get(registry_module(inputs.get("source")) or "")
    return reader(inputs) if reader else None


def _document(statements: list) -> dict:
    return {"Version": "2012-10-17", "Statement": statements}


def _v6_role(inputs: dict) -> dict:
    body: dict = {"tags": inputs.get("tags")}
    trust = inputs.get("trust_policy_permissions")
    if isinstance(trust, dict):
        body["assume_role_policy"] = _document([statement_json(_with_sid(k, v)) for k, v in trust.items() if isinstance(v, dict)])
    elif trust is not None:
        body["assume_role_policy"] = trust  # a var./local. reference: resolved like any other value
    policies = inputs.get("policies")
    if isinstance(policies, dict):
        body["managed_policy_arns"] = list(policies.values())
    inline = inputs.get("inline_policy_permissions")
    if inputs.get("create_inline_policy") is True and isinstance(inline, dict):
        statements = [statement_json(_with_sid(k, v)) for k, v in inline.items() if isinstance(v, dict)]
        body["inline_policy"] = [{"policy": _document(statements)}]
    return body


def _v5_role(inputs: dict) -> dict:
    body: dict = {"tags": inputs.get("tags"), "managed_policy_arns": inputs.get("custom_role_policy_arns") or []}
    if inputs.get("create_custom_role_trust_policy") is True:
        body["assume_role_policy"] = inputs.get("custom_role_trust_policy")
    else:
        actions = inputs.get("trusted_role_actions", V5_DEFAULT_TRUST_ACTIONS)
        statements = [  # the module writes them as aws_iam_policy_document statements
            statement_json({"actions": actions, "principals": [{"type": kind, "identifiers": values}]})
            for kind, values in (("Service", inputs.get("trusted_role_services")), ("AWS", inputs.get("trusted_role_arns")))
            if values
        ]
        if statements:
            body["assume_role_policy"] = _document(statements)
    inline = inputs.get("inline_policy_statements")
    if isinstance(inline, list) and inline:
        body["inline_policy"] = [{"policy": _document([statement_json(s) for s in inline if isinstance(s, dict)])}]
    return body


def _with_sid(key: str, statement: dict) -> dict:
    return statement if "sid" in statement else {**statement, "sid": key}


_ROLE_READERS: dict[str, Callable[[dict], dict]] = {"iam-role": _v6_role, "iam-assumable-role": _v5_role}
