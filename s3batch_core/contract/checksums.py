"""S3's object checksums (S3ComputeObjectChecksum): algorithms, valid checksum types, and the computation.

The digests are botocore's own checksum classes (awscrt for the CRCs and xxHash, hashlib for SHA) plus
hashlib's MD5, so values match what the AWS SDKs compute. One home for the rule on which ChecksumType each
algorithm allows: the job tooling and the emulator's CreateJob both check it here.

Valid combinations (User Guide, "Checking object integrity for data at rest"): CRC64NVME is FULL_OBJECT only;
CRC32, CRC32C, SHA1, SHA256 and MD5 allow both. SHA512 and the XXHASH algorithms are in the model but not
in that list: both types are accepted (UNCONFIRMED).
"""

from __future__ import annotations

import base64
import functools
import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from botocore import httpchecksum

FULL_OBJECT = "FULL_OBJECT"
COMPOSITE = "COMPOSITE"
FULL_OBJECT_ONLY = frozenset({"CRC64NVME"})
DEFAULT_ALGORITHM = "CRC64NVME"  # S3's default checksum; the job's default when none is given is UNCONFIRMED
DEFAULT_TYPE = FULL_OBJECT


# The model's ComputeObjectChecksumAlgorithm values → the class computing each (botocore's need awscrt); hashlib's
# MD5 has the same interface (update, digest) and is an integrity checksum S3 offers here, not a security use.
_CLASSES: dict[str, Callable[[], Any]] = {
    "CRC32": httpchecksum.CrtCrc32Checksum, "CRC32C": httpchecksum.CrtCrc32cChecksum,
    "CRC64NVME": httpchecksum.CrtCrc64NvmeChecksum, "MD5": functools.partial(hashlib.md5, usedforsecurity=False),
    "SHA1": httpchecksum.Sha1Checksum, "SHA256": httpchecksum.Sha256Checksum, "SHA512": httpchecksum.Sha512Checksum,
    "XXHASH64": httpchecksum.CrtXxhash64Checksum, "XXHASH3": httpchecksum.CrtXxhash3Checksum,
    "XXHASH128": httpchecksum.CrtXxhash128Checksum,
}
ALGORITHMS = tuple(_CLASSES)


def type_problem(algorithm: str, checksum_type: str) -> str | None:
    """Why this algorithm cannot compute this checksum type, or None when it can."""
    if checksum_type == COMPOSITE and algorithm in FULL_OBJECT_ONLY:
        return f"ChecksumAlgorithm {algorithm} supports only ChecksumType {FULL_OBJECT}"
    return None


def digest(algorithm: str, chunks: Iterable[bytes]) -> bytes:
    """The raw digest of the data, read chunk by chunk."""
    checksum = _CLASSES[algorithm]()
    for chunk in chunks:
        checksum.update(chunk)
    return bytes(checksum.digest())


def composite(algorithm: str, part_digests: list[bytes]) -> str:
    """S3's composite (checksum-of-checksums) value of a multipart object: base64 of the digest of the
    concatenated part digests, then `-<number of parts>`."""
    return b64(digest(algorithm, part_digests)) + f"-{len(part_digests)}"


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()

