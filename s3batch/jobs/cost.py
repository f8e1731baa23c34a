"""Cost estimate printed before a job is submitted, from one documented price table (prices.json).

Every figure is an estimate: prices come from `prices.json` (overridable with --prices FILE) and several are
UNCONFIRMED (marked in the table and in the printout). `--max-cost` refuses a job whose estimate is above it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from s3batch_core.errors import InputError
from s3batch_core.contract.limits import MAX_SETTINGS_BYTES, load_json

# Object-level S3 requests each task makes, by request class (LambdaInvoke: the function reads the object).
# Replication is billed as replication, not here. An estimate: exact billing per operation is not documented.
_REQUESTS_PER_TASK: dict[str, tuple[str, int]] = {
    "LambdaInvoke": ("get", 1),
    "S3ComputeObjectChecksum": ("get", 1),
    "S3ReplicateObject": ("put", 0),
}
_DEFAULT_REQUEST = ("put", 1)


@dataclass(frozen=True)
class Price:
    usd: float
    source: str
    confirmed: bool


@dataclass(frozen=True)
class PriceTable:
    """All prices and assumptions used by the estimate."""

    prices: dict[str, Price]
    assumptions: dict[str, float]


def _parse_table(document: Any, source: str, base: PriceTable | None = None) -> PriceTable:
    if not isinstance(document, dict):
        raise InputError(f"{source}: expected a JSON object of prices")
    prices = dict(base.prices) if base else {}
    assumptions = dict(base.assumptions) if base else {}
    for name, value in document.items():
        if name.startswith("_"):
            continue
        if name == "assumptions":
            if not isinstance(value, dict) or not all(isinstance(v, (int, float)) for v in value.values()):
                raise InputError(f"{source}: 'assumptions' must map names to numbers")
            assumptions.update(value)
            continue
        if isinstance(value, (int, float)):
            value = {"usd": value}
        if not isinstance(value, dict) or not isinstance(value.get("usd"), (int, float)) or value["usd"] < 0:
            raise InputError(f"{source}: price {name!r} needs a non-negative number 'usd'")
        if base and name not in base.prices:
            raise InputError(f"{source}: unknown price {name!r}; known: {', '.join(sorted(base.prices))}")
        prices[name] = Price(float(value["usd"]), str(value.get("source", source)), bool(value.get("confirmed", base is not None)))
    return PriceTable(prices, assumptions)


def load_prices(override: Path | None = None) -> PriceTable:
    """The bundled table, with any prices from `override` (same keys, any subset; a bare number is a price)."""
    bundled = resources.files("s3batch.jobs").joinpath("prices.json").read_text(encoding="utf-8")
    table = _parse_table(json.loads(bundled), "s3batch/jobs/prices.json")
    if override is None:
        return table
    try:
        data = override.read_bytes()
    except OSError as exc:
        raise InputError(f"{override}: not a readable JSON price table ({exc})") from None
    document = load_json(data, str(override), max_bytes=MAX_SETTINGS_BYTES)
    return _parse_table(document, str(override), base=table)


def comprehend_units(size: int, table: PriceTable, read_bytes: int | None = None) -> int:
    """Units billed for the sentiment of one object of `size` bytes (bytes ≥ characters, so an upper bound).

    Comprehend bills 100-character units with a 3-unit minimum per document; a document is at most 5,000 bytes,
    so an object read beyond that is several documents, each with its own minimum.
    """
    document_bytes = int(table.assumptions["comprehend_read_bytes"])
    unit, minimum = table.assumptions["comprehend_unit_chars"], int(table.assumptions["comprehend_min_units"])
    full, rest = divmod(min(size, read_bytes or document_bytes), document_bytes)  # full documents, then the rest
    units = full * max(math.ceil(document_bytes / unit), minimum)
    return units + (max(math.ceil(rest / unit), minimum) if rest or not full else 0)  # empty: one document


@dataclass(frozen=True)
class CostLine:
    item: str
    quantity: float
    unit: str
    usd: float
    confirmed: bool


@dataclass(frozen=True)
class CostInputs:
    """What the estimate depends on."""

    operation: str
    tasks: int
    sizes: tuple[int, ...] = ()
    """Object sizes in bytes when known (a sample is scaled to `tasks`)."""
    lambda_memory_mb: int | None = None
    comprehend: bool = False
    comprehend_read_bytes: int | None = None
    """Bytes the function sends to Comprehend per object (None: the table's `comprehend_read_bytes`, head mode)."""


@dataclass
class CostEstimate:
    lines: list[CostLine] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(line.usd for line in self.lines)

    @property
    def unconfirmed(self) -> bool:
        """True when a line uses a price no primary source settled."""
        return any(not line.confirmed for line in self.lines)


def _line(table: PriceTable, name: str, item: str, quantity: float, unit: str, per: float = 1.0) -> CostLine:
    price = table.prices[name]
    return CostLine(item, quantity, unit, quantity / per * price.usd, price.confirmed)


def _comprehend_total_units(inputs: CostInputs, table: PriceTable) -> float:
    minimum = int(table.assumptions["comprehend_min_units"])
    if not inputs.sizes:
        return float(inputs.tasks * minimum)  # sizes unknown: the per-request minimum
    sample_units = sum(comprehend_units(size, table, inputs.comprehend_read_bytes) for size in inputs.sizes)
    return sample_units * inputs.tasks / len(inputs.sizes)


def estimate(inputs: CostInputs, table: PriceTable) -> CostEstimate:
    """Estimate the job's cost from its task count and, where they matter, object sizes and function memory."""
    result = CostEstimate()
    result.lines.append(_line(table, "batch_per_job", "S3 Batch Operations job", 1, "job"))
    result.lines.append(_line(table, "batch_per_million_objects", "S3 Batch Operations objects", inputs.tasks, "objects", 1e6))
    request_class, per_task = _REQUESTS_PER_TASK.get(inputs.operation, _DEFAULT_REQUEST)
    if per_task:
        name = f"s3_per_thousand_{request_class}"
        result.lines.append(_line(table, name, f"S3 {request_class.upper()} requests", inputs.tasks * per_task, "requests", 1e3))
    if inputs.operation == "LambdaInvoke":
        result.lines.append(_line(table, "lambda_per_million_requests", "Lambda requests", inputs.tasks, "invocations", 1e6))
        memory_gb = (inputs.lambda_memory_mb or 128) / 1024
        seconds = table.assumptions["lambda_duration_ms"] / 1000
        result.lines.append(_line(table, "lambda_per_gb_second", "Lambda duration", inputs.tasks * memory_gb * seconds, "GB-s"))
    if inputs.comprehend:
        units = _comprehend_total_units(inputs, table)
        result.lines.append(_line(table, "comprehend_per_unit", "Comprehend sentiment", units, "units"))
    return result


def enforce_max_cost(result: CostEstimate, max_cost: float | None) -> None:
    """Refuse (an input error, exit 3) a job whose estimate is above `max_cost` USD."""
    if max_cost is not None and result.total > max_cost:
        raise InputError(f"estimated cost ${result.total:,.4f} is above --max-cost ${max_cost:,.4f}; not submitting")


def format_lines(result: CostEstimate) -> Iterable[str]:
    """Plain-text lines of the estimate (unconfirmed prices marked with *)."""
    for line in result.lines:
        mark = "" if line.confirmed else " *"
        yield f"  {line.item:<30} {line.quantity:>16,.2f} {line.unit:<12} ${line.usd:>12,.6f}{mark}"
    yield f"  {'total (estimate)':<30} {'':>16} {'':<12} ${result.total:>12,.6f}"
    if result.unconfirmed:
        yield "  * price not confirmed by a primary source; see docs/jobs.md#cost-estimate, override with --prices FILE"
