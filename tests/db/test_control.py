"""ferry's bookkeeping writes survive being repeated (a retry after a lost acknowledgement)."""

from __future__ import annotations

import psycopg

from ferry.state import control


def test_an_entity_started_twice_in_one_run_has_one_summary_row(state_database: str) -> None:
    with psycopg.connect(state_database, autocommit=True) as conn:
        with conn.transaction():
            run_id = control.start_run(conn, "migrate", "all", {}, False)
        for _ in range(2):  # the first commit succeeded, its acknowledgement was lost
            with conn.transaction():
                control.start_entity(conn, run_id, "orders", "migrate", None, {})
        rows = conn.execute(
            "SELECT count(*) FROM ferry.migration_control"
            " WHERE run_id = %s AND entity = 'orders' AND batch IS NULL",
            (run_id,),
        ).fetchone()[0]
    assert rows == 1
