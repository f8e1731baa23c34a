"""CreateJob rules on an operation's members that botocore's model cannot express: one home, checked by the
emulator's CreateJob (BadRequestException) and by the job tooling before anything is uploaded (exit 3)."""

from __future__ import annotations

from typing import Any

from s3batch import checksums


def operation_problem(name: str, config: dict[str, Any]) -> str | None:
    """What is wrong with this JobOperation member beyond the model, or None."""
    if name == "S3ComputeObjectChecksum":
        return checksums.type_problem(config.get("ChecksumAlgorithm") or checksums.DEFAULT_ALGORITHM,
                                      config.get("ChecksumType") or checksums.DEFAULT_TYPE)
    return None
