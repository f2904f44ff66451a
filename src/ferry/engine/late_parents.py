"""Linking rows to a self-referencing parent that sorted after them, once the entity is in.

A category whose parent has a higher id, read in an earlier batch than its parent, is written
with its optional parent NULL and noted (`ferry.state.ledger.late_parents`). Before the entity
is marked completed, those rows are read again from the source, under the run's snapshot (their
key and their parent's key only), and linked to the parents that did get a mapping, so that a
migration never depends on the order of the ids nor on the batch size: validation re-derives
the same parent. A parent that never got a mapping (absent, skipped, quarantined) leaves the
column NULL and the note, as any optional parent that is missing. Each chunk is one target
transaction; a crash leaves the unlinked rows noted, and the next run links them.
"""

from __future__ import annotations

from ferry.catalog.spec import Entity, Parent
from ferry.engine.source import parent_keys_query
from ferry.state.ledger import late_parents


def late_parents_of(entity: Entity) -> list[Parent]:
    """The entity's optional parents that are the entity itself."""
    return [p for p in entity.parents if p.entity == entity.name and not p.required]


def link_late_parents(source, target, entity: Entity, chunk_size: int) -> int:
    """Link every noted row whose parent now has a mapping; returns how many were linked.
    `source` is the run's reader, `target` a connection outside any transaction."""
    linked = 0
    for parent in late_parents_of(entity):
        keys = late_parents.noted(target, entity, parent)
        target.commit()
        for start in range(0, len(keys), chunk_size):
            chunk = keys[start : start + chunk_size]
            pairs = source.conn.execute(parent_keys_query(entity, parent, chunk)).fetchall()
            with target.transaction():
                linked += late_parents.link(target, entity, parent, pairs)
    return linked
