"""Issue 11: the job tooling's own input files (stack outputs, job spec, price table) are read within the size and
nesting limits: one InputError line naming the file, never RecursionError (a crafted sentiment result nested past
the parser: test_report.test_malformed_sentiment_results_are_plain_rows)."""

from __future__ import annotations

from pathlib import Path

import pytest

from s3batch_core.errors import InputError
from s3batch.jobs.cost import load_prices
from s3batch.jobs.spec import load_spec
from s3batch_core.contract.limits import MAX_JSON_DEPTH
from s3batch_core.contract.stack_outputs import load_outputs

DEEP_JSON = '{"a":' + "[" * 1000 + "]" * 1000 + "}"
DEEP = f"nested more than {MAX_JSON_DEPTH} levels deep"


@pytest.mark.parametrize(("reader", "name"), [(load_outputs, "outputs.json"), (load_spec, "spec.json"),
                                              (load_prices, "prices.json")])
def test_deep_json_settings_are_one_input_error(tmp_path: Path, reader: object, name: str) -> None:
    path = tmp_path / name
    path.write_text(DEEP_JSON, encoding="utf-8")
    with pytest.raises(InputError, match=f"^{path}: {DEEP}"):
        reader(path)  # type: ignore[operator]


def test_deep_yaml_spec_is_one_input_error(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text("a: " + "[" * 100 + "]" * 100 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"^{path}: {DEEP}"):
        load_spec(path)
    path.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=f"^{path}: nested more than the parser can read"):
        load_spec(path)
