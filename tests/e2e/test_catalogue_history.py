"""Starting from the lab's real state (offices, categories, profiles, roles, templates and
brackets already migrated by earlier tools, with random keys), `ferry migrate all` completes
the rest, and every reference to those tables points at the rows the earlier tools wrote. A
table that already holds the earlier tools' rows is never bulk-loaded: its foreign keys and
indexes stay in place while ferry adds to it; the tables that were empty are bulk-loaded.
"""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
from psycopg import sql

from ferry.brius.catalogue import CATALOGUE
from ferry.brius.target import prefill_history
from ferry.catalog.spec import Entity, Parent
from tests.cli.runner import run_ferry
from tests.e2e.helpers import assert_accounting_holds

ADOPTING = {e.name: e.preexisting.kind for e in CATALOGUE.entities.values() if e.preexisting}
# Every (child entity, parent) whose parent was migrated by the earlier tools.
REFERENCES = [
    (entity, parent)
    for entity in CATALOGUE.entities.values()
    for parent in entity.parents
    if parent.entity in ADOPTING
]


def history(target: psycopg.Connection, kind: str) -> dict[int, object]:
    """The earlier tools' mappings of one kind: legacy id -> their random key."""
    return dict(
        target.execute(
            "SELECT legacy_id, new_id FROM public.migration_mappings WHERE entity_type = %s",
            (kind,),
        )
    )


def parent_ids(source: psycopg.Connection, entity: Entity, parent: Parent) -> dict[int, int]:
    """Legacy id of each source row of `entity` -> the legacy id of its `parent`."""
    declared = entity.source
    query = sql.SQL("SELECT ({key})::bigint, ({expr})::bigint FROM {rel} {joins} WHERE {where}")
    rows = source.execute(
        query.format(
            key=sql.SQL(declared.key),
            expr=sql.SQL(parent.expr),
            rel=sql.SQL(declared.relation),
            joins=sql.SQL(declared.joins),
            where=sql.SQL(declared.where or "true"),
        )
    )
    return {key: value for key, value in rows if value is not None}


def references(target: psycopg.Connection, entity: Entity, parent: Parent) -> dict[int, object]:
    """Legacy id of each migrated row of `entity` -> the key its `parent` column holds."""
    query = sql.SQL(
        "SELECT m.legacy_id, t.{column} FROM {table} t JOIN ferry.migration_mappings m"
        " ON m.entity = %s AND m.new_id = t.id"
    ).format(column=sql.Identifier(parent.column), table=sql.Identifier(entity.target))
    return dict(target.execute(query, (entity.name,)))


def test_migrate_all_continues_from_the_earlier_tools(
    database_factory, legacy_template: str, target_template: str, tmp_path: Path
) -> None:
    env = {
        "FERRY_SOURCE_URL": database_factory(legacy_template),
        "FERRY_TARGET_URL": database_factory(target_template),
    }
    with (
        psycopg.connect(env["FERRY_SOURCE_URL"]) as source,
        psycopg.connect(env["FERRY_TARGET_URL"]) as target,
    ):
        prefill_history(source, target)

    result = run_ferry("migrate", "all", cwd=tmp_path, env=env, timeout=600)
    assert result.exit_code == 0, result.output
    assert_accounting_holds(tmp_path, env, list(CATALOGUE.entities))
    log = run_ferry("logs", "--json", cwd=tmp_path, env=env)
    events = [json.loads(line) for line in log.stdout.splitlines() if line.strip()]
    bulk_loaded = {e["entity"] for e in events if e["event"] == "constraints_deferred"}
    assert not bulk_loaded & set(ADOPTING), bulk_loaded & set(ADOPTING)
    assert {"tasks", "files", "system_messages"} <= bulk_loaded, bulk_loaded

    with (
        psycopg.connect(env["FERRY_SOURCE_URL"]) as source,
        psycopg.connect(env["FERRY_TARGET_URL"]) as target,
    ):
        for name, kind in ADOPTING.items():
            earlier = history(target, kind)
            adopted = dict(
                target.execute(
                    "SELECT legacy_id, new_id FROM ferry.migration_mappings"
                    " WHERE entity = %s AND origin = 'preexisting'",
                    (name,),
                )
            )
            assert earlier and adopted == earlier, name
        for entity, parent in REFERENCES:
            earlier = history(target, ADOPTING[parent.entity])
            legacy_parents = parent_ids(source, entity, parent)
            found = references(target, entity, parent)
            owed = {
                key: earlier[legacy_parents[key]]
                for key in found
                if legacy_parents.get(key) in earlier
            }
            assert owed, (entity.name, parent.column)
            wrong = sorted(key for key, value in owed.items() if found[key] != value)
            assert not wrong, (entity.name, parent.column, wrong[:5])
