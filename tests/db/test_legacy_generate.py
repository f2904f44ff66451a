"""Generation at a small scale: deterministic, complete, and its ground truth is coherent."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

from ferry.brius.legacy import generate, install_schema
from ferry.brius.legacy.ground_truth import ENTITIES
from ferry.brius.legacy.schema import LEGACY_TABLES
from tests.databases import create_database, retire_database

SEED = 20251117
GROUND_TRUTH = ("pathology", "expected_outcome", "expected_fix", "expected_total")

# Every injected class shows up at least twice even at scale 0.01.
CLASSES = (
    "test_account", "inactive_account", "never_logged_in", "duplicate_email", "duplicate_name",
    "patient_doctor", "organisation_name", "multiple_groups", "invalid_email", "blank_email",
    "typo_email_domain", "blank_name", "invalid_office", "null_country", "country_variant",
    "tax_rate_percent", "duplicate_office", "several_offices", "archived_patient", "null_suffix",
    "blank_suffix", "malformed_suffix", "null_reference", "parent_not_migrated", "orphan",
    "invalid_json", "soft_deleted", "unknown_code", "unreferenced_jaw", "many_plans",
    "blank_text", "short_text", "double_extension", "shared_file_uid", "invalid_context",
)  # fmt: skip


@pytest.fixture(scope="module")
def small(server_url: str) -> Iterator[str]:
    """One database generated at scale 0.01, shared by the read-only tests of this module."""
    name = f"ferry_test_{uuid.uuid4().hex[:12]}"
    url = create_database(server_url, name)
    try:
        with psycopg.connect(url) as conn:
            install_schema(conn)
            generate(conn, scale=0.01, seed=SEED)
        yield url
    finally:
        retire_database(server_url, name)


def _checksums(url: str) -> dict[str, str]:
    tables = [sql.Identifier(t) for t in LEGACY_TABLES]
    tables += [sql.Identifier("synthetic", t) for t in GROUND_TRUTH]
    with psycopg.connect(url) as conn:
        return {
            table.as_string(conn): conn.execute(
                sql.SQL(
                    "SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) FROM {} AS x"
                ).format(table)
            ).fetchone()[0]
            for table in tables
        }


def test_same_seed_and_scale_give_the_same_rows(small: str, new_database: str) -> None:
    with psycopg.connect(new_database, autocommit=True) as conn:
        install_schema(conn)
        report = generate(conn, scale=0.01, seed=SEED)
    assert _checksums(new_database) == _checksums(small)
    assert report.total_rows > 10_000 and report.seconds < 30


def test_regenerating_empties_and_refills(new_database: str) -> None:
    with psycopg.connect(new_database) as conn:
        install_schema(conn)
        generate(conn, scale=0.01, seed=1)
        first = _checksums(new_database)
        other = generate(conn, scale=0.01, seed=2)
        assert _checksums(new_database) != first
        again = generate(conn, scale=0.01, seed=1)
        leftovers = conn.execute(
            "SELECT count(*) FROM pg_class WHERE relnamespace = pg_my_temp_schema()"
        ).fetchone()[0]
    assert leftovers == 0  # the caller's session is left as it was
    assert _checksums(new_database) == first
    assert again.row_counts != other.row_counts or again.pathologies != other.pathologies


def test_report_matches_the_data(small: str) -> None:
    with psycopg.connect(small) as conn:
        seed, scale, counts = conn.execute(
            "SELECT seed, scale, row_counts FROM synthetic.generation"
        ).fetchone()
        for table in LEGACY_TABLES:
            actual = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            assert counts[table] == actual.fetchone()[0], table
        # serials continue after the generated ids
        next_id = conn.execute("SELECT nextval('dispatch_task_id_seq')").fetchone()[0]
        assert next_id == counts["dispatch_task"] + 1
    assert (seed, scale) == (SEED, 0.01)


def test_every_pathology_class_appears_at_the_smallest_scale(small: str) -> None:
    with psycopg.connect(small) as conn:
        counts = dict(conn.execute("SELECT class, count(*) FROM synthetic.pathology GROUP BY 1"))
    assert {c: counts.get(c, 0) for c in CLASSES if counts.get(c, 0) < 2} == {}
    assert set(counts) == set(CLASSES)


def test_every_entity_has_its_accounting_totals(small: str) -> None:
    with psycopg.connect(small) as conn:
        totals = conn.execute(
            "SELECT entity, sum(seen), sum(migrated + skipped + quarantined)"
            " FROM synthetic.expected_total GROUP BY entity"
        ).fetchall()
        missing = conn.execute(
            "SELECT count(*) FROM synthetic.expected_outcome o WHERE NOT EXISTS"
            " (SELECT 1 FROM synthetic.expected_total t"
            "  WHERE t.entity = o.entity AND t.source_table = o.source_table)"
        ).fetchone()[0]
    assert {entity for entity, _, _ in totals} == set(ENTITIES)
    assert all(seen == accounted and seen > 0 for _, seen, accounted in totals)
    assert missing == 0


def test_one_final_outcome_and_fixes_only_for_migrated_rows(small: str) -> None:
    with psycopg.connect(small) as conn:
        fix_without_detail = conn.execute(
            "SELECT count(*) FROM synthetic.expected_outcome o WHERE o.outcome = 'fix'"
            " AND NOT EXISTS (SELECT 1 FROM synthetic.expected_fix f WHERE (f.entity,"
            " f.source_table, f.legacy_id) = (o.entity, o.source_table, o.legacy_id))"
        ).fetchone()[0]
        detail_without_fix = conn.execute(
            "SELECT count(*) FROM synthetic.expected_fix f WHERE NOT EXISTS"
            " (SELECT 1 FROM synthetic.expected_outcome o WHERE o.outcome = 'fix' AND (f.entity,"
            " f.source_table, f.legacy_id) = (o.entity, o.source_table, o.legacy_id))"
        ).fetchone()[0]
        flat = conn.execute("SELECT count(*) FROM synthetic.expected").fetchone()[0]
        split = conn.execute(
            "SELECT (SELECT count(*) FROM synthetic.expected_outcome WHERE outcome <> 'fix')"
            " + (SELECT count(*) FROM synthetic.expected_fix)"
        ).fetchone()[0]
    assert (fix_without_detail, detail_without_fix) == (0, 0)
    assert flat == split


def test_every_listed_row_exists_in_its_source_table(small: str) -> None:
    with psycopg.connect(small) as conn:
        for (table,) in conn.execute(
            "SELECT DISTINCT source_table FROM synthetic.expected_outcome"
        ).fetchall():
            dangling = conn.execute(
                sql.SQL(
                    "SELECT count(*) FROM synthetic.expected_outcome o WHERE o.source_table = {}"
                    " AND NOT EXISTS (SELECT 1 FROM {} s WHERE s.id = o.legacy_id)"
                ).format(sql.Literal(table), sql.Identifier(table))
            ).fetchone()[0]
            assert dangling == 0, table


def test_row_level_causes_are_recorded_pathologies(small: str) -> None:
    """An outcome blamed on the row itself names a class injected on that very row."""
    query = """
        WITH blamed AS (
            SELECT source_table, legacy_id, pathology FROM synthetic.expected_outcome
            WHERE outcome <> 'fix'
            UNION SELECT source_table, legacy_id, pathology FROM synthetic.expected_fix
        ), located AS (
            SELECT CASE WHEN b.source_table = 'auth_user' AND b.pathology LIKE '%suffix'
                        THEN 'dispatch_patient' ELSE b.source_table END AS source_table,
                   CASE WHEN b.source_table = 'auth_user' AND b.pathology LIKE '%suffix'
                        THEN (SELECT p.id FROM dispatch_patient p WHERE p.user_id = b.legacy_id)
                        ELSE b.legacy_id END AS legacy_id,
                   b.pathology, b.source_table AS blamed_table, b.legacy_id AS blamed_id
            FROM blamed b
            WHERE b.pathology NOT IN ('cascade', 'orphan', 'null_reference')
        )
        SELECT blamed_table, blamed_id, pathology FROM located l
        WHERE NOT EXISTS (SELECT 1 FROM synthetic.pathology p WHERE p.source_table = l.source_table
                          AND p.legacy_id = l.legacy_id AND p.class = l.pathology)
        LIMIT 5
    """
    with psycopg.connect(small) as conn:
        assert conn.execute(query).fetchall() == []


def test_malformed_suffix_cascades_down_the_patient_chain(small: str) -> None:
    with psycopg.connect(small) as conn:
        rows = conn.execute(
            """
            SELECT e.entity, e.outcome, e.detail, count(*)
            FROM synthetic.pathology p
            JOIN dispatch_patient pt ON pt.id = p.legacy_id
            JOIN dispatch_instruction i ON i.patient_id = pt.id AND NOT i.deleted
                 AND i.status IN (0, 1, 2, 4)
            JOIN dispatch_task t ON t.instruction_id = i.id
            JOIN synthetic.expected e ON e.entity IN ('orders', 'tasks')
                 AND e.legacy_id = CASE e.entity WHEN 'orders' THEN i.id ELSE t.id END
            WHERE p.class = 'malformed_suffix'
            GROUP BY 1, 2, 3
            """
        ).fetchall()
        profile = conn.execute(
            "SELECT DISTINCT e.detail FROM synthetic.pathology p"
            " JOIN dispatch_patient pt ON pt.id = p.legacy_id"
            " JOIN synthetic.expected e ON e.entity = 'profiles' AND e.legacy_id = pt.user_id"
            " WHERE p.class = 'malformed_suffix'"
        ).fetchall()
    assert profile == [("constraint:profiles_patient_suffix_format",)]
    assert {(entity, outcome, detail) for entity, outcome, detail, _ in rows} == {
        ("orders", "quarantine", "missing_parent:patients"),
        ("tasks", "quarantine", "missing_parent:orders"),
    }


def test_soft_deleted_orders_lose_their_children_but_not_their_case(small: str) -> None:
    with psycopg.connect(small) as conn:
        outcomes = dict(
            conn.execute(
                """
                SELECT e.entity || ' ' || e.detail, count(*)
                FROM dispatch_instruction i
                JOIN synthetic.expected_outcome o ON o.entity = 'orders' AND o.legacy_id = i.id
                     AND o.reason = 'soft_deleted'
                     AND NOT EXISTS (SELECT 1 FROM synthetic.lost l
                                     WHERE l.entity = 'cases' AND l.legacy_id = i.patient_id)
                JOIN LATERAL (
                    SELECT 'tasks' AS entity, id FROM dispatch_task WHERE instruction_id = i.id
                    UNION ALL SELECT 'files', id FROM dispatch_file WHERE instruction_id = i.id
                    UNION ALL SELECT 'case_files', id FROM dispatch_file WHERE instruction_id = i.id
                ) AS c ON true
                LEFT JOIN synthetic.expected e ON e.entity = c.entity AND e.legacy_id = c.id
                GROUP BY 1
                """
            ).fetchall()
        )
    assert outcomes.get("tasks missing_parent:orders", 0) > 0
    assert outcomes.get("files optional_parent_null:order_id", 0) > 0
    assert not any(key.startswith("case_files missing_parent") for key in outcomes if key)


def test_every_table_of_the_inventory_is_filled_but_purchases(small: str) -> None:
    """The 59 tables of REFERENCE 1.1 exist with rows; dispatch_purchase is empty, as in reality."""
    with psycopg.connect(small) as conn:
        counts = conn.execute("SELECT row_counts FROM synthetic.generation").fetchone()[0]
        notifications, instructions = conn.execute(
            "SELECT (SELECT count(*) FROM dispatch_notification),"
            " (SELECT count(*) FROM dispatch_instruction)"
        ).fetchone()
    assert len(LEGACY_TABLES) == len(set(LEGACY_TABLES)) == 59
    assert {t for t, n in counts.items() if n == 0} == {"dispatch_purchase"}
    assert set(counts) == set(LEGACY_TABLES)
    assert notifications == 51_025 and 150 <= notifications / instructions <= 250


def test_system_messages_account_for_every_notification(small: str) -> None:
    with psycopg.connect(small) as conn:
        seen, migrated, skipped, quarantined = conn.execute(
            "SELECT seen, migrated, skipped, quarantined FROM synthetic.expected_total"
            " WHERE entity = 'system_messages'"
        ).fetchone()
        outside, total = conn.execute(
            "SELECT count(*) FILTER (WHERE NOT (send AND coalesce(btrim(template_context), '')"
            " <> '' AND recipient_id IS NOT NULL)), count(*) FROM dispatch_notification"
        ).fetchone()
        invalid = conn.execute(
            "SELECT count(*) FROM synthetic.pathology p JOIN synthetic.expected_outcome o"
            " ON o.entity = 'system_messages' AND o.legacy_id = p.legacy_id"
            " WHERE p.class = 'invalid_context' AND o.reason = 'invalid_context'"
        ).fetchone()[0]
        owed = dict(
            conn.execute(
                "SELECT reason, count(*) FROM synthetic.expected_outcome"
                " WHERE entity = 'system_messages' GROUP BY reason"
            ).fetchall()
        )
    assert seen == total == migrated + skipped + quarantined
    assert skipped == outside == owed["outside_valid_subset"]
    assert invalid == owed["invalid_context"] == 8  # four classes, two each at this scale
    assert owed.get("missing_parent:profiles", 0) >= 2


def test_operations_resolve_their_case_or_are_quarantined(small: str) -> None:
    """No default case: an operation without a route payment -> instruction -> patient waits."""
    with psycopg.connect(small) as conn:
        rows = conn.execute(
            """
            SELECT o.id, o.type, pt.id IS NOT NULL AS routed, e.outcome, e.detail
            FROM dispatch_operation o
            LEFT JOIN dispatch_payment p ON p.id = o.payment_id
            LEFT JOIN dispatch_instruction i ON i.id = p.instruction_id
            LEFT JOIN dispatch_patient pt ON pt.id = i.patient_id
            LEFT JOIN synthetic.expected e ON e.entity = 'operations' AND e.legacy_id = o.id
            """
        ).fetchall()
    unrouted = {detail for _, type_, routed, _, detail in rows if not routed and type_ in (1, 2)}
    assert unrouted == {"missing_parent:cases"}
    assert {detail for _, type_, _, _, detail in rows if type_ not in (1, 2)} == {"unknown_code"}
    assert sum(1 for _, type_, _, _, _ in rows if type_ == 2) >= 2


def test_junction_rows_name_their_first_missing_parent(small: str) -> None:
    with psycopg.connect(small) as conn:
        reasons = dict(
            conn.execute(
                "SELECT entity || ' ' || reason, count(*) FROM synthetic.expected_outcome"
                " WHERE entity LIKE 'template_%' OR entity = 'role_permissions' GROUP BY 1"
            ).fetchall()
        )
    assert reasons["template_products missing_parent:products"] == 73  # 44% of 166
    assert reasons["role_permissions unknown_permission"] == 2
    assert reasons["role_permissions missing_parent:roles"] == 2
    assert reasons["template_view_groups missing_parent:teams"] >= 1
    assert reasons["template_predecessors missing_parent:templates"] == 2


def test_the_square_token_is_fake(small: str) -> None:
    with psycopg.connect(small) as conn:
        (token,) = conn.execute("SELECT access_token FROM dispatch_globalsetting").fetchone()
    assert re.fullmatch(r"sq0atp-[0-9a-f]{32}", token)
