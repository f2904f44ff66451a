"""`ferry sync` over full periods of the lab's life (`ferry legacy mutate --seed 1..5`) at the
tests' scale (the catalogue's with FERRY_TEST_PERIODS=catalogue): the dry run predicts the real run,
the sync exits 0, `validate final` passes, the target equals a fresh migration of the changed
source, and a second sync changes nothing; with `--keep-deleted`, the rows gone from the source are
retained, counted exactly. A row of the new application's that depends on a leaving row holds back
only that release."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.periods import check_period, migrated, periods

__all__ = ["migrated"]  # the module fixture the periods share


@pytest.mark.parametrize(("seed", "scale"), periods([1, 2]))
def test_a_period_synced_equals_a_fresh_migration_and_kept_deleted_rows_are_retained(
    seed: int, scale: str, tmp_path: Path, migrated, database_factory, target_template: str
) -> None:
    """Seeds 1 and 2 at the tests' scale (see periods.check_period)."""
    check_period(seed, scale, tmp_path, migrated, database_factory, target_template)
