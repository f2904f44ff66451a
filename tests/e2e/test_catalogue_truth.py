"""`ferry migrate all` on scale 0.05 legacy data owes every row the outcome the generator's
ground truth (schema `synthetic`) records for it, and every amount to the cent.

One migration serves the whole module (it is what is under test; the tests only read it).
The ground truth is keyed by (inventory entity, source table); a ferry entity reports as one
inventory entity and reads one source table, and several ferry entities may share a key.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from ferry.brius import docs
from ferry.brius.catalogue import CATALOGUE
from tests.cli.runner import run_ferry
from tests.databases import create_database, retire_database
from tests.e2e.helpers import status_json

GROUPS: dict[tuple[str, str], list[str]] = defaultdict(list)
for _entity in CATALOGUE.entities.values():
    GROUPS[(_entity.inventory_name, _entity.source_table)].append(_entity.name)
INVENTORY = {e.name: e.inventory_name for e in CATALOGUE.entities.values()}

Outcome = tuple[str, str | None]


@pytest.fixture(scope="module")
def migrated(
    server_url: str, legacy_template_catalogue: str, migrated_template_catalogue: str
) -> Iterator[dict[str, str]]:
    """Copies of the 0.05 legacy database and of its target after `ferry migrate all`."""
    names = [f"ferry_truth_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("src", "tgt")]
    env = {
        "FERRY_SOURCE_URL": create_database(server_url, names[0], legacy_template_catalogue),
        "FERRY_TARGET_URL": create_database(server_url, names[1], migrated_template_catalogue),
    }
    yield env
    for name in names:
        retire_database(server_url, name)


def normalised(reason: str) -> str:
    """ferry names the parent entity that holds the key space (`note_comments`); the ground
    truth names the inventory entity it fills (`comments`)."""
    kind, _, parent = reason.partition(":")
    if kind == "missing_parent":
        return f"{kind}:{INVENTORY.get(parent, parent)}"
    return reason


def ferry_outcomes(
    target: psycopg.Connection, names: list[str]
) -> tuple[set[int], dict[int, Outcome], dict[int, frozenset[str]]]:
    """Keys seen, the outcome of every row not migrated as is, and the fixes of fixed rows."""
    seen: set[int] = set()
    outcomes: dict[int, Outcome] = {}
    fixes: dict[int, frozenset[str]] = {}
    for legacy_id, notes in target.execute(
        "SELECT legacy_id, notes FROM ferry.migration_mappings WHERE entity = ANY(%s)", (names,)
    ):
        seen.add(legacy_id)
        if notes:
            outcomes[legacy_id] = ("fix", None)
            fixes[legacy_id] = frozenset(notes)
    for legacy_id, reason in target.execute(
        "SELECT legacy_id, reason FROM ferry.quarantine WHERE entity = ANY(%s) AND NOT resolved",
        (names,),
    ):
        seen.add(legacy_id)
        outcomes[legacy_id] = ("quarantine", normalised(reason))
    for legacy_id, rule in target.execute(
        "SELECT legacy_id, rule FROM ferry.skipped WHERE entity = ANY(%s)", (names,)
    ):
        seen.add(legacy_id)
        outcomes[legacy_id] = ("skip", rule)
    return seen, outcomes, fixes


def owed_outcomes(
    source: psycopg.Connection, key: tuple[str, str]
) -> tuple[dict[int, Outcome], dict[int, frozenset[str]]]:
    outcomes = {
        legacy_id: (outcome, reason)
        for legacy_id, outcome, reason in source.execute(
            "SELECT legacy_id, outcome, reason FROM synthetic.expected_outcome"
            " WHERE entity = %s AND source_table = %s",
            key,
        )
    }
    fixes: dict[int, set[str]] = defaultdict(set)
    for legacy_id, fix in source.execute(
        "SELECT legacy_id, fix FROM synthetic.expected_fix WHERE entity = %s AND source_table = %s",
        key,
    ):
        fixes[legacy_id].add(fix)
    return outcomes, {k: frozenset(v) for k, v in fixes.items()}


def differences(owed: dict, found: dict) -> list[str]:
    keys = sorted(k for k in owed.keys() | found.keys() if owed.get(k) != found.get(k))
    return [f"{k}: owed {owed.get(k)}, got {found.get(k)}" for k in keys]


@pytest.mark.parametrize("workflow", sorted(CATALOGUE.workflows))
def test_plan_shows_the_phases_of_every_seed_workflow(tmp_path: Path, workflow: str) -> None:
    result = run_ferry("plan", workflow, "--json", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    phases = [phase["entities"] for phase in json.loads(result.stdout)["phases"]]
    planned = [name for phase in phases for name in phase]
    assert sorted(planned) == sorted(CATALOGUE.with_dependencies(CATALOGUE.resolve(workflow)))
    if workflow == "all":
        assert len(phases) > 1 and set(planned) == set(CATALOGUE.entities)


def test_the_catalogue_covers_every_ground_truth_entity(migrated: dict[str, str]) -> None:
    with psycopg.connect(migrated["FERRY_SOURCE_URL"]) as source:
        owed = set(source.execute("SELECT entity, source_table FROM synthetic.expected_total"))
    assert owed == set(GROUPS)


@pytest.mark.parametrize("key", sorted(GROUPS), ids=lambda k: f"{k[0]}<-{k[1]}")
def test_every_row_gets_its_owed_outcome(migrated: dict[str, str], key: tuple[str, str]) -> None:
    names = GROUPS[key]
    with (
        psycopg.connect(migrated["FERRY_SOURCE_URL"]) as source,
        psycopg.connect(migrated["FERRY_TARGET_URL"]) as target,
    ):
        owed, owed_fixes = owed_outcomes(source, key)
        seen, found, found_fixes = ferry_outcomes(target, names)
        total = source.execute(
            "SELECT seen, migrated, fixed, skipped, quarantined FROM synthetic.expected_total"
            " WHERE entity = %s AND source_table = %s",
            key,
        ).fetchone()
    wrong = differences(owed, found)
    assert not wrong, f"{key} ({', '.join(names)}): {len(wrong)} rows differ: {wrong[:5]}"
    wrong = differences(owed_fixes, found_fixes)
    assert not wrong, f"{key} ({', '.join(names)}): {len(wrong)} fixes differ: {wrong[:5]}"
    kinds = [outcome for outcome, _ in found.values()]
    counts = (
        len(seen),
        len(seen) - kinds.count("skip") - kinds.count("quarantine"),
        kinds.count("fix"),
        kinds.count("skip"),
        kinds.count("quarantine"),
    )
    assert counts == total, f"{key}: (seen, migrated, fixed, skipped, quarantined)"


RECORDED = {
    "fixes": "SELECT DISTINCT unnest(notes) FROM ferry.migration_mappings WHERE entity = %s",
    "reasons": "SELECT DISTINCT reason FROM ferry.quarantine WHERE entity = %s",
    "rules": "SELECT DISTINCT rule FROM ferry.skipped WHERE entity = %s",
}


def test_every_recorded_outcome_is_documented(migrated: dict[str, str]) -> None:
    """docs/catalogue.md lists what each entity can record; the migration records nothing else."""
    with psycopg.connect(migrated["FERRY_TARGET_URL"]) as target:
        for entity in CATALOGUE.entities.values():
            fixes, reasons = docs.outcomes(entity)
            documented = {
                "fixes": {fix for fix, _ in fixes},
                "reasons": {reason for reason, _ in reasons},
                "rules": {rule.name for rule in entity.skip_rules},
            }
            for kind, query in RECORDED.items():
                recorded = {r[0] for r in target.execute(query, (entity.name,))}
                assert recorded <= documented[kind], (entity.name, recorded - documented[kind])


def test_status_shows_every_entity_completed_and_balanced(
    migrated: dict[str, str], tmp_path: Path
) -> None:
    entries = {e["entity"]: e for e in status_json(tmp_path, migrated)}
    assert set(entries) == set(CATALOGUE.entities)
    for entry in entries.values():
        assert entry["state"] == "completed", entry
        assert entry["balanced"], entry
        assert entry["source_rows"] == entry["migrated"] + entry["quarantined"] + entry["skipped"]
    with psycopg.connect(migrated["FERRY_TARGET_URL"]) as target:
        for table in sorted({e.target for e in CATALOGUE.entities.values()}):
            count = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            assert target.execute(count).fetchone()[0] > 0, table


# Per entity with money: the source rows (legacy id, legacy doctor id, amounts in the order of
# the entity's money_columns), read from the legacy tables, and the same from the target.
MONEY_SOURCE = {
    "orders": "SELECT i.id, p.doctor_id, i.price FROM dispatch_instruction i"
    " LEFT JOIN dispatch_patient p ON p.id = i.patient_id",
    "payments": "SELECT id, doctor_id, total_price, subtotal_price, tax_value"
    " FROM dispatch_payment",
    "purchases": "SELECT id, doctor_id, total_price, total_price FROM dispatch_payment",
    "offers": "SELECT id, doctor_id, price_both, price_upper, price_lower FROM dispatch_offer",
    "operations": "SELECT id, NULL::integer, price FROM dispatch_operation",
    "ware": "SELECT id, NULL::integer, unit_price FROM dispatch_ware",
}
MONEY_TARGET = {
    "orders": "SELECT m.legacy_id, d.legacy_user_id, t.amount FROM orders t"
    " JOIN ferry.migration_mappings m ON m.entity = 'orders' AND m.new_id = t.id"
    " LEFT JOIN doctors d ON d.id = t.doctor_id",
    "payments": "SELECT m.legacy_id, d.legacy_user_id, t.amount, t.subtotal_amount, t.tax_amount"
    " FROM payments t JOIN ferry.migration_mappings m ON m.entity = 'payments' AND m.new_id = t.id"
    " LEFT JOIN doctors d ON d.id = t.doctor_id",
    "purchases": "SELECT m.legacy_id, d.legacy_user_id, t.unit_price, t.total_amount"
    " FROM purchases t JOIN ferry.migration_mappings m ON m.entity = 'purchases'"
    " AND m.new_id = t.id JOIN payments p ON p.id = t.payment_id"
    " LEFT JOIN doctors d ON d.id = p.doctor_id",
    "offers": "SELECT m.legacy_id, d.legacy_user_id, t.price_both, t.price_upper, t.price_lower"
    " FROM offers t JOIN ferry.migration_mappings m ON m.entity = 'offers' AND m.new_id = t.id"
    " LEFT JOIN doctors d ON d.id = t.doctor_id",
    "operations": "SELECT m.legacy_id, NULL::integer, t.amount FROM operations t"
    " JOIN ferry.migration_mappings m ON m.entity = 'operations' AND m.new_id = t.id",
    "ware": "SELECT m.legacy_id, NULL::integer, t.unit_price FROM ware t"
    " JOIN ferry.migration_mappings m ON m.entity = 'ware' AND m.new_id = t.id",
}


def sums(rows, keep=lambda legacy_id, doctor: (True, doctor)) -> dict:
    """Per (money column index, doctor): the sum of the rows kept."""
    totals: dict[tuple[int, int | None], Decimal] = defaultdict(Decimal)
    for legacy_id, doctor, *amounts in rows:
        wanted, owner = keep(legacy_id, doctor)
        if wanted:
            for index, amount in enumerate(amounts):
                totals[(index, owner)] += amount or Decimal(0)
    return dict(totals)


def test_money_sums_equal_the_source_per_entity_and_doctor(migrated: dict[str, str]) -> None:
    declared = {e.name for e in CATALOGUE.entities.values() if e.money_columns}
    assert declared == set(MONEY_SOURCE)
    with (
        psycopg.connect(migrated["FERRY_SOURCE_URL"]) as source,
        psycopg.connect(migrated["FERRY_TARGET_URL"]) as target,
    ):
        doctors = {
            r[0]
            for r in target.execute(
                "SELECT legacy_id FROM ferry.migration_mappings WHERE entity = 'doctors'"
            )
        }
        for name, query in MONEY_SOURCE.items():
            migrated_ids = {
                r[0]
                for r in target.execute(
                    "SELECT legacy_id FROM ferry.migration_mappings WHERE entity = %s", (name,)
                )
            }
            owed = sums(
                source.execute(query),
                lambda legacy_id, doctor, ids=migrated_ids: (
                    legacy_id in ids,
                    doctor if doctor in doctors else None,
                ),
            )
            found = sums(target.execute(MONEY_TARGET[name]))
            assert len(owed) >= len(CATALOGUE.entities[name].money_columns) > 0
            assert found == owed, name


@pytest.fixture(scope="module")
def validation(migrated: dict[str, str], tmp_path_factory) -> tuple[int, dict[str, dict]]:
    """Exit code and per-entity findings of `ferry validate final --json` on the migration."""
    cwd = tmp_path_factory.mktemp("validate")
    result = run_ferry("validate", "final", "--json", cwd=cwd, env=migrated, timeout=600)
    return result.exit_code, {e["entity"]: e for e in json.loads(result.stdout)["entities"]}


def test_validate_final_verifies_content_and_money(validation) -> None:
    _, entities = validation
    assert set(entities) == set(CATALOGUE.entities)
    for name, entry in entities.items():
        checks = {c["check"]: c for c in entry["checks"]}
        failed = {c for c, found in checks.items() if not found["passed"]}
        assert failed == set(), (name, failed)
        assert checks["content"]["failed"] == 0, name
        for column in CATALOGUE.entities[name].money_columns:
            assert checks[f"money:{column}"]["passed"], (name, column)


def test_validate_final_passes(validation) -> None:
    exit_code, _ = validation
    assert exit_code == 0


def test_notifications_are_accounted_for_row_by_row(migrated: dict[str, str]) -> None:
    """system_messages: migrated + quarantined + skipped (outside the valid subset) = every
    dispatch_notification row, and most rows are skipped (the valid subset is about 40%)."""
    with (
        psycopg.connect(migrated["FERRY_SOURCE_URL"]) as source,
        psycopg.connect(migrated["FERRY_TARGET_URL"]) as target,
    ):
        (rows,) = source.execute("SELECT count(*) FROM dispatch_notification").fetchone()
        outcome = "SELECT count(*) FROM {} WHERE entity = 'system_messages'"
        migrated_rows, quarantined, skipped = (
            target.execute(sql.SQL(outcome).format(sql.Identifier("ferry", table))).fetchone()[0]
            for table in ("migration_mappings", "quarantine", "skipped")
        )
        (messages,) = target.execute("SELECT count(*) FROM system_messages").fetchone()
    assert migrated_rows + quarantined + skipped == rows > 0
    assert messages == migrated_rows and quarantined > 0
    assert 0.5 < skipped / rows < 0.7


def test_operations_resolve_to_their_own_cases(migrated: dict[str, str]) -> None:
    """Each operation's case is the case of its payment's instruction's patient: no default."""
    with (
        psycopg.connect(migrated["FERRY_SOURCE_URL"]) as source,
        psycopg.connect(migrated["FERRY_TARGET_URL"]) as target,
    ):
        owed = dict(
            source.execute(
                "SELECT op.id, i.patient_id FROM dispatch_operation op"
                " JOIN dispatch_payment p ON p.id = op.payment_id"
                " JOIN dispatch_instruction i ON i.id = p.instruction_id"
            ).fetchall()
        )
        found = dict(
            target.execute(
                "SELECT o.legacy_operation_id, c.legacy_patient_id FROM operations o"
                " JOIN cases c ON c.id = o.case_id"
            ).fetchall()
        )
    assert found and all(owed[operation] == case for operation, case in found.items())
    assert len(set(found.values())) > len(found) / 2


def test_coverage_accounts_for_every_source_table(migrated: dict[str, str], tmp_path: Path) -> None:
    result = run_ferry("coverage", "--json", cwd=tmp_path, env=migrated)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    tables = {t["table"]: t for t in document["tables"]}
    assert len(tables) == 59 and document["unaccounted"] == []
    assert tables["dispatch_notification"]["read_by"] == ["system_messages"]
    assert tables["dispatch_purchase"]["state"] == "out of scope"
    assert document["summary"].endswith(", 0 unaccounted")


def test_an_undeclared_source_table_stops_validate_final(
    migrated: dict[str, str], validation, tmp_path: Path
) -> None:
    """After the validation above passed: a table nobody declared makes it fail, named."""
    with psycopg.connect(migrated["FERRY_SOURCE_URL"], autocommit=True) as source:
        source.execute("CREATE TABLE dispatch_surprise (id serial PRIMARY KEY)")
        try:
            coverage = run_ferry("coverage", cwd=tmp_path, env=migrated)
            final = run_ferry("validate", "final", cwd=tmp_path, env=migrated)
        finally:
            source.execute("DROP TABLE dispatch_surprise")
    assert coverage.exit_code == final.exit_code == 7, (coverage.output, final.output)
    assert "UNACCOUNTED" in coverage.stdout and "1 unaccounted" in coverage.stdout
    assert "dispatch_surprise" in final.stderr and "out of scope" in final.stderr, final.stderr
