"""S3B112: the operation declared for a batch role is not a CreateJob operation (raised by the engine)."""

from __future__ import annotations

from validate.linter.findings import Severity
from validate.linter.rule import ENGINE, Rule


class UnknownOperation(Rule, id="S3B112", severity=Severity.ERROR, target=ENGINE):
    title = "Unknown batch operation declared for the role"
    fix_hint = "Use one of the CreateJob operation names, e.g. LambdaInvoke or S3PutObjectTagging"
