"""Content and money checks: every migrated row re-derived from the source and compared.

Chunk by chunk (the same keyset batches as migration), the source rows are re-read under the
run's snapshot, re-transformed by the entity's own declarations, and shipped into a temporary
table of the target. There one set-based query compares each expected row, foreign keys
resolved through the mappings exactly as the load did, with the target row its mapping points
at; only the keys of differing rows come back. Where ferry wrote the rows one for one, a chunk
is first settled by a hash sum on each side (`ferry.validate.digests`), and only chunks whose
sums differ are compared row by row. Memory stays one chunk whatever the table size.
Rows a skip rule skips are not read: the accounting checks them (`ferry.validate.skips`).

Rows adopted from earlier tools are not compared (their content is that tool's transform) and
are counted apart. A duplicate merged onto a canonical row is verified by its re-derived dedup
key and the existence of that row; its own values live in the canonical row's metadata only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import psycopg
from psycopg import sql

from ferry.catalog.spec import Entity
from ferry.engine.context import RunContext
from ferry.engine.load import fill_stage
from ferry.engine.parallel import on_workers
from ferry.engine.prefetch import ReadAhead
from ferry.engine.retries import guarded
from ferry.engine.slices import cut
from ferry.engine.source import SourceReader, unskipped
from ferry.engine.target import TargetTable
from ferry.engine.transform import RowShaper, written_columns
from ferry.state.ledger import load_sql
from ferry.state.slices import KeyRange
from ferry.validate.checks import MAX_IDS, CheckOutcome
from ferry.validate.digests import ContentDigests

PART_ROWS = 100_000  # an entity of fewer source rows is compared in one part


@dataclass
class ContentTally:
    read: int = 0  # unskipped source rows read, compared or not
    compared: int = 0
    differing: int = 0
    not_compared: int = 0
    by_digest: int = 0  # compared rows whose chunk was settled by digests (ferry.validate.digests)
    false_alarms: int = 0  # chunks whose digests differed though none of their rows did
    ids: list[int] = field(default_factory=list)
    columns: Counter[str] = field(default_factory=Counter)  # differing rows per target column
    expected_money: dict[str, dict[str | None, Decimal]] = field(default_factory=dict)
    actual_money: dict[str, dict[str | None, Decimal]] = field(default_factory=dict)

    def add(self, other: ContentTally) -> None:
        """Take in the tally of the next key range (ids stay in key order)."""
        self.read += other.read
        self.compared += other.compared
        self.differing += other.differing
        self.not_compared += other.not_compared
        self.by_digest += other.by_digest
        self.false_alarms += other.false_alarms
        self.ids.extend(other.ids[: MAX_IDS - len(self.ids)])
        self.columns.update(other.columns)
        for mine, theirs in (
            (self.expected_money, other.expected_money),
            (self.actual_money, other.actual_money),
        ):
            for column, sums in theirs.items():
                into = mine.setdefault(column, defaultdict(Decimal))
                for owner, total in sums.items():
                    into[owner] += total


class ContentComparer:
    def __init__(self, conn: psycopg.Connection, entity: Entity, table: TargetTable) -> None:
        self.conn = conn
        self.entity = entity
        self.table = table
        self.stage = sql.Identifier(f"ferry_expect_{entity.name}")
        self.names = load_sql.StageNames(entity, [c.name for c in written_columns(entity)])
        self.expected = load_sql.expected_row(table, entity, self.names, self.stage)

    def _compared_rows(self, merged: bool | None = None) -> sql.Composable:
        """Stage rows joined with their own mapping (ferry's), target row and parents' mappings.

        `merged` restricts to rows merged onto another by deduplication (True) or to rows that
        own their target row (False); None keeps both.
        """
        condition = {
            None: sql.SQL("true"),
            True: sql.SQL("({})").format(self._merged()),
            False: sql.SQL("NOT ({})").format(self._merged()),
        }[merged]
        return sql.SQL(
            "FROM {owned} LEFT JOIN {table} t ON t.{key} = own.new_id {joins} WHERE {condition}"
        ).format(
            owned=load_sql.owned_rows(self.stage, self.entity),
            key=self._key,
            table=self.table.identifier,
            joins=self.expected.joins,
            condition=condition,
        )

    @property
    def _key(self) -> sql.Identifier:
        return sql.Identifier(self.entity.target_key)

    def _merged(self) -> sql.SQL:
        return sql.SQL("own.dedup_key IS NOT NULL AND own.new_id <> s._id")

    def _differences(self) -> sql.Composed:
        """How many rows equal their expected row and the first keys of those that do not.

        Own rows must equal their expected row; merged rows must still carry the dedup key
        they were merged by, onto a row that exists. Each expected value is cast once a row
        here: the columns a difference lies in are asked only of chunks that have one
        (`_differing_columns`): a notifications' chunk took 313 ms instead of 376 ms.
        """
        actual = [sql.SQL("t.{}").format(c) for c in self.expected.columns]
        return sql.SQL(
            "SELECT count(*) FILTER (WHERE NOT differs), count(*) FILTER (WHERE differs),"
            " (array_agg(_key ORDER BY _key) FILTER (WHERE differs))[1:{limit}]"
            " FROM (SELECT s._key, s._status <> 'insert' OR t.{key} IS NULL OR CASE WHEN {merged}"
            "  THEN s._dedup IS DISTINCT FROM own.dedup_key"
            "  ELSE ROW({expected}) IS DISTINCT FROM ROW({actual}) END AS differs"
            " {rows}) compared"
        ).format(
            limit=sql.Literal(MAX_IDS),
            key=self._key,
            merged=self._merged(),
            expected=sql.SQL(", ").join(self.expected.values),
            actual=sql.SQL(", ").join(actual),
            rows=self._compared_rows(),
        )

    def _differing_columns(self) -> sql.Composed:
        """Per target column, how many own rows differ in it: a finding names the columns,
        not only the rows."""
        counts = [
            sql.SQL("count(*) FILTER (WHERE {expected} IS DISTINCT FROM t.{column})").format(
                expected=expected, column=column
            )
            for expected, column in zip(self.expected.values, self.expected.columns, strict=True)
        ]
        return sql.SQL(
            "SELECT {counts} {rows} AND s._status = 'insert' AND t.{key} IS NOT NULL"
        ).format(
            counts=sql.SQL(", ").join(counts),
            rows=self._compared_rows(merged=False),
            key=self._key,
        )

    def _not_compared(self) -> sql.Composed:
        """Rows adopted from earlier tools: their content is that tool's, not ferry's."""
        return load_sql.adopted_count(self.stage, self.entity)

    def _money(self, column: str, side: str) -> sql.Composed:
        """Sums of a money column over compared rows, per owner (expected or actual side)."""
        owner_index = next(
            (i for i, p in enumerate(self.entity.parents) if p.column == self.entity.money_owner),
            None,
        )
        if side == "expected":
            value = self.table.cast(column, sql.SQL("s.{}").format(sql.Identifier(column)))
            owner = sql.SQL("m{}.new_id").format(sql.SQL(str(owner_index)))
        else:
            value = sql.SQL("t.{}").format(sql.Identifier(column))
            owner_column = self.entity.money_owner or self.entity.target_key
            owner = sql.SQL("t.{}").format(sql.Identifier(owner_column))
        if owner_index is None:
            owner = sql.NULL
        return sql.SQL(
            "SELECT ({owner})::text, sum({value}) {rows} AND s._status = 'insert' GROUP BY 1"
        ).format(owner=owner, value=value, rows=self._compared_rows(merged=False))

    def compare(self, staged: Sequence[tuple], tally: ContentTally) -> None:
        with self.conn.transaction(force_rollback=True):
            cur = self.conn.cursor()
            fill_stage(cur, self.stage, self.names, staged)
            tally.read += len(staged)
            equal, differing, first = cur.execute(self._differences()).fetchone()
            if differing:
                per_column = cur.execute(self._differing_columns()).fetchone()
                for column, count in zip(self.expected.names, per_column, strict=True):
                    if count:
                        tally.columns[column] += count
            tally.compared += equal + differing
            tally.differing += differing
            tally.ids.extend((first or [])[: MAX_IDS - len(tally.ids)])
            tally.not_compared += cur.execute(self._not_compared()).fetchone()[0]
            for column in self.entity.money_columns:
                for side, sums in (
                    ("expected", tally.expected_money),
                    ("actual", tally.actual_money),
                ):
                    into = sums.setdefault(column, defaultdict(Decimal))
                    for owner, total in cur.execute(self._money(column, side)):
                        into[owner] += total or Decimal(0)


def verify_content(
    ctx: RunContext, entity: Entity, table: TargetTable, rows: int
) -> tuple[CheckOutcome, list[CheckOutcome]]:
    """The content check and, for entities with money columns, one money check per column.

    An entity of many rows (`rows`: the source's count) is compared in one key range per
    worker, each in a worker session reading the run's snapshot: the notifications' 2M rows
    took 92 s on one core at scale 1.0, most of it after every other entity was done."""
    parts = max(1, min(ctx.workers, rows // PART_ROWS)) if not ctx.dry_run else 1
    ranges = [KeyRange(None)]
    snapshot = None
    if parts > 1:
        snapshot = ctx.session.shareable_snapshot()
        if snapshot is not None:
            ranges = cut(ctx.session.source(), entity, None, parts)

    def compare_range(worker: RunContext, key_range: KeyRange) -> ContentTally:
        def work() -> ContentTally:
            session = worker.session
            return _compare_range(
                session.source(),
                session.target(),
                entity,
                table,
                ctx.batch_size,
                key_range,
                lambda rows: worker.progress.batch_done(entity.name, rows, 0, 0, 0),
            )

        return guarded(worker, entity.name, "comparing the content of", work)

    tally = ContentTally()
    for part in on_workers(ctx, ranges, compare_range, snapshot=snapshot):
        tally.add(part)
    detail = (
        f"{tally.compared - tally.differing:,} of {tally.compared:,} migrated rows equal their "
        "re-transformed source"
    )
    if tally.by_digest:
        detail += f" ({tally.by_digest:,} settled by chunk digests)"
    if tally.columns:
        named = ", ".join(f"{name} ({count:,})" for name, count in tally.columns.most_common())
        detail += f"; differing in {named}"
    if tally.differing:
        detail += (
            f"; if the source changed since, `ferry sync {entity.name}` carries it over,"
            f" else `ferry rollback {entity.name} --cascade` then `ferry migrate {entity.name}`"
            " rewrites the rows"
        )
    if tally.not_compared:
        detail += f"; {tally.not_compared:,} rows adopted from earlier tools not compared"
    numbers = {"read": tally.read, "by_digest": tally.by_digest, "false_alarms": tally.false_alarms}
    content = CheckOutcome("content", tally.compared, tally.differing, detail, tally.ids, numbers)
    return content, [_money_outcome(entity, column, tally) for column in entity.money_columns]


def _compare_range(
    reader: SourceReader,
    conn: psycopg.Connection,
    entity: Entity,
    table: TargetTable,
    batch_size: int,
    key_range: KeyRange,
    compared: Callable[[int], None],
) -> ContentTally:
    """Compare the rows of one key range that no skip rule skips, chunk by chunk, the next
    chunk read while one is compared, telling `compared` how many rows each chunk read;
    skipped rows are the accounting's (skips.py) and are not read (the notifications skip 3M
    rows at scale 1.0)."""
    comparer = ContentComparer(conn, entity, table)
    shaper = RowShaper(entity)
    tally = ContentTally()
    not_skipped = unskipped(entity)

    def read(after: int | None) -> tuple[int | None, list[tuple]]:
        rows = reader.read_batch(
            entity, after, batch_size, last=key_range.last, condition=not_skipped
        )
        return (int(rows[-1][0]) if rows else None), [shaper.shape(row) for row in rows]

    def row_by_row(rows: Sequence[tuple]) -> int:
        differing = tally.differing
        comparer.compare(rows, tally)
        return tally.differing - differing

    with ReadAhead(read) as reads:
        last, staged = reads.take(key_range.after)
        digests = ContentDigests.start(comparer, key_range, batch_size, tally, row_by_row)
        while staged:
            reads.ahead(last)
            if digests is None:
                row_by_row(staged)
            else:
                digests.take(staged)
            compared(len(staged))
            last, staged = reads.take(last)
        if digests is not None:
            digests.finish()
    return tally


def _money_outcome(entity: Entity, column: str, tally: ContentTally) -> CheckOutcome:
    expected = tally.expected_money.get(column, {})
    actual = tally.actual_money.get(column, {})
    owners = sorted(set(expected) | set(actual), key=str)
    wrong = [o for o in owners if expected.get(o, Decimal(0)) != actual.get(o, Decimal(0))]
    total_expected = sum(expected.values(), Decimal(0))
    total_actual = sum(actual.values(), Decimal(0))
    per = f" per {entity.money_owner}" if entity.money_owner else ""
    if not wrong:
        detail = f"{column}: {total_actual:,.2f} in the target equals the source{per}"
    else:
        detail = (
            f"{column}: target {total_actual:,.2f} vs source {total_expected:,.2f}; "
            f"{len(wrong)} {entity.money_owner or 'total'} sums differ"
            + (
                f" ({entity.money_owner} {', '.join(map(str, wrong[:10]))})"
                if entity.money_owner
                else ""
            )
        )
    totals = {"source": str(total_expected), "target": str(total_actual)}
    return CheckOutcome(f"money:{column}", len(owners), len(wrong), detail, totals=totals)
