"""The operations that act on an object's storage rather than its metadata: restore, replicate, checksum,
re-encrypt. Each factory turns the job's operation member into `call(s3, bucket, key, version) -> result`
for `operations.S3Operation`; S3's refusals come from `s3_rules`, and a call may return its own TaskResult
when the report's ResultMessage carries the result (checksums).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from s3batch.emulator import restores, s3_rules

Call = Callable[[Any, str, str, dict[str, str]], Any]


def _moto_account() -> str:
    """The account moto files the engine's requests under (its default: the stack takes any credentials)."""
    from moto.core import DEFAULT_ACCOUNT_ID

    return DEFAULT_ACCOUNT_ID


# ---- S3InitiateRestoreObject -----------------------------------------------------------------------------------


def restore_call(config: dict[str, Any]) -> Call:
    """RestoreObject for each archived object; the restore's progress lives in `restores` (the test clock)."""
    days = config.get("ExpirationInDays")
    tier = config.get("GlacierJobTier") or "STANDARD"  # RestoreObject's default tier
    account = _moto_account()

    def call(s3: Any, bucket: str, key: str, version: dict[str, str]) -> Any:
        head = s3_rules.require_object(s3, bucket, key, version)
        version_id = version.get("VersionId")
        tracked = restores.current(account, bucket, key, version_id)
        now = restores.CLOCK.now()
        ongoing = (tracked.days, tracked.tier) if tracked is not None and tracked.ongoing(now) else None
        restored = tracked is not None and not tracked.ongoing(now)
        action = s3_rules.check_restore(head, ongoing, restored, days, tier)
        if action == s3_rules.EXTEND and tracked is not None:
            restores.extend(tracked, int(days))
            return None
        if not version or _is_current(s3, bucket, key, head):
            # moto's own RestoreObject (its events and checks); it can address only the current version
            s3.restore_object(Bucket=bucket, Key=key, RestoreRequest={"Days": int(days),
                                                                      "GlacierJobParameters": {"Tier": tier.title()}})
        restores.start(account, bucket, key, version_id, head["StorageClass"], tier, int(days))
        return None

    return call


def _is_current(s3: Any, bucket: str, key: str, head: dict[str, Any]) -> bool:
    return s3_rules.require_object(s3, bucket, key, {}).get("VersionId") == head.get("VersionId")
