"""Cost estimate: Comprehend units, Lambda GB-seconds, the price table and its overrides, --max-cost."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from s3batch_core.errors import InputError
from s3batch.jobs.cost import CostInputs, comprehend_units, enforce_max_cost, estimate, format_lines, load_prices


def test_bundled_table_is_complete_and_marks_unconfirmed_prices() -> None:
    table = load_prices()
    assert table.prices["batch_per_job"].usd == 0.25
    assert table.prices["batch_per_million_objects"].confirmed is False
    assert {"lambda_duration_ms", "comprehend_read_bytes", "comprehend_unit_chars", "comprehend_min_units"} <= set(table.assumptions)


@pytest.mark.parametrize(("size", "read_bytes", "units"), [
    (0, None, 3), (64, None, 3), (300, None, 3), (301, None, 4), (5000, None, 50), (1_000_000, None, 50),  # head
    (12_000, 125_000, 120),  # full mode: documents of 5,000 + 5,000 + 2,000 bytes -> 50 + 50 + 20 units
])
def test_comprehend_units(size: int, read_bytes: int | None, units: int) -> None:
    assert comprehend_units(size, load_prices(), read_bytes=read_bytes) == units


def test_sentiment_job_estimate() -> None:
    table = load_prices()
    result = estimate(CostInputs("LambdaInvoke", tasks=3, sizes=(64, 102, 90), lambda_memory_mb=512, comprehend=True), table)
    by_item = {line.item: line for line in result.lines}
    assert by_item["S3 Batch Operations job"].usd == 0.25
    assert by_item["S3 Batch Operations objects"].usd == pytest.approx(3 / 1e6 * 1.0)
    assert by_item["Lambda duration"].quantity == pytest.approx(3 * 0.5 * 0.2)
    assert by_item["Comprehend sentiment"].quantity == 9  # 3-unit minimum each
    assert by_item["S3 GET requests"].quantity == 3
    assert result.total == pytest.approx(sum(line.usd for line in result.lines))
    text = "\n".join(format_lines(result))
    assert "*" in text and "--prices FILE" in text


def test_unknown_sizes_use_the_minimum_and_samples_scale() -> None:
    table = load_prices()
    assert estimate(CostInputs("LambdaInvoke", tasks=10, comprehend=True), table).lines[-1].quantity == 30
    scaled = estimate(CostInputs("LambdaInvoke", tasks=1000, sizes=(5000, 0), comprehend=True), table)
    assert scaled.lines[-1].quantity == pytest.approx(1000 * (50 + 3) / 2)


def test_tagging_job_has_no_lambda_lines() -> None:
    items = [line.item for line in estimate(CostInputs("S3PutObjectTagging", tasks=5), load_prices()).lines]
    assert items == ["S3 Batch Operations job", "S3 Batch Operations objects", "S3 PUT requests"]


def test_price_overrides(tmp_path: Path) -> None:
    path = tmp_path / "prices.json"
    path.write_text(json.dumps({"batch_per_job": 1.5, "batch_per_million_objects": {"usd": 2.0, "source": "our contract"},
                                "assumptions": {"lambda_duration_ms": 50}}))
    table = load_prices(path)
    assert table.prices["batch_per_job"].usd == 1.5 and table.prices["batch_per_job"].confirmed is True
    assert table.prices["batch_per_million_objects"].source == "our contract"
    assert table.assumptions["lambda_duration_ms"] == 50 and table.prices["comprehend_per_unit"].usd == 0.0001
    path.write_text(json.dumps({"batch_per_jobb": 1}))
    with pytest.raises(InputError, match="unknown price 'batch_per_jobb'"):
        load_prices(path)
    path.write_text(json.dumps({"batch_per_job": -1}))
    with pytest.raises(InputError, match="non-negative"):
        load_prices(path)


def test_max_cost_refuses_as_an_input_error() -> None:  # exit 3: test_e2e_local.test_a_refused_job…
    result = estimate(CostInputs("LambdaInvoke", tasks=3), load_prices())
    enforce_max_cost(result, None)
    enforce_max_cost(result, 1.0)
    with pytest.raises(InputError, match=r"^estimated cost \$0\.2500 is above --max-cost \$0\.1000; not submitting$"):
        enforce_max_cost(result, 0.10)
