"""At scale 0.1 the data holds every pathology at its documented rate, measured from the data.

The expected count of a class is max(minimum, rate x population), with the rates of
docs/pathologies.md (a unit test checks that the document and RATES agree). Each measure below
is plain SQL over the legacy tables, written here independently of the generator.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

from ferry.brius.legacy import generate, install_schema
from ferry.brius.legacy.foreign_keys import FOREIGN_KEYS, ForeignKey
from ferry.brius.legacy.volumes import RATES
from tests.databases import create_database, retire_database

CANDIDATE = (
    "(EXISTS (SELECT 1 FROM dispatch_usersetting s WHERE s.user_id = u.id)"
    " OR EXISTS (SELECT 1 FROM dispatch_office_doctors l WHERE l.user_id = u.id))"
)
TEST = (
    "(u.email ILIKE '%@brius.com' OR u.email ILIKE '%@mechanodontics.com'"
    " OR (u.email || ' ' || u.first_name || ' ' || u.last_name)"
    " ILIKE ANY (ARRAY['%test%', '%demo%']))"
)
MIGRATABLE_DOCTOR = (
    "(SELECT u.id FROM auth_user u WHERE "
    + CANDIDATE
    + " AND NOT "
    + TEST
    + " AND NOT EXISTS (SELECT 1 FROM dispatch_patient p WHERE p.user_id = u.id))"
)
EMAIL = r"'^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$'"
USERS = "(SELECT count(*) FROM auth_user)"
CANDIDATES = "(SELECT count(*) FROM auth_user u WHERE " + CANDIDATE + ")"
LOST_PRODUCT = (
    "(SELECT id FROM dispatch_product WHERE deleted OR course_id NOT IN (1, 2, 3, 4, 7, 8))"
)


def _where(table: str, condition: str) -> str:
    return f"SELECT count(*) FILTER (WHERE {condition}), count(*) FROM {table}"


def _missing(table: str, column: str, parent: str) -> str:
    return _where(table, f"{column} NOT IN (SELECT id FROM {parent})")


def _candidates(condition: str) -> str:
    return _where(f"auth_user u WHERE {CANDIDATE}", condition)


def _excess(distinct: str, condition: str) -> str:
    return (
        f"SELECT count(*) - count(DISTINCT {distinct}), {CANDIDATES}"
        f" FROM auth_user u WHERE {CANDIDATE} AND {condition}"
    )


VALID_NOTIFICATION = (
    "send AND coalesce(btrim(template_context), '') <> '' AND recipient_id IS NOT NULL"
)


def _valid_notifications(condition: str) -> str:
    return _where(f"dispatch_notification WHERE {VALID_NOTIFICATION}", condition)


DOCTOR_AUTHORED = f"author_id IN (SELECT u.id FROM auth_user u WHERE {CANDIDATE})"
SHORT = "count(*) FILTER (WHERE char_length(btrim(text)) <= 5), count(*)"
OFFICE_KEY = ", ".join(
    f"lower(regexp_replace(btrim({c}), '\\s+', ' ', 'g'))"
    for c in ("name", "address", "city", "state", "zip")
)

# knob -> SQL returning (rows with the pathology, population the rate applies to)
MEASURES: dict[str, str] = {
    "test_account": _candidates(TEST),
    "inactive_doctor": _candidates("NOT is_active"),
    "never_logged_in": _candidates("last_login IS NULL"),
    "duplicate_email": _excess("lower(email)", f"email ~ {EMAIL}"),
    "duplicate_name": _excess(
        "(first_name, last_name)", "btrim(first_name) <> '' AND btrim(last_name) <> ''"
    ),
    "patient_doctor": _candidates(
        "EXISTS (SELECT 1 FROM dispatch_patient p WHERE p.user_id = u.id)"
    ),
    "organisation_name": _candidates("last_name LIKE 'Practice #%'"),
    "doctors_with_patients": _candidates("u.id IN (SELECT doctor_id FROM dispatch_patient)"),
    "doctors_with_offices": _candidates(
        "EXISTS (SELECT 1 FROM dispatch_office_doctors l WHERE l.user_id = u.id)"
    ),
    "multiple_groups": f"SELECT count(*), {USERS} FROM (SELECT user_id FROM auth_user_groups"
    " GROUP BY 1 HAVING count(*) > 1) g",
    "invalid_email": _where("auth_user", f"btrim(email) <> '' AND email !~ {EMAIL}"),
    "blank_email": _where("auth_user", "btrim(email) = ''"),
    "typo_email_domain": _where("auth_user", r"email ~ '@(gmial|gmai|yaho)\.com$'"),
    "blank_name": _where("auth_user", "btrim(first_name) = '' OR btrim(last_name) = ''"),
    "deleted_user": f"SELECT count(*), {USERS} FROM generate_series(1, (SELECT max(id)"
    " FROM auth_user)) g WHERE g NOT IN (SELECT id FROM auth_user)",
    "invalid_office": _where("dispatch_office", "NOT valid"),
    "null_country": _where("dispatch_office", "country IS NULL"),
    "country_variant": _where(
        "dispatch_office", "country IN ('usa', 'us', 'United States', 'U.S.A.')"
    ),
    "tax_rate_percent": _where("dispatch_office", "tax_rate >= 1"),
    "duplicate_office": "SELECT count(*) FILTER (WHERE n > 1), count(*) FILTER (WHERE n = 1)"
    f" FROM (SELECT row_number() OVER (PARTITION BY {OFFICE_KEY} ORDER BY id) AS n"
    " FROM dispatch_office) o",
    "blank_office_name": _where("dispatch_office", "btrim(name) = ''"),
    "orphan_link_office": _missing("dispatch_office_doctors", "office_id", "dispatch_office"),
    "orphan_link_user": _missing("dispatch_office_doctors", "user_id", "auth_user"),
    "archived_patient": _where("dispatch_patient", "archived"),
    "null_suffix": _where("dispatch_patient", "suffix IS NULL"),
    "blank_suffix": _where("dispatch_patient", "btrim(suffix) = ''"),
    "malformed_suffix": _where(
        "dispatch_patient", "btrim(suffix) <> '' AND suffix !~ '^[0-9A-Z]{4}$'"
    ),
    "patient_without_doctor": _where("dispatch_patient", "doctor_id IS NULL"),
    "unmigratable_doctor": _where("dispatch_patient", f"doctor_id NOT IN {MIGRATABLE_DOCTOR}"),
    "patient_without_office": _where("dispatch_patient", "office_id IS NULL"),
    "orphan_patient_office": _missing("dispatch_patient", "office_id", "dispatch_office"),
    "orphan_patient_user": _missing("dispatch_patient", "user_id", "auth_user"),
    "soft_deleted_instruction": _where("dispatch_instruction", "deleted"),
    "unknown_order_status": _where("dispatch_instruction", "status NOT IN (0, 1, 2, 4)"),
    "orphan_instruction_patient": _missing(
        "dispatch_instruction", "patient_id", "dispatch_patient"
    ),
    "unreferenced_jaw": _where(
        "dispatch_jaw j",
        "NOT EXISTS (SELECT 1 FROM dispatch_instruction i"
        " WHERE j.id IN (i.upper_jaw_id, i.lower_jaw_id))",
    ),
    "jaw_product_not_migrated": _where("dispatch_jaw", f"product_id IN {LOST_PRODUCT}"),
    "orphan_jaw_product": _missing("dispatch_jaw", "product_id", "dispatch_product"),
    "unknown_project_type": _where("dispatch_project", "type NOT IN (0, 1, 2, 3, 4, 5, 10, 11)"),
    "orphan_project_creator": _missing("dispatch_project", "creator_id", "auth_user"),
    "orphan_plan_instruction": _missing("dispatch_plan", "instruction_id", "dispatch_instruction"),
    "orphan_plan_project": _missing("dispatch_plan", "project_id", "dispatch_project"),
    "blank_comment": _where("dispatch_comment", "text IS NULL OR btrim(text) = ''"),
    "orphan_comment_author": _missing("dispatch_comment", "author_id", "auth_user"),
    "orphan_comment_plan": _missing("dispatch_comment", "plan_id", "dispatch_plan"),
    "short_feedback_comment": f"SELECT {SHORT} FROM dispatch_comment"
    f" WHERE btrim(text) <> '' AND {DOCTOR_AUTHORED}",
    "blank_note": _where("dispatch_note", "text IS NULL OR btrim(text) = ''"),
    "note_doctor_not_migrated": _where("dispatch_note", f"doctor_id NOT IN {MIGRATABLE_DOCTOR}"),
    "orphan_note_author": _missing("dispatch_note", "author_id", "auth_user"),
    "null_state_instruction": _where("dispatch_state", "instruction_id IS NULL"),
    "zero_state_instruction": _where("dispatch_state", "instruction_id = 0"),
    "orphan_state_instruction": _where(
        "dispatch_state",
        "instruction_id <> 0 AND instruction_id NOT IN (SELECT id FROM dispatch_instruction)",
    ),
    "orphan_state_actor": _missing("dispatch_state", "actor_id", "auth_user"),
    "null_task_instruction": _where("dispatch_task", "instruction_id IS NULL"),
    "orphan_task_instruction": _missing("dispatch_task", "instruction_id", "dispatch_instruction"),
    "orphan_task_actor": _missing("dispatch_task", "actor_id", "auth_user"),
    "orphan_task_template": _missing("dispatch_task", "template_id", "dispatch_template"),
    "double_extension": _where("dispatch_file", "lower(name) LIKE '%' || lower(ext) || lower(ext)"),
    "orphan_file_instruction": "SELECT count(*) FILTER (WHERE instruction_id NOT IN"
    " (SELECT id FROM dispatch_instruction)), count(instruction_id) FROM dispatch_file",
    "shared_file_uid": "SELECT (SELECT count(*) FROM (SELECT uid FROM dispatch_file GROUP BY uid"
    " HAVING count(*) > 1) d), count(instruction_id) FROM dispatch_file",
    "unknown_record_type": _where("dispatch_record", "type NOT IN (3, 4, 5, 6, 8)"),
    "orphan_record_author": _missing("dispatch_record", "author_id", "auth_user"),
    "orphan_record_target": "SELECT count(*) FILTER (WHERE (target_type_id = 11 AND target_id"
    " NOT IN (SELECT id FROM dispatch_patient)) OR (target_type_id = 58 AND target_id NOT IN"
    " (SELECT id FROM auth_user))), count(*) FROM dispatch_record WHERE target_type_id IN (11, 58)",
    "blank_record": _where("dispatch_record", "text IS NULL OR btrim(text) = ''"),
    "short_feedback_record": f"SELECT {SHORT} FROM dispatch_record"
    f" WHERE btrim(text) <> '' AND {DOCTOR_AUTHORED}",
    "orphan_attachment_record": _missing(
        "dispatch_record_attachments", "record_id", "dispatch_record"
    ),
    "orphan_attachment_file": _missing("dispatch_record_attachments", "file_id", "dispatch_file"),
    "null_payment_instruction": _where("dispatch_payment", "instruction_id IS NULL"),
    "orphan_payment_instruction": _missing(
        "dispatch_payment", "instruction_id", "dispatch_instruction"
    ),
    "offer_doctor_not_migrated": _where("dispatch_offer", f"doctor_id NOT IN {MIGRATABLE_DOCTOR}"),
    "null_offer_doctor": _where("dispatch_offer", "doctor_id IS NULL"),
    "discount_on_lost_offer": _where(
        "dispatch_discount",
        "offer_id IN (SELECT id FROM dispatch_offer WHERE doctor_id IS NULL"
        f" OR doctor_id NOT IN {MIGRATABLE_DOCTOR})",
    ),
    "notification_outside_valid": _where("dispatch_notification", f"NOT ({VALID_NOTIFICATION})"),
    "malformed_escape_context": _valid_notifications(r"""template_context ~ '\\[^"\\/bfnrtu]'"""),
    "null_context_with_template": _valid_notifications(
        "btrim(template_context) = 'null' AND btrim(template_name) <> ''"
    ),
    "invalid_unicode_context": _valid_notifications(
        r"template_context ~* '\\ud[89a-f][0-9a-f]{2}'"
    ),
    "self_reference_context": _valid_notifications("template_context LIKE '%{...}%'"),
    "orphan_notification_recipient": _valid_notifications(
        "recipient_id NOT IN (SELECT id FROM auth_user)"
    ),
    "orphan_notification_order": _valid_notifications(
        "item_type_id = 9 AND item_id NOT IN (SELECT id FROM dispatch_instruction)"
    ),
    "orphan_role_permission_permission": _missing(
        "dispatch_role_permissions", "permission_id", "auth_permission"
    ),
    "orphan_role_permission_role": _missing(
        "dispatch_role_permissions", "role_id", "dispatch_role"
    ),
    "template_product_not_migrated": _where(
        "dispatch_template_products", f"product_id IN {LOST_PRODUCT}"
    ),
    "orphan_template_junction": _where(
        "dispatch_template_view_roles",
        "template_id NOT IN (SELECT id FROM dispatch_template)"
        " OR role_id NOT IN (SELECT id FROM dispatch_role)",
    ),
    "refund_operation": _where("dispatch_operation", "type = 2"),
    "unknown_operation_type": _where("dispatch_operation", "type NOT IN (1, 2)"),
    "null_operation_payment": _where("dispatch_operation", "payment_id IS NULL"),
    "orphan_operation_payment": _missing("dispatch_operation", "payment_id", "dispatch_payment"),
    "ware_product_not_migrated": _where("dispatch_ware", f"product_id IN {LOST_PRODUCT}"),
    "null_ware_storage": _where("dispatch_ware", "storage_id IS NULL"),
    "orphan_action_user": _missing("dispatch_action", "user_id", "auth_user"),
}

# knob -> (table, column) of JSON held in text: measured with Python's own parser.
JSON_MEASURES = {
    "invalid_json_schemes": ("dispatch_patient", "schemes"),
    "invalid_json_exports": ("dispatch_instruction", "exports"),
    "invalid_json_parameters": ("dispatch_file", "parameters"),
    "invalid_json_installments": ("dispatch_payment", "installments"),
    "invalid_json_action_data": ("dispatch_action", "data"),
}


@pytest.fixture(scope="module")
def tenth(server_url: str) -> Iterator[str]:
    """One database generated at scale 0.1 (about 140,000 rows), read by every test here."""
    name = f"ferry_test_{uuid.uuid4().hex[:12]}"
    url = create_database(server_url, name)
    try:
        with psycopg.connect(url) as conn:
            install_schema(conn)
            generate(conn, scale=0.1, seed=424242)
        yield url
    finally:
        retire_database(server_url, name)


def _assert_near(knob: str, measured: int, population: int) -> None:
    rate = RATES[knob]
    expected = max(rate.minimum, rate.rate * population)
    tolerance = max(2.0, 0.15 * expected)
    assert abs(measured - expected) <= tolerance, (
        f"{knob}: {measured} of {population}, documented {rate.rate:.4%} -> {expected:.1f}"
    )


def test_every_knob_is_measured() -> None:
    assert set(MEASURES) | set(JSON_MEASURES) == set(RATES)


@pytest.mark.parametrize("knob", sorted(MEASURES))
def test_rate_measured_from_the_data(tenth: str, knob: str) -> None:
    with psycopg.connect(tenth) as conn:
        measured, population = conn.execute(MEASURES[knob]).fetchone()
    _assert_near(knob, measured, population)


def _is_json(text: str) -> bool:
    def refuse(name: str) -> None:
        raise ValueError(name)

    try:
        json.loads(text, parse_constant=refuse)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("knob", sorted(JSON_MEASURES))
def test_malformed_json_rate(tenth: str, knob: str) -> None:
    table, column = JSON_MEASURES[knob]
    query = sql.SQL("SELECT {} FROM {}").format(sql.Identifier(column), sql.Identifier(table))
    with psycopg.connect(tenth) as conn:
        values = [value for (value,) in conn.execute(query)]
    broken = sum(1 for v in values if v is not None and not _is_json(v))
    _assert_near(knob, broken, len(values))


def _orphans(conn: psycopg.Connection, fk: ForeignKey) -> set[int]:
    table, column, parent = fk.table, fk.column, fk.parent
    narrowed = (
        sql.SQL(" AND t.{} = {}").format(sql.Identifier(fk.type_column), fk.content_type)
        if fk.content_type
        else sql.SQL("")
    )
    query = sql.SQL(
        "SELECT t.id FROM {t} t LEFT JOIN {p} p ON p.id = t.{c}"
        " WHERE t.{c} IS NOT NULL AND p.id IS NULL{n}"
    ).format(
        t=sql.Identifier(table), p=sql.Identifier(parent), c=sql.Identifier(column), n=narrowed
    )
    return {row[0] for row in conn.execute(query)}


def test_orphans_are_exactly_those_the_ground_truth_lists(tenth: str) -> None:
    with psycopg.connect(tenth) as conn:
        found: dict[tuple[str, str], set[int]] = {}
        for fk in FOREIGN_KEYS:
            key = (fk.table, fk.column)
            found.setdefault(key, set()).update(_orphans(conn, fk))
        listed: dict[tuple[str, str], set[int]] = {}
        for table, column, legacy_id in conn.execute(
            "SELECT source_table, detail, legacy_id FROM synthetic.pathology WHERE class = 'orphan'"
        ):
            listed.setdefault((table, column), set()).add(legacy_id)
    assert {k: v for k, v in found.items() if v} == listed
    assert sum(len(v) for v in listed.values()) > 1_000


def test_long_tails_and_ratios_of_the_calibration_sheet(tenth: str) -> None:
    with psycopg.connect(tenth) as conn:
        median, mean, top = conn.execute(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY n), avg(n), max(n) FROM"
            " (SELECT count(*) AS n FROM dispatch_patient WHERE doctor_id IS NOT NULL"
            "  GROUP BY doctor_id) d"
        ).fetchone()
        ratios = conn.execute(
            """SELECT
                 (SELECT count(*) FROM dispatch_instruction)::float
                     / (SELECT count(*) FROM dispatch_patient),
                 (SELECT count(*) FROM dispatch_jaw)::float
                     / (SELECT count(*) FROM dispatch_instruction),
                 (SELECT count(*) FROM dispatch_task)::float
                     / (SELECT count(*) FROM dispatch_instruction),
                 (SELECT count(*) FILTER (WHERE instruction_id IS NULL)::float / count(*)
                  FROM dispatch_file),
                 (SELECT count(*) FILTER (WHERE type = 3)::float / count(*) FROM dispatch_project),
                 (SELECT avg(n) FROM (SELECT count(*) AS n FROM dispatch_plan
                                      GROUP BY project_id) p),
                 (SELECT count(*) FILTER (WHERE status = 11)::float / count(*) FROM dispatch_state),
                 (SELECT count(*) FILTER (WHERE target_type_id IN (11, 58))::float / count(*)
                  FROM dispatch_record),
                 (SELECT count(*)::float / (SELECT count(*) FROM dispatch_instruction)
                  FROM dispatch_payment)
            """
        ).fetchone()
        per_year = [
            n for (_, n) in conn.execute(
                "SELECT extract(year FROM submitted_at) AS y, count(*) FROM dispatch_instruction"
                " WHERE submitted_at >= '2018-01-01' AND submitted_at < '2025-01-01'"
                " GROUP BY y ORDER BY y"
            )
        ]  # fmt: skip
    assert 2 <= median <= 8 and 10 <= mean <= 30 and top >= 5 * mean
    orders, jaws, tasks, no_instruction, type3, plans_per_project, eleven, messages, paid = ratios
    assert 2.6 <= orders <= 3.4 and 1.6 <= jaws <= 1.8 and 30 <= tasks <= 36
    assert 0.45 <= no_instruction <= 0.55 and 0.45 <= type3 <= 0.6 and plans_per_project > 1.5
    assert 0.5 <= eleven <= 0.6 and 0.8 <= messages <= 0.9 and 0.6 <= paid <= 0.8
    assert len(per_year) == 7 and per_year == sorted(per_year)  # growth, 2018 to 2024


def test_customer_feedback_volume(tenth: str) -> None:
    with psycopg.connect(tenth) as conn:
        seen = conn.execute(
            "SELECT sum(seen) FROM synthetic.expected_total WHERE entity = 'customer_feedback'"
        ).fetchone()[0]
    assert 1_700 <= seen <= 2_600  # about 21,600 at scale 1.0
