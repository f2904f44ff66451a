"""Splitting a large entity into key ranges that workers migrate at once.

One target backend inserting rows (foreign-key triggers, index updates) is what bounds a large
entity, so a second backend filling another key range of it uses the second core. The ranges
`(after, last]` partition the keys still to migrate into parts of equal row counts. Each has its
checkpoint in ferry's state (`ferry.state.slices`), written in the transaction of each of its
batches: a crash resumes every slice where it stopped, with any number of workers. The plan
exists only while the entity is unfinished; completing the entity, a rollback or `--restart`
ends it.

Entities that deduplicate or reference themselves are never sliced: a batch of theirs reads
rows committed by earlier batches (the canonical row, the parent), which in another slice
might not be committed yet.
"""

from __future__ import annotations

from ferry.catalog.spec import Entity
from ferry.engine.source import SourceReader, key_percentiles_query
from ferry.state.slices import KeyRange

MIN_BATCHES_PER_SLICE = 4


def sliceable(entity: Entity) -> bool:
    return entity.dedup_key is None and all(p.entity != entity.name for p in entity.parents)


def slice_count(entity: Entity, rows: int, workers: int, batch_size: int) -> int:
    """How many slices: one per worker, as long as each gets a few batches' worth of rows."""
    if not sliceable(entity):
        return 1
    return max(1, min(workers, rows // (MIN_BATCHES_PER_SLICE * batch_size)))


def cut(reader: SourceReader, entity: Entity, after: int | None, parts: int) -> list[KeyRange]:
    """The keys after `after` cut into `parts` ranges of equal row counts (read in the source)."""
    fractions = [i / parts for i in range(1, parts)]
    cuts = reader.conn.execute(key_percentiles_query(entity, after), (fractions,)).fetchone()[0]
    bounds = [after, *sorted(set(cuts or []))]
    return [
        KeyRange(low, high, number)
        for number, (low, high) in enumerate(zip(bounds, [*bounds[1:], None], strict=True))
    ]
