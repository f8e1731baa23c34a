"""Facts about the S3 Batch role that several rules share, taken from the catalogue (never copied)."""

from __future__ import annotations

from functools import cache

from validate.linter.model import parse_policy

# The action that submits a job: a policy that names it is a job submitter's, never the batch role's own.
CREATE_JOB = "s3:createjob"

# Session actions a trust policy may add beside sts:AssumeRole; S3 Batch Operations does not use them.
SESSION_ACTIONS = frozenset({"sts:tagsession", "sts:setsourceidentity"})


@cache
def assume_actions() -> frozenset[str]:
    """The actions the catalogue's trust policy grants (lower-cased), i.e. sts:AssumeRole."""
    from s3batch_core.iam.catalogue import trust_policy

    return frozenset(a.lower() for s in parse_policy(trust_policy()).statements for a in s.actions or ())
