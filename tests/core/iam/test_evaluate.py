"""IAM identity-policy evaluation, table-driven."""

from __future__ import annotations

import pytest

from s3batch_core.iam.catalogue import Requirement
from s3batch_core.iam.evaluate import Decision, PolicyError, action_matches, arn_matches, evaluate, unmet


def doc(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: object = "s3:GetObject", resource: object = "arn:aws:s3:::b/*", **extra: object) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: object = "s3:GetObject", resource: object = "arn:aws:s3:::b/*", **extra: object) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


OBJ = "arn:aws:s3:::b/k.txt"


@pytest.mark.parametrize(
    ("statements", "action", "resource", "allowed"),
    [
        ([allow()], "s3:GetObject", OBJ, True),
        ([allow()], "S3:GETOBJECT", OBJ, True),  # actions are case-insensitive
        ([allow()], "s3:PutObject", OBJ, False),
        ([allow("s3:Get*")], "s3:GetObjectTagging", OBJ, True),
        ([allow("s3:Get?bject")], "s3:GetObject", OBJ, True),
        ([allow("s3:Get?bject")], "s3:GetObjectAcl", OBJ, False),
        ([allow("*")], "kms:Decrypt", OBJ, True),
        ([allow(["s3:PutObject", "s3:GetObject"])], "s3:GetObject", OBJ, True),
        ([allow(resource="arn:aws:s3:::B/*")], "s3:GetObject", OBJ, False),  # resources are case-sensitive
        ([allow(resource="arn:aws:s3:::b/k.tx?")], "s3:GetObject", OBJ, True),
        ([allow(resource="arn:aws:s3:::b")], "s3:GetObject", OBJ, False),
        ([allow(resource="*")], "s3:GetObject", OBJ, True),
        ([allow(resource="arn:aws:s3:*")], "s3:GetObject", OBJ, True),
        ([allow(resource="arn:aws:s3:::b/dir/*")], "s3:GetObject", "arn:aws:s3:::b/dir/sub/x", True),
        ([allow(resource="arn:aws:s3:::b/dir*")], "s3:GetObject", "arn:aws:s3:::b/directory", True),
        ([allow("lambda:InvokeFunction", "arn:aws:lambda:*:123456789012:function:f")], "lambda:InvokeFunction",
         "arn:aws:lambda:us-east-1:123456789012:function:f", True),
        ([allow("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:123456789012:function:f")], "lambda:InvokeFunction",
         "arn:aws:lambda:us-east-1:123456789012:function:f:3", False),  # unqualified grant, qualified call
        ([allow("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:123456789012:function:f:*")], "lambda:InvokeFunction",
         "arn:aws:lambda:us-east-1:123456789012:function:f:3", True),
        ([{"Effect": "Allow", "NotAction": "s3:PutObject", "Resource": "*"}], "s3:GetObject", OBJ, True),
        ([{"Effect": "Allow", "NotAction": "s3:PutObject", "Resource": "*"}], "s3:PutObject", OBJ, False),
        ([{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"}], "s3:GetObject", OBJ, True),
        ([{"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::b/*"}], "s3:GetObject", OBJ, False),
        ([{"Effect": "Allow", "Action": "s3:*"}], "s3:GetObject", OBJ, False),  # no Resource: matches nothing
        ([allow(), deny()], "s3:GetObject", OBJ, False),  # explicit deny wins
        ([deny(), allow()], "s3:GetObject", OBJ, False),
        ([allow(), deny("s3:PutObject")], "s3:GetObject", OBJ, True),
        ([allow(), {"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "*"}], "s3:GetObject", OBJ, True),
        ([], "s3:GetObject", OBJ, False),
    ],
)
def test_actions_resources_effects(statements: list[dict], action: str, resource: str, allowed: bool) -> None:
    assert evaluate([("p", doc(*statements))], action, resource).allowed is allowed


def cond(operator: str, key: str, value: object) -> dict:
    return allow(Condition={operator: {key: value}})


@pytest.mark.parametrize(
    ("condition", "context", "allowed"),
    [
        (cond("StringEquals", "aws:SourceAccount", "111122223333"), {"aws:SourceAccount": "111122223333"}, True),
        (cond("StringEquals", "aws:SourceAccount", "111122223333"), {"aws:sourceaccount": "111122223333"}, True),
        (cond("StringEquals", "aws:SourceAccount", "111122223333"), {"aws:SourceAccount": "444455556666"}, False),
        (cond("StringEquals", "aws:SourceAccount", ["1", "2"]), {"aws:SourceAccount": "2"}, True),  # OR of values
        (cond("StringEquals", "aws:SourceAccount", "111122223333"), {}, False),  # missing key
        (cond("StringEquals", "s3:prefix", "a*"), {"s3:prefix": "abc"}, False),  # no wildcards in Equals
        (cond("StringEqualsIgnoreCase", "s3:prefix", "ABC"), {"s3:prefix": "abc"}, True),
        (cond("StringNotEquals", "s3:prefix", "abc"), {"s3:prefix": "xyz"}, True),
        (cond("StringNotEquals", "s3:prefix", "abc"), {"s3:prefix": "abc"}, False),
        (cond("StringNotEquals", "s3:prefix", ["a", "b"]), {"s3:prefix": "b"}, False),  # NOR of values
        (cond("StringNotEquals", "s3:prefix", "abc"), {}, True),  # negated + missing key: true (AWS)
        (cond("StringNotEqualsIgnoreCase", "s3:prefix", "ABC"), {"s3:prefix": "abc"}, False),
        (cond("StringLike", "s3:prefix", "home/*"), {"s3:prefix": "home/me"}, True),
        (cond("StringLike", "s3:prefix", "home/?e"), {"s3:prefix": "home/me"}, True),
        (cond("StringLike", "s3:prefix", "home/*"), {"s3:prefix": "HOME/me"}, False),
        (cond("StringNotLike", "s3:prefix", "home/*"), {"s3:prefix": "tmp/x"}, True),
        (cond("StringNotLike", "s3:prefix", "home/*"), {}, True),
        (cond("StringEqualsIfExists", "s3:prefix", "a"), {}, True),
        (cond("StringEqualsIfExists", "s3:prefix", "a"), {"s3:prefix": "b"}, False),
        (cond("ArnLike", "aws:SourceArn", "arn:aws:s3:us-east-1:111122223333:job/*"),
         {"aws:SourceArn": "arn:aws:s3:us-east-1:111122223333:job/abc"}, True),
        (cond("ArnLike", "aws:SourceArn", "arn:aws:s3:*:111122223333:job/*"),
         {"aws:SourceArn": "arn:aws:s3:us-east-1:444455556666:job/abc"}, False),
        (cond("ArnEquals", "aws:SourceArn", "arn:aws:s3:::b"), {"aws:SourceArn": "arn:aws:s3:::b"}, True),
        (cond("ArnNotEquals", "aws:SourceArn", "arn:aws:s3:::b"), {"aws:SourceArn": "arn:aws:s3:::c"}, True),
        (cond("ArnNotLike", "aws:SourceArn", "arn:aws:s3:::b*"), {"aws:SourceArn": "arn:aws:s3:::bx"}, False),
        (cond("ArnNotLike", "aws:SourceArn", "arn:aws:s3:::b*"), {}, True),
        (cond("Bool", "aws:SecureTransport", "true"), {"aws:SecureTransport": "true"}, True),
        (cond("Bool", "aws:SecureTransport", True), {"aws:SecureTransport": "True"}, True),
        (cond("Bool", "aws:SecureTransport", "true"), {"aws:SecureTransport": "false"}, False),
        (cond("Bool", "aws:SecureTransport", "true"), {}, False),
        (cond("NumericLessThanEquals", "s3:RequestJobPriority", "10"), {"s3:RequestJobPriority": "10"}, True),
        (cond("NumericLessThan", "s3:RequestJobPriority", "10"), {"s3:RequestJobPriority": "10"}, False),
        (cond("NumericGreaterThan", "s3:RequestJobPriority", "1.5"), {"s3:RequestJobPriority": "2"}, True),
        (cond("NumericGreaterThanEquals", "s3:RequestJobPriority", "3"), {"s3:RequestJobPriority": "2"}, False),
        (cond("NumericEquals", "s3:RequestJobPriority", "3"), {"s3:RequestJobPriority": "3.0"}, True),
        (cond("NumericNotEquals", "s3:RequestJobPriority", "3"), {"s3:RequestJobPriority": "4"}, True),
        (cond("NumericEquals", "s3:RequestJobPriority", "3"), {"s3:RequestJobPriority": "three"}, False),
        (cond("DateLessThan", "aws:CurrentTime", "2030-01-01T00:00:00Z"), {"aws:CurrentTime": "2029-12-31T23:59:59Z"}, True),
        (cond("DateGreaterThan", "aws:CurrentTime", "2030-01-01T00:00:00Z"), {"aws:CurrentTime": "2029-12-31T23:59:59Z"}, False),
        (cond("DateEquals", "aws:EpochTime", "0"), {"aws:EpochTime": "1970-01-01T00:00:00Z"}, True),
        (cond("IpAddress", "aws:SourceIp", "10.0.0.0/8"), {"aws:SourceIp": "10.1.2.3"}, True),
        (cond("NotIpAddress", "aws:SourceIp", "10.0.0.0/8"), {"aws:SourceIp": "10.1.2.3"}, False),
        (cond("Null", "aws:TokenIssueTime", "true"), {}, True),
        (cond("Null", "aws:TokenIssueTime", "true"), {"aws:TokenIssueTime": "x"}, False),
        (cond("Null", "aws:TokenIssueTime", "false"), {"aws:TokenIssueTime": "x"}, True),
        (cond("Null", "aws:TokenIssueTime", False), {}, False),
        (cond("ForAnyValue:StringEquals", "aws:TagKeys", ["a", "b"]), {"aws:TagKeys": ["c", "b"]}, True),
        (cond("ForAnyValue:StringEquals", "aws:TagKeys", ["a", "b"]), {"aws:TagKeys": ["c"]}, False),
        (cond("ForAnyValue:StringEquals", "aws:TagKeys", ["a"]), {}, False),
        (cond("ForAnyValue:StringNotEquals", "aws:TagKeys", ["a"]), {}, False),
        (cond("ForAllValues:StringEquals", "aws:TagKeys", ["a", "b"]), {"aws:TagKeys": ["a", "b"]}, True),
        (cond("ForAllValues:StringEquals", "aws:TagKeys", ["a", "b"]), {"aws:TagKeys": ["a", "c"]}, False),
        (cond("ForAllValues:StringEquals", "aws:TagKeys", ["a"]), {}, True),  # vacuous truth, as in AWS
        (cond("ForAllValues:StringEquals", "aws:TagKeys", ["a"]), {"aws:TagKeys": []}, True),
        (cond("ForAllValues:StringLike", "aws:TagKeys", ["team-*"]), {"aws:TagKeys": ["team-a", "team-b"]}, True),
        (cond("ForAllValues:StringNotEquals", "aws:TagKeys", ["x"]), {"aws:TagKeys": ["a", "b"]}, True),
        (cond("ForAnyValue:StringLikeIfExists", "aws:TagKeys", ["a*"]), {}, True),
        (cond("StringEquals", "aws:TagKeys", "a"), {"aws:TagKeys": ["b", "a"]}, True),
        (cond("StringNotEquals", "aws:TagKeys", "a"), {"aws:TagKeys": ["b", "a"]}, False),
        (cond("StringLike", "s3:prefix", "home/${aws:username}/*"), {"s3:prefix": "home/ann/x", "aws:username": "ann"}, True),
        (cond("StringLike", "s3:prefix", "home/${aws:username}/*"), {"s3:prefix": "home/bob/x", "aws:username": "ann"}, False),
        (cond("StringLike", "s3:prefix", "home/${aws:username}/*"), {"s3:prefix": "home/ann/x"}, False),
        (cond("StringLike", "s3:prefix", "home/${aws:username, 'guest'}/*"), {"s3:prefix": "home/guest/x"}, True),
        (cond("StringEquals", "s3:prefix", "star${*}"), {"s3:prefix": "star*"}, True),
        (cond("StringLike", "s3:prefix", "star${*}"), {"s3:prefix": "starry"}, False),  # ${*} is a literal *
    ],
)
def test_conditions(condition: dict, context: dict, allowed: bool) -> None:
    assert evaluate([("p", doc(condition))], "s3:GetObject", OBJ, context).allowed is allowed


def test_multiple_operators_and_keys_are_anded() -> None:
    statement = allow(Condition={
        "StringEquals": {"aws:SourceAccount": "1", "aws:PrincipalAccount": "2"},
        "Bool": {"aws:SecureTransport": "true"},
    })
    full = {"aws:SourceAccount": "1", "aws:PrincipalAccount": "2", "aws:SecureTransport": "true"}
    assert evaluate([("p", doc(statement))], "s3:GetObject", OBJ, full).allowed
    for missing in full:
        partial = {k: v for k, v in full.items() if k != missing}
        assert not evaluate([("p", doc(statement))], "s3:GetObject", OBJ, partial).allowed


def test_conditional_deny_applies_only_when_the_condition_holds() -> None:
    policies = [("p", doc(allow(), deny(Condition={"Bool": {"aws:SecureTransport": "false"}})))]
    assert evaluate(policies, "s3:GetObject", OBJ, {"aws:SecureTransport": "true"}).allowed
    assert not evaluate(policies, "s3:GetObject", OBJ, {"aws:SecureTransport": "false"}).allowed


def test_policy_variables_in_resources() -> None:
    policies = [("p", doc(allow(resource="arn:aws:s3:::b/home/${aws:username}/*")))]
    assert evaluate(policies, "s3:GetObject", "arn:aws:s3:::b/home/ann/x", {"aws:username": "ann"}).allowed
    assert not evaluate(policies, "s3:GetObject", "arn:aws:s3:::b/home/bob/x", {"aws:username": "ann"}).allowed
    assert not evaluate(policies, "s3:GetObject", "arn:aws:s3:::b/home/ann/x").allowed


@pytest.mark.parametrize(
    ("policies", "reason"),
    [
        ([("role", doc({**deny(), "Sid": "NoReads"}))], 'denied by statement "NoReads" in policy "role"'),
        ([("a", doc(allow())), ("b", doc(allow("s3:PutObject"), deny()))], 'denied by statement #2 in policy "b"'),
        ([("a", doc({**allow(), "Sid": "ReadB"}))], 'allowed by statement "ReadB" in policy "a"'),
        ([("a", doc(allow("s3:PutObject")))], "no statement allows s3:GetObject on arn:aws:s3:::b/k.txt"),
    ],
)
def test_reasons_name_policy_and_statement(policies: list, reason: str) -> None:
    assert evaluate(policies, "s3:GetObject", OBJ).reason == reason


def test_single_statement_object_is_accepted() -> None:
    assert evaluate([("p", {"Version": "2012-10-17", "Statement": allow()})], "s3:GetObject", OBJ).allowed


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "must be a JSON object"),
        ({"Statement": "x"}, "Statement must be an object or a list"),
        ({"Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]}, "Effect must be"),
        ({"Statement": [{"Effect": "Allow", "Action": 3, "Resource": "*"}]}, "Action must be a string"),
        ({"Statement": [cond("IpAddressLike", "k", "v")]}, "unsupported condition operator 'IpAddressLike'"),
        ({"Statement": [cond("Sometimes:StringEquals", "k", "v")]}, "unsupported condition operator"),
        ({"Statement": [allow(Condition=["x"])]}, "Condition must be an object"),
    ],
)
def test_unreadable_policies_raise(document: object, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        evaluate([("bad", document)], "s3:GetObject", OBJ, {"k": "v"})  # type: ignore[list-item]


def test_unmet_lists_only_failures_and_merges_requirement_context() -> None:
    policies = [("role", doc(allow(), allow("kms:Decrypt", "arn:aws:kms:us-east-1:1:key/k",
                                            Condition={"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}})))]
    ok = Requirement("s3:GetObject", OBJ, "read")
    kms = Requirement("kms:Decrypt", "arn:aws:kms:us-east-1:1:key/k", "decrypt",
                      (("kms:ViaService", "s3.us-east-1.amazonaws.com"),))
    bad = Requirement("s3:PutObject", OBJ, "write")
    assert unmet(policies, [ok, kms, bad]) == [
        (bad, Decision(False, "no statement allows s3:PutObject on arn:aws:s3:::b/k.txt"))]


def test_matchers() -> None:
    assert action_matches("S3:*Object", "s3:GetObject")
    assert not action_matches("s3:Get", "s3:GetObject")
    assert arn_matches("arn:aws:iam::*:role/a*", "arn:aws:iam::123456789012:role/abc")
    assert not arn_matches("arn:aws:iam::*:role/a*", "arn:aws:iam::123456789012:user/abc")
    assert not arn_matches("arn:aws:s3:::b/*", "arn:aws:s3")
