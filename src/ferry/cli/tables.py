"""Tables that fit the console they are printed on, and never cut a name.

A Rich table squeezed into 80 columns (a terminal, or any non-TTY output, where Rich assumes
80) shortens cells with '…' until entity names are ambiguous. This layer measures first and
then, in order: prints the table as it is if it fits; switches to the columns' short headers;
drops the columns declared droppable, last first, and says which; then wraps text columns
(messages); and if even that does not fit, prints wider than the console rather than cutting.
`--wide` (the CLI's global option) always prints every column at its natural width.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from ferry.cli.context import state

_UNBOUNDED = 10_000


@dataclass(frozen=True)
class Col:
    """One column: `short` is its header when space is tight; `number` right-aligns it;
    `wraps` lets its cells wrap (messages); `drop` marks it as one to leave out (the last
    first) before anything wraps."""

    header: str
    short: str | None = None
    number: bool = False
    wraps: bool = False
    drop: bool = False


def count(value: int | None) -> str:
    """A count as printed everywhere: thousands separated, '-' when unknown."""
    return "-" if value is None else f"{value:,}"


class FitTable:
    """Rows first, fitting at print time (the console's width is known only then)."""

    def __init__(self, *columns: Col, title: str | None = None) -> None:
        self.columns = columns
        self.title = title
        self.rows: list[tuple[str, ...]] = []

    def add_row(self, *cells: str) -> None:
        self.rows.append(tuple(cells))

    def print(self, console: Console) -> None:
        """Print on `console`, fitted to its width (or at natural width with `--wide`)."""
        table, left_out = self.fitted(console, wide=state.wide)
        needed = _measure(console, table)
        width = max(needed.maximum if state.wide else needed.minimum, console.width)
        console.print(table, width=width, crop=False)
        if left_out:
            console.print(
                f"(left out to fit {console.width} columns: {', '.join(left_out)}; "
                "--wide shows every column)",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )

    def fitted(self, console: Console, *, wide: bool) -> tuple[Table, list[str]]:
        """The table that fits, and the headers of the columns it leaves out."""
        shown = list(range(len(self.columns)))
        table = self._build(shown, short=False)
        if wide or _measure(console, table).maximum <= console.width:
            return table, []
        table = self._build(shown, short=True)
        droppable = [i for i in shown if self.columns[i].drop]
        left_out: list[str] = []
        while _measure(console, table).maximum > console.width and droppable:
            gone = droppable.pop()
            shown.remove(gone)
            left_out.insert(0, self.columns[gone].header)
            table = self._build(shown, short=True)
        return table, left_out

    def _build(self, shown: Sequence[int], *, short: bool) -> Table:
        table = Table(
            title=self.title,
            box=box.SIMPLE_HEAD,
            show_edge=False,
            padding=(0, 0),  # the box's blank separator leaves one space between columns
            title_justify="left",
        )
        for i in shown:
            column = self.columns[i]
            header = column.short if short and column.short else column.header
            natural = max((cell_len(row[i]) for row in self.rows), default=0)
            table.add_column(
                header,
                justify="right" if column.number else "left",
                no_wrap=not column.wraps,
                overflow="fold",  # wrap a message rather than cut it with '…'
                min_width=None if column.wraps else max(natural, cell_len(header)),
            )
        for row in self.rows:
            table.add_row(*(row[i] for i in shown))
        return table


def _measure(console: Console, table: Table) -> Measurement:
    """The table's widths unbounded by the console (Rich's own measure is clamped to it)."""
    return Measurement.get(console, console.options.update(max_width=_UNBOUNDED), table)
