"""Hostile source data: the edge values a legacy column can hold go through `ferry migrate all`
and `ferry validate final` without a crash, a lost row, a value altered silently, or a
quarantine message (or output) that quotes a value.

One module fixture copies the small legacy template and plants values: in rows the generator's
ground truth says migrate as is (so that whatever happens to them is the planted value's doing),
chosen away from each other's cascades; and, in one row of every legacy table, every nullable
column NULL and every NOT NULL text ''. It migrates and validates once; the tests read what
that left. Each planted text carries a marker (⟪name⟫) that no message of ferry may contain.
"""

from __future__ import annotations

import json
import random
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from ferry.brius.catalogue import CATALOGUE
from ferry.catalog.spec import Entity
from ferry.engine.source import keys_query
from tests.cli.runner import Result, run_ferry
from tests.databases import create_database, retire_database
from tests.e2e.helpers import status_json

# --- the values -------------------------------------------------------------------------------


def marked(name: str, text: str) -> str:
    return f"⟪{name}⟫{text}"


# One character of every Unicode plane, emoji, CJK, right-to-left text and bidi controls, a
# byte order mark, a tag character, a combining accent, the replacement character, U+10FFFF.
PLANES = marked(
    "planes",
    "".join(chr(plane << 16 | 0x4E2D) for plane in range(17))
    + " \U0001f600\U0001f9b7 漢字かな한글 עברית العربية \u200f\u202e\u2066x\u2069 \U00020bb7"
    " \ufeff \U000e0001 e\u0301 \ufffd \U0010ffff",
)
# Every C0 control but NUL (text cannot hold it), DEL, C1 NEL, line separators, and what COPY's
# text format escapes: backslashes, a backslash-N (its NULL), a backslash-dot (its end).
CONTROLS = marked(
    "controls",
    "".join(map(chr, range(1, 32))) + "\x7f\x85\u2028 \\ \\\\ \\N \\. \\t \r\n\t end",
)
# Text that looks like escapes, surrogates, placeholders or format strings.
ESCAPES = marked(
    "escapes", r" \ud800 \udfff \u0000 \x00 \000 %s %(x)s {0} ${x} $1 E'\n' \' \\N" + ' "\\"'
)
SQLISH = marked("sql", "'); DROP TABLE auth_user; -- \"; DELETE FROM ferry.quarantine; /* $$ $a$")
WHITESPACE = " \t\r\n "
MEGABYTE = (marked("megabyte", PLANES + CONTROLS + ESCAPES + SQLISH) * 4000)[:1_000_000]

DEEP_OBJECT = '{"a": ' * 99 + '["⟪deep⟫"]' + "}" * 99  # 100 levels
DEEP_ARRAY = "[" * 99 + '{"⟪deep⟫": [1.5, -0, 1e3]}' + "]" * 99
MALFORMED_JSON = '{"⟪malformed⟫": [1, 2,'
SURROGATE_JSON = '{"⟪surrogate⟫": "\\ud800"}'  # PostgreSQL refuses a lone surrogate escape
NUL_JSON = '{"⟪nul⟫": "\\u0000"}'  # jsonb cannot hold NUL, not even escaped
HUGE_JSON = '{"⟪huge⟫": 1e999999}'  # beyond numeric
NUMBERS_JSON = (
    '{"⟪numbers⟫": [9.9e131071, 1e-16383, 0e200000, -0, 123456789012345678901234567890.5]}'
)


def wide(length: int, seed: int) -> str:
    """Characters of the supplementary planes (4 bytes each in UTF-8), barely compressible."""
    chosen = random.Random(seed)
    return "".join(chr(chosen.randrange(0x10000, 0x110000)) for _ in range(length))


# Values that must appear in no quarantine message and no output of ferry.
DISTINCT = ("⟪", "hostile.user", "31337", "DROP TABLE", "99999999.99", "12345678901", "1.005")

# --- what is planted where --------------------------------------------------------------------

# Conditions keeping a chosen row out of the cascades of other planted rows (the ids of planted
# patients, instructions and offers are the parameters).
INSTRUCTION_FREE = "t.patient_id <> ALL(%(patients)s)"
ORDER_FREE = (
    "t.instruction_id <> ALL(%(instructions)s) AND (SELECT i.patient_id FROM"
    " dispatch_instruction i WHERE i.id = t.instruction_id) <> ALL(%(patients)s)"
)
PAID = ORDER_FREE + " AND t.paid AND NOT t.canceled AND t.total_price > 0"
PLAN_FREE = (
    "(SELECT i.id FROM dispatch_plan pl JOIN dispatch_instruction i ON i.id = pl.instruction_id"
    " WHERE pl.id = t.plan_id) <> ALL(%(instructions)s) AND (SELECT i.patient_id FROM"
    " dispatch_plan pl JOIN dispatch_instruction i ON i.id = pl.instruction_id"
    " WHERE pl.id = t.plan_id) <> ALL(%(patients)s)"
)
OFFER_FREE = "t.offer_id <> ALL(%(offers)s)"
# Tables whose planted rows others keep away from, by the parameter naming them.
CASCADING = {"dispatch_patient": "patients", "dispatch_instruction": "instructions"}
CASCADING["dispatch_offer"] = "offers"


@dataclass(frozen=True)
class Plant:
    """Values written into one legacy row; what entities owe it; what must arrive unchanged.

    `owed`: entity -> `migrated`, `migrated:<fix>`, `quarantined:<reason>` or `skipped:<rule>`.
    `same`: (entity, expression over the source row, expression over the target row) that
    must be equal (the target row is the one the entity's mapping points at).
    """

    table: str
    values: dict[str, str | None]
    owed: dict[str, str] = field(default_factory=dict)
    same: tuple[tuple[str, str, str], ...] = ()
    where: str = "true"


def texts(
    entity: str, pairs: tuple[tuple[str, str], ...], *others: tuple[str, str, str]
) -> tuple[tuple[str, str, str], ...]:
    """`same` comparisons: pairs of one entity, then comparisons of other entities."""
    return (*((entity, source, target) for source, target in pairs), *others)


PLANTS = (
    Plant(
        "auth_user",
        {
            "first_name": "",
            "last_name": PLANES[:150],
            "email": "hostile.user@example.com\n",
            "password": CONTROLS[:128],
            "username": SQLISH,
            "last_login": "infinity",
            "date_joined": "-infinity",
        },
        {"profiles": "migrated:email_trimmed"},
        texts(
            "profiles",
            (
                ("'Unknown'", "first_name"),
                ("last_name", "last_name"),
                ("rtrim(email, E'\\n')", "email"),
                ("password", "password_hash"),
                ("username", "username"),
                ("last_login::text", "last_login_at::text"),
                ("date_joined::text", "date_joined::text"),
            ),
        ),
    ),
    Plant(
        "auth_user",
        {
            "first_name": ESCAPES,
            "email": "",
            "last_login": "0001-01-01 00:00:00+00",
            "date_joined": "9999-12-31 23:59:59.999999+00",
        },
        {"profiles": "migrated:empty_string_null"},
        texts(
            "profiles",
            (
                ("first_name", "first_name"),
                ("last_login::text", "last_login_at::text"),
                ("date_joined::text", "date_joined::text"),
            ),
        ),
    ),
    Plant(
        "dispatch_patient",
        {
            "birthdate": "infinity",
            "submitted_at": "-infinity",
            "updated_at": "infinity",
            "schemes": DEEP_OBJECT,
        },
        {"patients": "migrated", "cases": "migrated"},
        texts(
            "patients",
            (
                ("birthdate::text", "date_of_birth::text"),
                ("submitted_at::text", "enrolled_at::text"),
                ("schemes::jsonb", "schemes"),
            ),
            ("cases", "updated_at::text", "metadata->>'updated_at'"),
        ),
    ),
    Plant(
        "dispatch_patient",
        {"status": None, "sex": None, "birthdate": "0001-01-01", "schemes": MALFORMED_JSON},
        {"patients": "migrated:invalid_json_kept_raw", "cases": "quarantined:unknown_code"},
        texts(
            "patients",
            (
                ("birthdate::text", "date_of_birth::text"),
                ("jsonb_build_object('raw', schemes)", "schemes"),
            ),
        ),
    ),
    Plant(
        "dispatch_patient",
        {
            "birthdate": "9999-12-31",
            "submitted_at": "0001-01-01 00:00:00+00 BC",
            "schemes": SURROGATE_JSON,
        },
        {"patients": "migrated:invalid_json_kept_raw", "cases": "migrated"},
        texts(
            "patients",
            (
                ("birthdate::text", "date_of_birth::text"),
                ("submitted_at::text", "enrolled_at::text"),
                ("jsonb_build_object('raw', schemes)", "schemes"),
            ),
        ),
    ),
    Plant(
        "dispatch_patient",
        {"birthdate": "-infinity", "schemes": HUGE_JSON},
        {"patients": "migrated:invalid_json_kept_raw"},
        texts("patients", (("jsonb_build_object('raw', schemes)", "schemes"),)),
    ),
    Plant(
        "dispatch_instruction",
        {
            "notes": MEGABYTE,
            "complaint": CONTROLS,
            "conditions": PLANES,
            "scanner_notes": SQLISH,
            "exports": DEEP_ARRAY,
            "price": "99999999.99",
            "submitted_at": "infinity",
        },
        {"orders": "migrated"},
        texts(
            "orders",
            (
                ("notes", "notes"),
                ("complaint", "complaint"),
                ("conditions", "metadata->>'conditions'"),
                ("scanner_notes", "metadata->>'scanner_notes'"),
                ("exports::jsonb", "exports"),
                ("price::text", "amount::text"),
                ("submitted_at::text", "submitted_at::text"),
            ),
        ),
        INSTRUCTION_FREE,
    ),
    Plant(
        "dispatch_instruction",
        {"price": "NaN", "notes": ""},
        {"orders": "quarantined:invalid_amount"},
        where=INSTRUCTION_FREE,
    ),
    Plant(
        "dispatch_instruction",
        {"price": "-0.01"},
        {"orders": "quarantined:constraint:orders_amount_nonnegative"},
        where=INSTRUCTION_FREE,
    ),
    Plant(
        "dispatch_instruction",
        {"status": "31337"},
        {"orders": "quarantined:unknown_code"},
        where=INSTRUCTION_FREE,
    ),
    Plant(
        "dispatch_instruction",
        {"exports": NUL_JSON, "notes": ESCAPES, "price": "0.00", "updated_at": "-infinity"},
        {"orders": "migrated:invalid_json_kept_raw"},
        texts(
            "orders",
            (("notes", "notes"), ("jsonb_build_object('raw', exports)", "exports")),
        ),
        INSTRUCTION_FREE,
    ),
    Plant(
        "dispatch_instruction",
        {"exports": NUMBERS_JSON, "complaint": WHITESPACE},
        {"orders": "migrated"},
        texts("orders", (("exports::jsonb", "exports"), ("complaint", "complaint"))),
        INSTRUCTION_FREE,
    ),
    Plant(
        "dispatch_task",
        {"text": CONTROLS + ESCAPES, "done_at": "infinity", "jaw": "32767"},
        {"tasks": "migrated"},
        texts(
            "tasks",
            (
                ("text", "description"),
                ("done_at::text", "completed_at::text"),
                ("jaw::text", "jaw_specification::text"),
            ),
        ),
        ORDER_FREE,
    ),
    Plant(
        "dispatch_task",
        {"text": "", "done_at": "0001-01-01 00:00:00+00"},
        {"tasks": "migrated"},
        texts("tasks", (("text", "description"), ("done_at::text", "completed_at::text"))),
        ORDER_FREE,
    ),
    Plant(
        "dispatch_task",
        {"jaw": "2147483647"},  # beyond the target's smallint: the target refuses the row
        {"tasks": "quarantined:refused:NumericValueOutOfRange"},
        where=ORDER_FREE,
    ),
    Plant(
        "dispatch_file",
        {
            "name": PLANES[:200] + ".stl.STL",
            "ext": ".stl",
            "parameters": DEEP_OBJECT,
            "size": "9223372036854775807",
            "created_at": "infinity",
        },
        {
            "files": "migrated:double_extension_stripped",
            "order_files": "migrated",
            "case_files": "migrated",
        },
        texts(
            "files",
            (
                ("left(name, -4)", "filename"),
                ("size::text", "file_size_bytes::text"),
                ("created_at::text", "uploaded_at::text"),
                ("parameters::jsonb", "metadata->'parameters'"),
            ),
            ("order_files", "created_at::text", "uploaded_at::text"),
        ),
        "t.instruction_id IS NOT NULL AND " + ORDER_FREE,
    ),
    Plant(
        "dispatch_file",
        {"name": CONTROLS, "ext": "", "parameters": NUL_JSON},
        {"files": "migrated:invalid_json_kept_raw"},
        texts(
            "files",
            (
                ("name", "filename"),
                ("ext", "file_type"),
                ("jsonb_build_object('raw', parameters)", "metadata->'parameters'"),
            ),
        ),
        "t.instruction_id IS NULL",
    ),
    Plant(
        "dispatch_file",
        {"parameters": ""},
        {"files": "migrated:empty_string_null"},
        texts("files", (("'null'::jsonb", "metadata->'parameters'"),)),
        "t.instruction_id IS NULL",
    ),
    *(
        Plant(
            "dispatch_comment",
            {"text": text},
            {"comments": "migrated", "case_messages": "migrated"},
            (("comments", "text", "content"), ("case_messages", "text", "content")),
            PLAN_FREE,
        )
        for text in (MEGABYTE, CONTROLS, PLANES, ESCAPES, SQLISH, WHITESPACE)
    ),
    Plant(
        "dispatch_comment",
        {"text": ""},
        {"comments": "skipped:blank_text", "case_messages": "skipped:blank_text"},
        where=PLAN_FREE,
    ),
    Plant(
        "dispatch_note",
        {"text": SQLISH + PLANES},
        {"note_comments": "migrated"},
        (("note_comments", "text", "content"),),
    ),
    Plant(
        "dispatch_record",
        {"text": MEGABYTE, "public": None},
        {"messages": "migrated"},
        (("messages", "text", "content"), ("messages", "public IS NULL", "is_public IS NULL")),
        "t.target_type_id = 11",
    ),
    Plant(
        "dispatch_record",
        {"text": PLANES + CONTROLS},
        {"team_communications": "migrated"},
        (("team_communications", "text", "body"),),
        "t.target_type_id NOT IN (11, 58)",
    ),
    Plant(
        "dispatch_payment",
        {
            "tax_value": "99999999.99",
            "installments": MALFORMED_JSON,
            "made_at": "infinity",
            "tax_rate": "NaN",
            "custom_price": None,
        },
        {"payments": "migrated:invalid_json_kept_raw", "purchases": "migrated"},
        texts(
            "payments",
            (
                ("tax_value::text", "tax_amount::text"),
                ("made_at::text", "processed_at::text"),
                ("to_jsonb(tax_rate)", "metadata->'tax_rate'"),
                ("jsonb_build_object('raw', installments)", "metadata->'installments'"),
            ),
            ("purchases", "made_at::text", "purchased_at::text"),
        ),
        PAID,
    ),
    Plant(
        "dispatch_payment",
        {"total_price": "NaN"},
        {"payments": "quarantined:invalid_amount", "purchases": "quarantined:invalid_amount"},
        where=PAID,
    ),
    Plant(
        "dispatch_payment",
        {"subtotal_price": "-12.34"},
        {"payments": "quarantined:constraint:payments_amounts_nonnegative"},
        where=ORDER_FREE,
    ),
    Plant(
        "dispatch_payment",
        {"tax_value": "1.005"},  # a fraction of a cent (the column is widened to numeric)
        {"payments": "quarantined:invalid_amount"},
        where=ORDER_FREE,
    ),
    Plant(
        "dispatch_payment",
        {"total_price": "12345678901.23"},  # too large for the target (widened column)
        {"payments": "quarantined:invalid_amount", "purchases": "quarantined:invalid_amount"},
        where=PAID,
    ),
    Plant("dispatch_offer", {"price_both": "NaN"}, {"offers": "quarantined:invalid_amount"}),
    Plant(
        "dispatch_offer",
        {"price_lower": "-0.01"},
        {"offers": "quarantined:constraint:offers_prices_nonnegative"},
    ),
    Plant(
        "dispatch_offer",
        {"price_both": "99999999.99", "price_upper": "0.00"},
        {"offers": "migrated"},
        texts(
            "offers",
            (("price_both::text", "price_both::text"), ("price_upper::text", "price_upper::text")),
        ),
    ),
    Plant(
        "dispatch_discount",
        {"percent": "NaN"},
        {"discounts": "quarantined:constraint:discounts_percentage_range"},
        where=OFFER_FREE,
    ),
    Plant(
        "dispatch_discount",
        {"start": "-infinity", "finish": "infinity", "reason": CONTROLS},
        {"discounts": "migrated"},
        texts(
            "discounts",
            (
                ("start::text", "valid_from::text"),
                ("finish::text", "valid_until::text"),
                ("reason", "name"),
            ),
        ),
        OFFER_FREE,
    ),
    Plant(
        "dispatch_discount",
        {"start": "0001-01-01", "finish": "9999-12-31", "reason": ""},
        {"discounts": "migrated"},
        texts("discounts", (("start::text", "valid_from::text"), ("reason", "name"))),
        OFFER_FREE,
    ),
    Plant("dispatch_office", {"tax_rate": "NaN"}, {"offices": "quarantined:invalid_tax_rate"}),
    Plant(
        "dispatch_office",
        {
            "name": wide(255, 1),
            "address": wide(255, 2),
            "city": wide(128, 3),
            "state": wide(64, 4),
            "zip": wide(32, 5),
            "country": PLANES[:64],
        },
        {"offices": "migrated"},
        texts("offices", (("name", "name"), ("address", "address"), ("country", "country"))),
    ),
    Plant(
        "dispatch_project",
        {"name": CONTROLS, "size": "9223372036854775807", "created_at": "-infinity"},
        {"projects": "migrated"},
        texts(
            "projects",
            (
                ("name", "name"),
                ("size::text", "file_size_bytes::text"),
                ("created_at::text", "created_at::text"),
            ),
        ),
    ),
    Plant(
        "dispatch_state",
        {"changed_at": "infinity"},
        {"order_states": "migrated", "case_states": "migrated"},
        (
            ("order_states", "changed_at::text", "changed_at::text"),
            ("case_states", "changed_at::text", "changed_at::text"),
        ),
        ORDER_FREE,
    ),
)

# Columns widened so that amounts the legacy numeric(10, 2) could not hold can be planted.
WIDENED = (
    "ALTER TABLE dispatch_payment ALTER COLUMN tax_value TYPE numeric,"
    " ALTER COLUMN total_price TYPE numeric"
)

# --- planting -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planted:
    plant: Plant | None  # None: a row of the NULL-and-empty sweep
    table: str
    legacy_id: int


def clean_row(
    conn: psycopg.Connection, table: str, where: str, params: dict, descending: bool = False
) -> int:
    """A row the ground truth says migrates as is, not taken yet, satisfying `where`."""
    query = sql.SQL(
        "SELECT t.id FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM synthetic.expected_outcome e"
        " WHERE e.source_table = {name} AND e.legacy_id = t.id) AND t.id <> ALL(%(taken)s)"
        " AND ({where}) ORDER BY t.id {order} LIMIT 1"
    ).format(
        table=sql.Identifier(table),
        name=sql.Literal(table),
        where=sql.SQL(where),
        order=sql.SQL("DESC" if descending else "ASC"),
    )
    row = conn.execute(query, {**params, "taken": params["taken"].get(table, [0])}).fetchone()
    assert row is not None, f"no clean row of {table} where {where}"
    return row[0]


def write(conn: psycopg.Connection, table: str, legacy_id: int, values: dict) -> None:
    assignments = sql.SQL(", ").join(
        sql.SQL("{} = %s").format(sql.Identifier(column)) for column in values
    )
    conn.execute(
        sql.SQL("UPDATE {} SET {} WHERE id = %s").format(sql.Identifier(table), assignments),
        [*values.values(), legacy_id],
    )


def emptied(conn: psycopg.Connection, table: str) -> dict[str, str | None]:
    """Every nullable column NULL, every NOT NULL text column ''."""
    columns = conn.execute(
        "SELECT column_name, is_nullable = 'YES', data_type IN ('text', 'character varying')"
        " FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s"
        " AND column_name <> 'id'",
        (table,),
    ).fetchall()
    return {name: None if nullable else "" for name, nullable, text in columns if nullable or text}


def plant_everything(conn: psycopg.Connection) -> list[Planted]:
    tables = [  # the tables with rows: dispatch_purchase, say, is empty in the lab too
        name
        for (name,) in conn.execute(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public'"
            " AND column_name = 'id' ORDER BY 1"
        ).fetchall()
        if conn.execute(
            sql.SQL("SELECT EXISTS (SELECT FROM {})").format(sql.Identifier(name))
        ).fetchone()[0]
    ]
    params: dict = {"taken": {}, "patients": [0], "instructions": [0], "offers": [0]}
    planted: list[Planted] = []

    def take(plant: Plant | None, table: str, legacy_id: int) -> None:
        params["taken"].setdefault(table, [0]).append(legacy_id)
        if table in CASCADING:
            params[CASCADING[table]].append(legacy_id)
        planted.append(Planted(plant, table, legacy_id))

    for table in tables:
        values = emptied(conn, table)
        if values:
            legacy_id = clean_row(conn, table, "true", params, descending=True)
            write(conn, table, legacy_id, values)
            take(None, table, legacy_id)
    conn.execute(WIDENED)
    for plant in PLANTS:
        legacy_id = clean_row(conn, plant.table, plant.where, params)
        write(conn, plant.table, legacy_id, plant.values)
        take(plant, plant.table, legacy_id)
    conn.commit()
    return planted


# --- the run ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HostileRun:
    env: dict[str, str]
    planted: list[Planted]
    migrate: Result
    validate: Result
    cwd: Path


@pytest.fixture(scope="module")
def hostile(
    server_url: str, legacy_template: str, target_template: str, tmp_path_factory
) -> Iterator[HostileRun]:
    names = [f"ferry_hostile_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("src", "tgt")]
    env = {
        "FERRY_SOURCE_URL": create_database(server_url, names[0], legacy_template),
        "FERRY_TARGET_URL": create_database(server_url, names[1], target_template),
    }
    with psycopg.connect(env["FERRY_SOURCE_URL"]) as conn:
        planted = plant_everything(conn)
    cwd = tmp_path_factory.mktemp("hostile")
    migrate = run_ferry("migrate", "all", cwd=cwd, env=env, timeout=300)
    validate = run_ferry("validate", "final", "--json", cwd=cwd, env=env, timeout=300)
    yield HostileRun(env, planted, migrate, validate, cwd)
    for name in names:
        retire_database(server_url, name)


def entities_reading(table: str) -> list[Entity]:
    return [e for e in CATALOGUE.entities.values() if e.source_table == table]


def outcomes(target: psycopg.Connection, entity: str, legacy_id: int) -> list[str]:
    """Every record of one legacy id for one entity: mapping, open quarantine, skip."""
    found = [
        f"migrated:{','.join(notes)}"
        for (notes,) in target.execute(
            "SELECT notes FROM ferry.migration_mappings WHERE entity = %s AND legacy_id = %s",
            (entity, legacy_id),
        )
    ]
    found += [
        f"quarantined:{reason}"
        for (reason,) in target.execute(
            "SELECT reason FROM ferry.quarantine WHERE entity = %s AND legacy_id = %s"
            " AND NOT resolved",
            (entity, legacy_id),
        )
    ]
    found += [
        f"skipped:{rule}"
        for (rule,) in target.execute(
            "SELECT rule FROM ferry.skipped WHERE entity = %s AND legacy_id = %s",
            (entity, legacy_id),
        )
    ]
    return found


def planted_reads(run: HostileRun) -> list[Entity]:
    """The entities reading a table that has a planted row."""
    return [e for table in sorted({p.table for p in run.planted}) for e in entities_reading(table)]


def owes(owed: str, found: str) -> bool:
    """`migrated` owes a mapping; `migrated:<fix>` one with that fix; others are exact."""
    if owed == "migrated":
        return found.startswith("migrated:")
    if owed.startswith("migrated:"):
        return found.startswith("migrated:") and owed[9:] in found[9:].split(",")
    return owed == found


# --- the tests ----------------------------------------------------------------------------------


def test_migrate_and_validate_finish_without_a_crash(hostile: HostileRun) -> None:
    assert hostile.migrate.exit_code == 0, hostile.migrate.output[-3000:]
    assert hostile.validate.exit_code == 0, hostile.validate.output[-3000:]
    for result in (hostile.migrate, hostile.validate):
        assert "Traceback" not in result.output
        for value in DISTINCT:
            assert value not in result.output, value


def test_the_accounting_equation_holds_for_every_entity(hostile: HostileRun) -> None:
    entries = {e["entity"]: e for e in status_json(hostile.cwd, hostile.env)}
    assert set(entries) == set(CATALOGUE.entities)
    for entry in entries.values():
        assert entry["state"] == "completed", entry
        assert entry["source_rows"] == (
            entry["migrated"] + entry["quarantined"] + entry["skipped"]
        ), entry


def test_validate_verifies_every_migrated_row(hostile: HostileRun) -> None:
    document = json.loads(hostile.validate.stdout)
    for entity in document["entities"]:
        assert entity["status"] == "passed", entity
        assert entity["verified"] == entity["migrated"], entity


def test_every_planted_row_has_exactly_its_owed_outcome(hostile: HostileRun) -> None:
    wrong = []
    with (
        psycopg.connect(hostile.env["FERRY_SOURCE_URL"]) as source,
        psycopg.connect(hostile.env["FERRY_TARGET_URL"]) as target,
    ):
        read = {
            e.name: {k for (k,) in source.execute(keys_query(e))} for e in planted_reads(hostile)
        }
        for item in hostile.planted:
            for entity in entities_reading(item.table):
                found = outcomes(target, entity.name, item.legacy_id)
                expected_count = 1 if item.legacy_id in read[entity.name] else 0
                owed = item.plant.owed.get(entity.name) if item.plant else None
                if len(found) != expected_count or (owed and not owes(owed, found[0])):
                    wrong.append((item.table, item.legacy_id, entity.name, owed, found))
    assert not wrong, wrong


# A reason names a rule, a code map or a reference with nothing behind it (unknown_*), a missing
# parent, a target constraint, or the class of error with which the target refused a value (its
# message names the table and the SQLSTATE).
ACTIONABLE = re.compile(
    r"(unknown_[a-z_]+|unclassified_role_type|duplicate_of_unmigrated|invalid_[a-z_]+"
    r"|missing_parent:[a-z_]+|constraint:[a-z0-9_]+|refused:[A-Za-z]+)\Z"
)


def test_quarantine_reasons_are_actionable_and_messages_quote_no_value(
    hostile: HostileRun,
) -> None:
    with psycopg.connect(hostile.env["FERRY_TARGET_URL"]) as target:
        entries = target.execute(
            "SELECT entity, legacy_id, reason, message FROM ferry.quarantine WHERE NOT resolved"
        ).fetchall()
    planted = {(p.table, p.legacy_id) for p in hostile.planted}
    tables = {e.name: e.source_table for e in CATALOGUE.entities.values()}
    assert {(tables[entity], legacy_id) for entity, legacy_id, *_ in entries} & planted
    for entity, legacy_id, reason, message in entries:
        assert ACTIONABLE.match(reason), (entity, legacy_id, reason, message)
        assert message and message.isprintable(), (entity, legacy_id, reason)
        if reason.startswith("refused:"):
            assert "SQLSTATE" in message and "public." in message, (entity, legacy_id, message)
        for value in DISTINCT:
            assert value not in message, (entity, legacy_id, reason)
    # A value its column's type refuses: the message names the column (PostgreSQL does not).
    out_of_range = [m for _, _, r, m in entries if r == "refused:NumericValueOutOfRange"]
    assert out_of_range and all("column jaw_specification" in m for m in out_of_range)


def test_planted_values_arrive_unchanged(hostile: HostileRun) -> None:
    """Independently of validate (which re-applies ferry's own transforms): the target holds
    what the source holds, compared as PostgreSQL's text of each value (jsonb's is canonical)."""
    compared, wrong = 0, []
    with (
        psycopg.connect(hostile.env["FERRY_SOURCE_URL"]) as source,
        psycopg.connect(hostile.env["FERRY_TARGET_URL"]) as target,
    ):
        for item in hostile.planted:
            for name, source_expr, target_expr in item.plant.same if item.plant else ():
                entity = CATALOGUE.entities[name]
                expected = source.execute(
                    sql.SQL("SELECT ({})::text FROM {} WHERE id = %s").format(
                        sql.SQL(source_expr), sql.Identifier(item.table)
                    ),
                    (item.legacy_id,),
                ).fetchone()
                actual = target.execute(
                    sql.SQL(
                        "SELECT ({})::text FROM {} WHERE id = (SELECT new_id FROM"
                        " ferry.migration_mappings"
                        " WHERE entity = %s AND legacy_id = %s)"
                    ).format(sql.SQL(target_expr), sql.Identifier(entity.target)),
                    (name, item.legacy_id),
                ).fetchone()
                compared += 1
                if expected is None or actual != expected:
                    wrong.append((name, item.legacy_id, source_expr, target_expr))
    assert compared == sum(len(plant.same) for plant in PLANTS)
    assert not wrong, wrong
