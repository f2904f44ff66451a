"""The content check's fast path: a chunk of migrated rows settled by one sum on each side.

Comparing every re-derived row with its target row (a join through its mapping to the target
row by primary key, then one comparison per column) cost about 14 µs a row of the
notifications, more when the table was not in memory. Here, per chunk of keys
(`key / width`, as the sync's digests), the target sums a 64-bit hash of each migrated row's
values (`row_hash`) in one pass joining the range's mappings with the table, and the same hash
is summed over the staged re-derived rows, from the very expressions the load inserts
(`load_sql.expected_row`: casts and parents' mappings). Equal counts and sums settle a chunk;
a chunk that differs is compared row by row (`ContentComparer`), which names the rows and
columns.

Only entities whose rows ferry wrote one for one take this path: no money columns (their sums
per owner come from the row-by-row comparison), no deduplication, no rows adopted from earlier
tools, and a hash function for every column's type. Rows quarantined by the load are left out
on both sides (they have no mapping).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import sql

from ferry.engine.load import fill_stage
from ferry.engine.target import TargetTable
from ferry.engine.transform import INSERT
from ferry.state.ledger import content_digests
from ferry.state.ledger.content_digests import Sums
from ferry.state.slices import KeyRange
from ferry.sync.digests import MAX_WIDTH, chunk_of

if TYPE_CHECKING:
    from ferry.validate.content import ContentComparer, ContentTally

FALSE_ALARMS = 3  # chunks that differed without a difference before a range stops digesting
MAX_CHUNK_BATCHES = 4  # a chunk holding more rows than this many batches is compared row by row

StageRows = Sequence[tuple[Any, ...]]
# compares stage rows one by one into the tally, returning how many of them differ
RowByRow = Callable[[StageRows], int]


def row_hash(columns: Sequence[sql.Composable]) -> sql.Composed:
    """A signed 64-bit hash of a row's values, each by its type's own hash function (equal
    values hash equal: the row-by-row comparison's `IS DISTINCT FROM` and this agree). It
    prints nothing: over the notifications' 2.04M target rows at scale 1.0, beyond the join,
    hashing each row's text cost 2.1 µs a row and the md5 of it as a JSON array 4.3 µs; this
    0.9 µs."""
    return sql.SQL("hash_record_extended(ROW({}), 0)").format(sql.SQL(", ").join(columns))


def _hashable(conn: psycopg.Connection, table: TargetTable, columns: Sequence[str]) -> bool:
    """Every column's type has a hash function (json and money have none), asked of a row of
    typed NULLs; PostgreSQL before 14 has no `hash_record_extended` at all."""
    nulls = [table.cast(c, sql.NULL) for c in columns]
    try:
        with conn.transaction():
            conn.execute(sql.SQL("SELECT {}").format(row_hash(nulls)))
    except psycopg.errors.UndefinedFunction:
        return False
    return True


class ContentDigests:
    """Settles the chunks of one key range into `tally` by digests, comparing a chunk row by
    row (`compare`) where they differ."""

    def __init__(
        self,
        comparer: ContentComparer,
        key_range: KeyRange,
        width: int,
        batch_size: int,
        tally: ContentTally,
        compare: RowByRow,
    ) -> None:
        self.comparer = comparer
        self.width = width
        self.max_rows = MAX_CHUNK_BATCHES * batch_size
        self.tally = tally
        self.compare = compare
        conn, entity = comparer.conn, comparer.entity
        hashed = row_hash([sql.SQL("t.{}").format(c) for c in comparer.expected.columns])
        self.actual = content_digests.target_sums(
            conn, entity, comparer.table, key_range, width, hashed
        )
        self.quarantined = content_digests.refused(conn, entity.name, key_range)
        self._expected: Sums = {}
        self._chunk: int | None = None
        self._rows: list[tuple[Any, ...]] = []
        self.settled = 0  # chunks settled by digests (false alarms are the tally's)
        self.on = True

    @classmethod
    def start(
        cls,
        comparer: ContentComparer,
        key_range: KeyRange,
        batch_size: int,
        tally: ContentTally,
        compare: RowByRow,
    ) -> ContentDigests | None:
        """The fast path for the range, or None where the entity does not take it."""
        entity = comparer.entity
        if entity.money_columns or entity.dedup_key is not None:
            return None
        owned, adopted, low, high = content_digests.mapped(comparer.conn, entity.name, key_range)
        names = comparer.expected.names
        if not owned or adopted or not _hashable(comparer.conn, comparer.table, names):
            return None
        width = min(MAX_WIDTH, max(1, (high - low + 1) * batch_size // owned))
        return cls(comparer, key_range, width, batch_size, tally, compare)

    def take(self, staged: StageRows) -> None:
        """Take in the next batch of stage rows (key order); settles every chunk it closes."""
        if not self.on:
            self.compare(staged)
            return
        for chunk, (rows, total) in self._expected_sums(staged).items():
            had_rows, had_total = self._expected.get(chunk, (0, 0))
            self._expected[chunk] = (had_rows + rows, had_total + total)
        for row in staged:
            chunk = chunk_of(row[0], self.width)
            if chunk != self._chunk:
                self._settle()
                self._chunk = chunk
            self._rows.append(row)
        if len(self._rows) > self.max_rows:  # keys denser than the width foresaw
            self.on = False
            self._settle()

    def finish(self) -> None:
        """Settle the last chunk of the range."""
        self._settle()

    def _settle(self) -> None:
        rows, self._rows = self._rows, []
        expected = self._expected.pop(self._chunk, (0, 0))
        if not rows:
            return
        if self.on and self.actual.get(self._chunk, (0, 0)) == expected:
            self.settled += 1
            self.tally.read += len(rows)
            self.tally.compared += expected[0]
            self.tally.by_digest += expected[0]
            return
        if self.compare(rows) == 0 and self.on:
            self.tally.false_alarms += 1
            alarms = self.tally.false_alarms
            self.on = alarms < FALSE_ALARMS or alarms <= self.settled

    def _expected_sums(self, staged: StageRows) -> Sums:
        """Per chunk, how many of the batch's re-derived rows the target should hold and the
        sum of their hashes, from the stage and the very expressions the load inserts."""
        comparer = self.comparer
        refused = [row[0] for row in staged if row[0] in self.quarantined]
        query = sql.SQL(
            "SELECT s._key / {width}, count(*), sum({hashed}) FROM {stage} s {joins}"
            " WHERE s._status = {insert} AND s._key <> ALL(%s) GROUP BY 1"
        ).format(
            width=sql.Literal(self.width),
            hashed=row_hash(comparer.expected.values),
            stage=comparer.stage,
            joins=comparer.expected.joins,
            insert=sql.Literal(INSERT),
        )
        with comparer.conn.transaction(force_rollback=True):
            cur = comparer.conn.cursor()
            fill_stage(cur, comparer.stage, comparer.names, staged)
            found = cur.execute(query, (refused,)).fetchall()
        return {chunk: (rows, int(total)) for chunk, rows, total in found}
