"""`ferry sync` over periods 3 to 5 of the lab's life: the second half of test_sync_periods.py,
a module of its own so that the periods spread over the suite's workers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.periods import check_period, migrated, periods

__all__ = ["migrated"]  # the module fixture the periods share


@pytest.mark.parametrize(("seed", "scale"), periods([3, 4, 5]))
def test_a_period_synced_equals_a_fresh_migration_and_kept_deleted_rows_are_retained(
    seed: int, scale: str, tmp_path: Path, migrated, database_factory, target_template: str
) -> None:
    """Seeds 3 to 5 at the tests' scale (see periods.check_period)."""
    check_period(seed, scale, tmp_path, migrated, database_factory, target_template)
