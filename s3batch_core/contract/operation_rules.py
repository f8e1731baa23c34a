"""CreateJob rules on an operation's members that botocore's model cannot express: one home, checked by the
emulator's CreateJob (BadRequestException) and by the job tooling before anything is uploaded (exit 3)."""

from __future__ import annotations

from typing import Any

from s3batch_core.contract import checksums


def operation_problem(name: str, config: dict[str, Any]) -> str | None:
    """What is wrong with this JobOperation member beyond the model, or None."""
    if name == "S3ComputeObjectChecksum":
        return checksums.type_problem(config.get("ChecksumAlgorithm") or checksums.DEFAULT_ALGORITHM,
                                      config.get("ChecksumType") or checksums.DEFAULT_TYPE)
    return None


# ---- S3InitiateRestoreObject (S3InitiateRestoreObjectOperation's model documentation) --------------------------

GLACIER_CLASSES = ("GLACIER", "DEEP_ARCHIVE")
GLACIER, INTELLIGENT_TIERING = "S3 Glacier Flexible Retrieval / Deep Archive", "S3 Intelligent-Tiering archive tier"


def archive_kind(head: dict[str, Any]) -> str | None:
    """Which kind of archived object a HeadObject answer describes: GLACIER, INTELLIGENT_TIERING, or None."""
    if head.get("StorageClass") in GLACIER_CLASSES:
        return GLACIER
    if head.get("StorageClass") == "INTELLIGENT_TIERING" and head.get("ArchiveStatus"):
        return INTELLIGENT_TIERING
    return None


def restore_days_problem(kind: str, days: int | None) -> str | None:
    """ExpirationInDays is required (1 or more) for Glacier objects and must be left out for Intelligent-Tiering
    archive tiers, whose restores do not expire."""
    if kind == GLACIER and days is None:
        return "ExpirationInDays is required to restore an object in the GLACIER or DEEP_ARCHIVE storage class"
    if kind == INTELLIGENT_TIERING and days is not None:
        return "ExpirationInDays must be left out to restore an object in an S3 Intelligent-Tiering archive tier"
    return None
