"""Properties of the rules behind restore and Batch Replication (no stack needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from s3batch.emulator.engine.replication import Rule, applicable
from s3batch.emulator.engine.restores import Restore

moments = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC))


@given(completes=moments, days=st.integers(min_value=1, max_value=3650))
def test_a_restored_copy_expires_at_the_first_midnight_after_completion_plus_days(completes: datetime, days: int) -> None:
    expires = Restore("a", "b", "k", None, "BULK", days, completes).expires
    assert (expires.hour, expires.minute, expires.second, expires.microsecond) == (0, 0, 0, 0)
    assert completes + timedelta(days=days) <= expires < completes + timedelta(days=days + 1)


rules = st.builds(Rule, priority=st.integers(0, 5), prefix=st.sampled_from(["", "a", "ab", "b"]),
                  tags=st.just(()), destination=st.sampled_from(["d1", "d2", "d3"]), storage_class=st.none(),
                  delete_markers=st.booleans())


@given(configured=st.lists(rules, max_size=8), key=st.sampled_from(["a", "ab", "abc", "b", "c"]))
def test_one_rule_per_destination_the_matching_one_of_highest_priority(configured: list[Rule], key: str) -> None:
    chosen = applicable(configured, key, None)
    assert len({rule.destination for rule in chosen}) == len(chosen)
    for rule in chosen:
        rivals = [r for r in configured if r.destination == rule.destination and r.matches(key, None)]
        assert rule in rivals and rule.priority == max(r.priority for r in rivals)
    assert {r.destination for r in configured if r.matches(key, None)} == {r.destination for r in chosen}
