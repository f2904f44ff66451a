"""The content check's fast path: a chunk of migrated rows settled by one sum on each side.

Comparing every re-derived row in the target (stage COPY, joins with the mappings, casts, one
comparison per column) cost about 21 µs a row of the notifications. Here, per chunk of keys
(`key / width`, as the sync's digests), the target sums a 64-bit hash of each migrated row's
print in one pass over the entity's mappings joined with its table (about 4 µs a row), and
ferry sums the same hash of each re-derived row as the target would print it
(`ferry.validate.printed`), its parents resolved through their mappings. Equal counts and sums
settle a chunk; a chunk that differs is compared row by row (`ContentComparer`), which names
the rows and columns. A chunk that differed without a difference (a print ferry cannot
reproduce) is a false alarm; after a few, the key range is compared row by row from then on.

Only entities whose rows ferry wrote one for one take this path: no money columns (their sums
per owner come from the row-by-row comparison), no deduplication, no rows adopted from earlier
tools. Rows quarantined by the load are left out on both sides (they have no mapping).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import sql

from ferry.catalog.spec import Entity
from ferry.engine.target import TargetTable
from ferry.engine.transform import HEAD, INSERT, STATUS, written_columns
from ferry.state.ledger.load_sql import MAPPINGS
from ferry.state.slices import KeyRange
from ferry.sync.digests import MAX_WIDTH, chunk_of
from ferry.validate.printed import Printer, plain, printer, row_hash, target_row_hash

if TYPE_CHECKING:
    from ferry.validate.content import ContentTally

FALSE_ALARMS = 3  # chunks that differed without a difference before a range stops digesting
MAX_CHUNK_BATCHES = 4  # a chunk holding more rows than this many batches is compared row by row
JOIN_MEMORY = "256MB"  # one hash join of the range's mappings with the table (not per row)

Sums = dict[int, tuple[int, int]]  # chunk -> (rows, sum of row hashes)
StageRows = Sequence[tuple[Any, ...]]
# compares stage rows one by one into the tally, returning how many of them differ
RowByRow = Callable[[StageRows], int]


class ContentDigests:
    """Settles the chunks of one key range into `tally` by digests, comparing a chunk row by
    row (`compare`) where they differ."""

    def __init__(
        self,
        conn: psycopg.Connection,
        entity: Entity,
        table: TargetTable,
        key_range: KeyRange,
        width: int,
        batch_size: int,
        tally: ContentTally,
        compare: RowByRow,
    ) -> None:
        self.conn = conn
        self.entity = entity
        self.tally = tally
        self.compare = compare
        self.width = width
        self.max_rows = MAX_CHUNK_BATCHES * batch_size
        self.actual = _target_sums(conn, entity, table, key_range, width)
        self.quarantined = _quarantined(conn, entity.name, key_range)
        self._printers = _printers(entity, table)
        self._chunk: int | None = None
        self._rows: list[tuple[Any, ...]] = []
        self._expected = (0, 0)
        self.false_alarms = 0
        self.settled = 0
        self.on = True

    @classmethod
    def start(
        cls,
        conn: psycopg.Connection,
        entity: Entity,
        table: TargetTable,
        key_range: KeyRange,
        batch_size: int,
        tally: ContentTally,
        compare: RowByRow,
    ) -> ContentDigests | None:
        """The fast path for the range, or None where the entity does not take it."""
        if entity.money_columns or entity.dedup_key is not None:
            return None
        owned, adopted, low, high = conn.execute(
            sql.SQL(
                "SELECT count(*) FILTER (WHERE origin = 'ferry'),"
                " count(*) FILTER (WHERE origin <> 'ferry'), min(legacy_id), max(legacy_id)"
                " FROM {mappings} own WHERE own.entity = %s AND {range}"
            ).format(mappings=MAPPINGS, range=_in_range(key_range)),
            (entity.name,),
        ).fetchone()
        if not owned or adopted:
            return None
        width = min(MAX_WIDTH, max(1, (high - low + 1) * batch_size // owned))
        return cls(conn, entity, table, key_range, width, batch_size, tally, compare)

    def take(self, staged: StageRows) -> None:
        """Take in the next batch of stage rows (key order); settles every chunk it closes."""
        if not self.on:
            self.compare(staged)
            return
        parents = self._parents(staged)
        for row in staged:
            chunk = chunk_of(row[0], self.width)
            if chunk != self._chunk:
                self._settle()
                self._chunk = chunk
            self._rows.append(row)
            if row[STATUS] == INSERT and row[0] not in self.quarantined:
                rows, total = self._expected
                self._expected = (rows + 1, total + row_hash(self._print(row, parents)))
        if len(self._rows) > self.max_rows:  # keys denser than the width foresaw
            self.on = False
            self._settle()

    def finish(self) -> None:
        """Settle the last chunk of the range."""
        self._settle()

    def _settle(self) -> None:
        rows, self._rows = self._rows, []
        expected, self._expected = self._expected, (0, 0)
        if not rows:
            return
        if self.on and self.actual.get(self._chunk, (0, 0)) == expected:
            self.settled += 1
            self.tally.read += len(rows)
            self.tally.compared += expected[0]
            return
        if self.compare(rows) == 0 and self.on:
            self.false_alarms += 1
            if self.false_alarms >= FALSE_ALARMS and self.false_alarms > self.settled:
                self.on = False

    def _print(self, row: tuple[Any, ...], parents: list[dict[str, str]]) -> list[str | None]:
        """The row as the target would print it: own key, parents' new ids, columns."""
        values: list[str | None] = [row[1]]
        for index, resolved in enumerate(parents):
            key = row[HEAD + index]
            values.append(None if key is None else resolved.get(key))
        values.extend(row[HEAD + len(parents) :])
        for index, print_ in self._printers:
            values[index] = print_(values[index])
        return values

    def _parents(self, staged: StageRows) -> list[dict[str, str]]:
        """Each parent's new ids for the legacy ids the batch names (keyed by their text, as
        the stage rows carry them), read from its mappings as the load resolved them: merged
        and adopted parents included, unmapped ones absent."""
        resolved = []
        for index, parent in enumerate(self.entity.parents):
            keys = {
                int(row[HEAD + index])
                for row in staged
                if row[STATUS] == INSERT and row[HEAD + index] is not None
            }
            found = self.conn.execute(
                sql.SQL(
                    "SELECT legacy_id, new_id::text FROM {} WHERE entity = %s"
                    " AND legacy_id = ANY(%s)"
                ).format(MAPPINGS),
                (parent.entity, list(keys)),
            ).fetchall()
            resolved.append({str(key): new_id for key, new_id in found})
        return resolved


def _printers(entity: Entity, table: TargetTable) -> list[tuple[int, Printer]]:
    """Where in a row's print a value needs printing: columns whose target type prints
    differently from the source's text, and every column a Python conversion may have made
    into something other than text (the rest arrive as the source printed them)."""
    converted = entity.transform is not None
    start = 1 + len(entity.parents)
    found = []
    for index, column in enumerate(written_columns(entity), start):
        print_ = printer(table.column_types[column.name])
        if print_ is not plain or converted or column.coerce or column.code:
            found.append((index, print_))
    return found


def _in_range(key_range: KeyRange) -> sql.Composable:
    bounds = [sql.SQL("true")]
    if key_range.after is not None:
        bounds.append(sql.SQL("own.legacy_id > {}").format(sql.Literal(key_range.after)))
    if key_range.last is not None:
        bounds.append(sql.SQL("own.legacy_id <= {}").format(sql.Literal(key_range.last)))
    return sql.SQL(" AND ").join(bounds)


def _target_sums(
    conn: psycopg.Connection, entity: Entity, table: TargetTable, key_range: KeyRange, width: int
) -> Sums:
    """Per chunk, how many rows ferry wrote in the range and the sum of their prints' hashes."""
    columns = [entity.target_key, *(p.column for p in entity.parents)]
    columns += [c.name for c in written_columns(entity)]
    printed = target_row_hash([sql.SQL("t.{}").format(sql.Identifier(c)) for c in columns])
    query = sql.SQL(
        "SELECT own.legacy_id / {width}, count(*), sum({printed})"
        " FROM {mappings} own JOIN {table} t ON t.{key} = own.new_id"
        " WHERE own.entity = %s AND own.origin = 'ferry' AND {range} GROUP BY 1"
    ).format(
        width=sql.Literal(width),
        printed=printed,
        mappings=MAPPINGS,
        table=table.identifier,
        key=sql.Identifier(entity.target_key),
        range=_in_range(key_range),
    )
    with conn.transaction(force_rollback=True):
        conn.execute(sql.SQL("SET LOCAL work_mem = {}").format(sql.Literal(JOIN_MEMORY)))
        found = conn.execute(query, (entity.name,)).fetchall()
    return {chunk: (rows, int(total)) for chunk, rows, total in found}


def _quarantined(conn: psycopg.Connection, entity: str, key_range: KeyRange) -> set[int]:
    """Keys of the range in open quarantine: the load refused them, the target has none."""
    rows = conn.execute(
        sql.SQL(
            "SELECT own.legacy_id FROM ferry.quarantine own"
            " WHERE own.entity = %s AND NOT own.resolved AND {}"
        ).format(_in_range(key_range)),
        (entity,),
    ).fetchall()
    return {key for (key,) in rows}
