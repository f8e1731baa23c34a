"""Job-level failure of the data plane, and the failure codes it uses (one source of truth).

AWS's own FailureCode values for most of these are undocumented (UNCONFIRMED in the reference); the
reasons are ours and always name what went wrong: the row, the action and resource, the policy.
"""

from __future__ import annotations

ACCESS_DENIED = "AccessDenied"                    # role cannot be assumed, or the manifest read is forbidden
INVALID_MANIFEST = "InvalidManifestContent"       # AWS's documented code for manifest format problems
MANIFEST_NOT_FOUND = "ManifestNotFound"           # manifest object, version or bucket missing
MANIFEST_GENERATION = "ManifestGenerationFailed"  # ManifestGenerator found nothing / cannot apply a filter
FUNCTION_NOT_FOUND = "LambdaFunctionNotFound"     # LambdaInvoke FunctionArn not registered in the stack
THRESHOLD_EXCEEDED = "TaskFailureThresholdExceeded"  # >50% of ≥1,000 tasks failed (reference §4.6)
REPORT_WRITE_FAILED = "ReportWriteFailed"         # completion report could not be written
UNSUPPORTED_OPERATION = "UnsupportedOperation"    # operation not run by the engine (CreateJob refuses it first)
OBJECT_LOCK_NOT_ENABLED = "ObjectLockNotEnabled"  # legal hold / retention on a bucket without Object Lock


class JobFailure(Exception):
    """A job-level failure: DescribeJob shows {FailureCode, FailureReason} and status Failed."""

    def __init__(self, failure_code: str, reason: str) -> None:
        super().__init__(f"{failure_code}: {reason}")
        self.failure_code = failure_code
        self.reason = reason[:256]  # FailureReason is 1..256 characters in the model
        self.full_reason = reason
