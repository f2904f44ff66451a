"""`ferry legacy mutate`: a period of the lab's life played on generated data, and its record.

Most tests read one database mutated once (seed SEED) from the session's legacy template
(the tests' scale); the others mutate fresh copies. Every check compares synthetic.mutation and the
ground truth with the data itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from ferry.brius.legacy import install_schema, mutate
from ferry.brius.legacy.changes import CHANGES
from ferry.brius.legacy.foreign_keys import FOREIGN_KEYS
from ferry.brius.legacy.ground_truth import compute_ground_truth
from ferry.brius.legacy.mutation_log import SHARED_UPDATED_AT
from ferry.brius.legacy.period import ARRIVALS, GROWTH, TABLES_WITH_UPDATED_AT
from ferry.brius.legacy.removals import REMOVALS
from ferry.brius.legacy.schema import LEGACY_TABLES
from ferry.errors import StateError, UsageError
from tests.cli.runner import run_ferry
from tests.conftest import TEST_SCALE
from tests.databases import create_database, retire_database

SEED = 7
TRUTH = ("pathology", "expected_outcome", "expected_fix", "expected_total")
RECORD = ("mutation", "outcome_change")


@pytest.fixture(scope="module")
def mutated(server_url: str, legacy_template: str) -> Iterator[str]:
    """A copy of the legacy template with one period played (seed SEED), read by most tests."""
    name = f"ferry_test_{uuid.uuid4().hex[:12]}"
    url = create_database(server_url, name, legacy_template)
    try:
        with psycopg.connect(url) as conn:
            mutate(conn, seed=SEED)
        yield url
    finally:
        retire_database(server_url, name)


def _checksums(url: str) -> dict[str, str]:
    tables = [sql.Identifier(t) for t in LEGACY_TABLES]
    tables += [sql.Identifier("synthetic", t) for t in TRUTH + RECORD]
    with psycopg.connect(url) as conn:
        sums = {
            table.as_string(conn): conn.execute(
                sql.SQL(
                    "SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) FROM {} AS x"
                ).format(table)
            ).fetchone()[0]
            for table in tables
        }
        sums["period"] = conn.execute(
            "SELECT md5(string_agg((period, seed, starts_at, ends_at, watermarks, counts)::text,"
            " '|' ORDER BY period)) FROM synthetic.period"
        ).fetchone()[0]
    return sums


def _period(conn: psycopg.Connection, period: int = 1) -> dict:
    return conn.execute(
        "SELECT watermarks FROM synthetic.period WHERE period = %s", (period,)
    ).fetchone()[0]


def test_the_same_seed_plays_the_same_period(mutated: str, database_factory, legacy_template):
    again = database_factory(legacy_template)
    with psycopg.connect(again) as conn:
        report = mutate(conn, seed=SEED)
    assert report.period == 1 and report.totals["insert"] > 1_000
    assert _checksums(again) == _checksums(mutated)


def test_new_rows_grow_each_active_table_by_its_documented_rate(mutated: str) -> None:
    with psycopg.connect(mutated) as conn:
        marks = _period(conn)
        for growth in GROWTH.values():
            before, floor = marks[growth.table]["rows"], marks[growth.table]["max_id"]
            expected = growth.rows(before)
            serial, above = conn.execute(
                "SELECT count(*) FILTER (WHERE legacy_id <= %s), count(*)"
                " FROM synthetic.mutation WHERE source_table = %s AND kind = 'insert'"
                " AND legacy_id > %s",
                (floor + expected, growth.table, floor),
            ).fetchone()
            # the serial's next ids, all of them; above them only late parents (instructions)
            # and the projects plans need beyond the volume
            assert serial == expected == round(growth.rate * before), growth.table
            if growth.table not in ("dispatch_project", "dispatch_instruction"):
                assert above == expected, growth.table
            assert 0.07 <= growth.rate <= 0.17, growth.table


def test_inserted_rows_are_exactly_the_rows_above_the_old_maximum(mutated: str) -> None:
    with psycopg.connect(mutated) as conn:
        marks = _period(conn)
        for table in LEGACY_TABLES:
            floor = marks[table]["max_id"]
            above = {
                i
                for (i,) in conn.execute(
                    sql.SQL("SELECT id FROM {} WHERE id > %s").format(sql.Identifier(table)),
                    (floor,),
                )
            }
            listed = {
                i
                for (i,) in conn.execute(
                    "SELECT legacy_id FROM synthetic.mutation"
                    " WHERE source_table = %s AND kind = 'insert' AND legacy_id > %s",
                    (table, floor),
                )
            }
            assert above == listed, table
        # below the old maximum, only accounts that came back (parents that arrive)
        restored = conn.execute(
            "SELECT m.note, count(*) FROM synthetic.mutation m WHERE m.kind = 'insert'"
            " AND m.legacy_id <= (SELECT (watermarks -> m.source_table ->> 'max_id')::int"
            "                     FROM synthetic.period WHERE period = 1) GROUP BY 1"
        ).fetchall()
    assert [note for note, _ in restored] in ([], ["parent_arrives"])


def test_new_rows_carry_the_generators_pathologies(mutated: str) -> None:
    """Injected at the generator's rates (without its minimums) into the new rows only."""
    with psycopg.connect(mutated) as conn:
        floor = _period(conn)["dispatch_task"]["max_id"]
        new, no_instruction, gone_actor = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE instruction_id IS NULL),"
            " count(*) FILTER (WHERE actor_id NOT IN (SELECT id FROM auth_user))"
            " FROM dispatch_task WHERE id > %s",
            (floor,),
        ).fetchone()
        classes = dict(
            conn.execute(
                "SELECT p.class, count(*) FROM synthetic.pathology p JOIN synthetic.mutation m"
                " ON m.source_table = p.source_table AND m.legacy_id = p.legacy_id"
                " AND m.kind = 'insert' GROUP BY 1"
            ).fetchall()
        )
    assert no_instruction == round(0.004 * new) and abs(gone_actor - round(0.01 * new)) <= 2
    assert {"orphan", "null_reference", "double_extension", "invalid_json"} <= set(classes)


def _update_rows(conn: psycopg.Connection, table: str) -> list[tuple]:
    """(legacy id, changed columns, before, current row) of every update of `table`."""
    return conn.execute(
        sql.SQL(
            "SELECT m.legacy_id, m.changed_columns, m.before, to_jsonb(t)"
            " FROM synthetic.mutation m LEFT JOIN {} t ON t.id = m.legacy_id"
            " WHERE m.source_table = %s AND m.kind = 'update'"
        ).format(sql.Identifier(table)),
        (table,),
    ).fetchall()


def test_every_update_changed_exactly_its_listed_columns(mutated: str) -> None:
    with psycopg.connect(mutated) as conn:
        tables = [
            t for (t,) in conn.execute("SELECT DISTINCT source_table FROM synthetic.mutation")
        ]
        updated = {t: _update_rows(conn, t) for t in tables}
    assert sum(len(rows) for rows in updated.values()) > 100
    for table, rows in updated.items():
        for legacy_id, changed, before, current in rows:
            assert current is not None, (table, legacy_id)
            assert sorted(before) == sorted(changed), (table, legacy_id)
            for column in changed:
                assert current[column] != before[column], (table, legacy_id, column)


def test_updated_at_is_bumped_past_every_old_value_where_the_table_has_it(mutated: str) -> None:
    with psycopg.connect(mutated) as conn:
        marks = _period(conn)
        for table in TABLES_WITH_UPDATED_AT:
            old = marks[table]["max_updated_at"]
            rows = _update_rows(conn, table)
            assert rows, table
            for _, changed, _, current in rows:
                stamp = datetime.fromisoformat(current["updated_at"])
                assert "updated_at" in changed and stamp > datetime.fromisoformat(old), table
        # without updated_at, only a row comparison sees the change
        blind = {
            table: {c for _, changed, _, _ in _update_rows(conn, table) for c in changed}
            for table in ("dispatch_task", "dispatch_payment", "dispatch_file", "auth_user")
        }
    assert {"checked", "done_at"} <= blind["dispatch_task"]
    assert {"subtotal_price", "total_price", "canceled"} <= blind["dispatch_payment"]
    assert "name" in blind["dispatch_file"] and {"email", "last_name"} <= blind["auth_user"]


def test_a_group_of_updated_rows_shares_one_new_updated_at(mutated: str) -> None:
    with psycopg.connect(mutated) as conn:
        marks = _period(conn)
        for table, size in SHARED_UPDATED_AT.items():
            groups = conn.execute(
                sql.SQL(
                    "SELECT t.updated_at, count(*), bool_and(m.note LIKE '%%shared_updated_at%%')"
                    " FROM synthetic.mutation m JOIN {} t ON t.id = m.legacy_id"
                    " WHERE m.source_table = %s AND m.kind = 'update'"
                    " GROUP BY 1 HAVING count(*) > 1"
                ).format(sql.Identifier(table)),
                (table,),
            ).fetchall()
            assert len(groups) == 1, table
            stamp, rows, noted = groups[0]
            old = datetime.fromisoformat(marks[table]["max_updated_at"])
            assert rows == size and noted and stamp > old, table


def test_deletions_are_recorded_and_leave_no_dangling_reference(mutated: str) -> None:
    with psycopg.connect(mutated) as conn:
        deleted: dict[str, set[int]] = {}
        for table, legacy_id, before in conn.execute(
            "SELECT source_table, legacy_id, before FROM synthetic.mutation WHERE kind = 'delete'"
        ):
            assert before["id"] == legacy_id
            deleted.setdefault(table, set()).add(legacy_id)
        for table, ids in deleted.items():
            still = conn.execute(
                sql.SQL("SELECT count(*) FROM {} WHERE id = ANY(%s)").format(sql.Identifier(table)),
                (list(ids),),
            ).fetchone()[0]
            assert still == 0, table
        dangling = []
        for fk in FOREIGN_KEYS:
            found = conn.execute(
                sql.SQL("SELECT count(*) FROM {} t WHERE {} = ANY(%s){}").format(
                    sql.Identifier(fk.table), sql.Identifier(fk.column), _narrowed(fk)
                ),
                (list(deleted.get(fk.parent, ())),),
            ).fetchone()[0]
            if found:
                dangling.append((fk.table, fk.column))
        notes = {
            n for (n,) in conn.execute("SELECT note FROM synthetic.mutation WHERE kind = 'delete'")
        }
    assert dangling == []
    assert {"task_deleted", "file_deleted", "message_deleted", "order_deleted"} <= notes
    assert {"deleted_with:dispatch_instruction", "deleted_with:auth_user"} <= notes
    assert {"dispatch_task", "dispatch_file", "dispatch_record", "dispatch_jaw"} <= set(deleted)


def test_a_parent_that_arrives_heals_what_pointed_at_it(mutated: str) -> None:
    with psycopg.connect(mutated) as conn:
        healed = conn.execute(
            """
            SELECT t.id, m.note, c.before, c.after
            FROM synthetic.pathology p
            JOIN dispatch_task t ON t.id = p.legacy_id
            JOIN dispatch_instruction i ON i.id = t.instruction_id
            JOIN synthetic.mutation m ON m.source_table = 'dispatch_instruction'
                 AND m.legacy_id = i.id AND m.kind = 'insert'
            LEFT JOIN synthetic.outcome_change c ON c.entity = 'tasks' AND c.legacy_id = t.id
            WHERE p.source_table = 'dispatch_task' AND p.class = 'parent_arrived'
              AND p.detail = 'instruction_id'
            """
        ).fetchall()
        orphan_left = conn.execute(
            "SELECT count(*) FROM synthetic.pathology p JOIN synthetic.pathology q"
            " ON q.source_table = p.source_table AND q.legacy_id = p.legacy_id"
            " AND q.detail = p.detail WHERE p.class = 'parent_arrived' AND q.class = 'orphan'"
        ).fetchone()[0]
        restored = conn.execute(
            "SELECT count(*) FROM synthetic.mutation WHERE source_table = 'auth_user'"
            " AND kind = 'insert' AND note = 'parent_arrives'"
        ).fetchone()[0]
    assert len(healed) >= 2 and orphan_left == 0 and restored >= 1
    assert {note for _, note, _, _ in healed} == {"parent_arrives"}
    assert {before for _, _, before, _ in healed} == {"quarantine:missing_parent:orders"}
    assert all(after is None or after.startswith("fix:") for _, _, _, after in healed)


def _narrowed(fk) -> sql.Composable:
    """The content-type condition of a generic reference (t is the referencing row)."""
    if fk.content_type is None:
        return sql.SQL("")
    return sql.SQL(" AND t.{} = {}").format(
        sql.Identifier(fk.type_column), sql.Literal(fk.content_type)
    )


def _actual_orphans(conn: psycopg.Connection) -> set[tuple[str, str, int]]:
    found = set()
    for fk in FOREIGN_KEYS:
        query = sql.SQL(
            "SELECT t.id FROM {t} t LEFT JOIN {p} p ON p.id = t.{c}"
            " WHERE t.{c} IS NOT NULL AND p.id IS NULL{n}"
        ).format(
            t=sql.Identifier(fk.table),
            p=sql.Identifier(fk.parent),
            c=sql.Identifier(fk.column),
            n=_narrowed(fk),
        )
        found |= {(fk.table, fk.column, i) for (i,) in conn.execute(query)}
    return found


def test_the_ground_truth_describes_the_mutated_data(mutated: str) -> None:
    with psycopg.connect(mutated) as conn:
        listed = set(
            conn.execute(
                "SELECT source_table, detail, legacy_id FROM synthetic.pathology"
                " WHERE class = 'orphan'"
            ).fetchall()
        )
        assert _actual_orphans(conn) == listed
        recorded = {
            table: conn.execute(
                sql.SQL("SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) FROM {} x").format(
                    sql.Identifier("synthetic", table)
                )
            ).fetchone()[0]
            for table in ("expected_outcome", "expected_fix", "expected_total")
        }
        with conn.transaction(force_rollback=True):
            conn.execute(
                "TRUNCATE synthetic.expected_outcome, synthetic.expected_fix,"
                " synthetic.expected_total, synthetic.candidate"
            )
            compute_ground_truth(conn)
            fresh = {
                table: conn.execute(
                    sql.SQL(
                        "SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) FROM {} x"
                    ).format(sql.Identifier("synthetic", table))
                ).fetchone()[0]
                for table in recorded
            }
        dangling = conn.execute(
            "SELECT count(*) FROM synthetic.mutation m WHERE m.kind = 'delete' AND EXISTS"
            " (SELECT 1 FROM synthetic.expected_outcome o WHERE o.source_table = m.source_table"
            "  AND o.legacy_id = m.legacy_id)"
        ).fetchone()[0]
        new_outcomes = conn.execute(
            "SELECT count(*) FROM synthetic.expected_outcome o JOIN synthetic.mutation m"
            " ON m.source_table = o.source_table AND m.legacy_id = o.legacy_id"
            " AND m.kind = 'insert'"
        ).fetchone()[0]
        changes = dict(
            conn.execute(
                "SELECT split_part(coalesce(after, 'migrate'), ':', 1), count(*)"
                " FROM synthetic.outcome_change GROUP BY 1"
            ).fetchall()
        )
    assert fresh == recorded and dangling == 0 and new_outcomes > 50
    assert changes.get("skip", 0) > 0 and changes.get("migrate", 0) > 0


def test_periods_follow_each_other_and_a_seed_plays_once(database_factory, legacy_template):
    url = database_factory(legacy_template)
    with psycopg.connect(url) as conn:
        first = mutate(conn, seed=SEED)
        second = mutate(conn, seed=SEED + 1)
        after_first = _period(conn, 2)
        jumps = conn.execute(
            "SELECT m.source_table, min(m.legacy_id) FROM synthetic.mutation m"
            " WHERE m.period = 2 AND m.kind = 'insert' AND m.note = 'new' GROUP BY 1"
        ).fetchall()
        sets = conn.execute(
            "SELECT period, md5(string_agg(source_table || legacy_id || kind, ','"
            " ORDER BY source_table, legacy_id)) FROM synthetic.mutation GROUP BY 1 ORDER BY 1"
        ).fetchall()
        periods = conn.execute(
            "SELECT period, starts_at, ends_at FROM synthetic.period ORDER BY 1"
        ).fetchall()
    assert (first.period, second.period) == (1, 2) and sets[0][1] != sets[1][1]
    assert all(low > after_first[table]["max_id"] for table, low in jumps) and len(jumps) > 10
    assert periods[1][1] > periods[0][1]
    before = _checksums(url)
    with (
        psycopg.connect(url) as conn,
        pytest.raises(UsageError, match="already played as period 1"),
    ):
        mutate(conn, seed=SEED)
    assert _checksums(url) == before


def test_refusals_are_one_sentence(database_factory, legacy_template, new_database) -> None:
    with psycopg.connect(new_database) as conn:
        install_schema(conn)
        with pytest.raises(StateError, match="ferry legacy generate"):
            mutate(conn, seed=1)
    other = database_factory(legacy_template)
    with psycopg.connect(other) as conn, pytest.raises(UsageError, match=f"scale {TEST_SCALE:g}"):
        mutate(conn, seed=1, scale=TEST_SCALE * 2)


def test_the_command_prints_counts_refuses_a_replayed_seed_and_defaults_to_the_next(
    database_factory, legacy_template, tmp_path
) -> None:
    env = {
        "FERRY_SOURCE_URL": database_factory(legacy_template),
        "FERRY_TARGET_URL": database_factory(),
    }
    first = run_ferry("legacy", "mutate", "--seed", "3", cwd=tmp_path, env=env)
    assert first.exit_code == 0, first.output
    assert "dispatch_task" in first.stdout and "period 1 (seed 3)" in first.stdout
    assert "@" not in first.stdout  # counts only: no email or other row value
    again = run_ferry("legacy", "mutate", "--seed", "3", cwd=tmp_path, env=env)
    assert again.exit_code == 2 and "Traceback" not in again.output
    assert again.stderr.strip().count("\n") == 0 and "already played" in again.stderr
    following = run_ferry("legacy", "mutate", cwd=tmp_path, env=env)  # no seed: the next one
    assert following.exit_code == 0 and "period 2 (seed 4)" in following.stdout, following.output


def test_every_knob_of_a_period_is_documented_with_its_rate() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "pathologies.md").read_text()
    section = doc.split("\n## Mutations\n", 1)[1]
    for growth in GROWTH.values():
        assert f"| {growth.table} | {growth.rate * 100:g}% |" in section, growth.table
    knobs = [(c.name, c.rate) for c in CHANGES] + [(r.name, r.rate) for r in REMOVALS]
    knobs += [(name, rate.rate) for name, rate in ARRIVALS.items()]
    for name, rate in knobs:
        row = next((line for line in section.splitlines() if line.startswith(f"| `{name}` |")), "")
        assert f"| {rate * 100:g}% |" in row, f"{name}: docs/pathologies.md should say {rate:.2%}"
