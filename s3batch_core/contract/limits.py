"""Input limits shared by every reader of user-supplied JSON (the linter, the Terraform reader, the report reader)
and of CSV manifests (the job tooling's check and the emulator alike).

Limits are checked up front and reported as one line naming the input, so a hostile or broken document is an
input error (lint exit 2, job commands exit 3), never a RecursionError or an unbounded read. The numbers are
far above anything a real policy or report needs (an IAM policy nests 4 levels, a report manifest.json 3);
docs/linter.md and docs/jobs.md list them under "Limits and failure behaviour".
"""

from __future__ import annotations

import json

from s3batch_core.errors import InputError

MAX_JSON_DEPTH = 64  # arrays/objects inside each other
MAX_POLICY_BYTES = 32 * 1024**2  # one JSON policy file or Terraform file the linter reads
MAX_STATEMENTS = 200_000  # statements in one policy document
MAX_REPORT_MANIFEST_BYTES = 16 * 1024**2  # a completion report's manifest.json
MAX_SETTINGS_BYTES = 16 * 1024**2  # outputs.json, a job spec, a price table
MAX_INVENTORY_MANIFEST_BYTES = 64 * 1024**2  # an S3 Inventory manifest.json (~150 bytes per data file listed)
# One line of a CSV manifest or inventory data file, its line ending included: a real row is bucket (63), key
# field (at most 3 x 1,024 encoded), version id (1,024) and, in an inventory, a few short columns.
MAX_MANIFEST_LINE_CHARS = 64 * 1024


def nesting_depth(value: object, limit: int = MAX_JSON_DEPTH) -> int:
    """How deeply lists/dicts nest in `value` (a scalar is 0), counted without recursion; stops past `limit`."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list, tuple)):
            deepest = max(deepest, depth + 1)
            if deepest > limit:
                return deepest
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def check_depth(value: object, source: str, limit: int = MAX_JSON_DEPTH) -> None:
    if nesting_depth(value, limit) > limit:
        raise InputError(f"{source}: nested more than {limit} levels deep (the limit for this input)")


def check_size(size: int, source: str, limit: int) -> None:
    if size > limit:
        raise InputError(f"{source}: {size} bytes, more than the {limit}-byte limit for this input")


def load_json(data: str | bytes, source: str, *, max_bytes: int, max_depth: int = MAX_JSON_DEPTH) -> object:
    """Parse JSON text within the size and depth limits; InputError naming `source` otherwise."""
    check_size(len(data), source, max_bytes)
    try:
        document = json.loads(data)
    except RecursionError:
        raise InputError(f"{source}: nested more than {max_depth} levels deep (the limit for this input)") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{source}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{source}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    check_depth(document, source, max_depth)
    return document
