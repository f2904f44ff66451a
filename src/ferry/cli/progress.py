"""Progress on stderr, drawn for what stderr is: live bars on a terminal, lines in a log.

On a terminal each entity has one bar line sized to the console (its name never cut, counts
with thousands separators, rows/s and elapsed time; a finished entity keeps its real rate).
Anywhere else (CI, a file) a live display would print nothing until the end and then cut
every line at 80 columns, so instead one plain line is printed when the run starts, when each
entity starts and finishes, and every `heartbeat` seconds for each entity still going.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from ferry.cli.console import err_console
from ferry.cli.tables import count

NAME_WIDTH = 24  # the longest entity names of a catalogue fit; longer ones push the bar


@dataclass
class _Tally:
    """One entity's progress in this run."""

    total: int
    started: float = field(default_factory=time.monotonic)
    done: int = 0
    quarantined: int = 0

    def rate(self) -> str:
        seconds = time.monotonic() - self.started
        return count(round(self.done / seconds)) if self.done and seconds > 0 else "0"

    def counts(self) -> str:
        return f"{count(self.done)}/{count(self.total)}"


def live_progress(title: str, *, quarantine: bool = True, heartbeat: float = 10.0):
    """The progress display for a run of `title` (e.g. 'migrate all'): bars on a terminal,
    lines otherwise. `quarantine`: whether the operation can quarantine rows at all."""
    if err_console.is_terminal:
        return BarProgress(quarantine=quarantine)
    return LineProgress(title, quarantine=quarantine, heartbeat=heartbeat)


class LineProgress:
    """Implements ferry.progress.Progress as plain, timestamped lines for logs."""

    def __init__(self, title: str, *, quarantine: bool, heartbeat: float) -> None:
        self.title = title
        self.quarantine = quarantine
        self.heartbeat = heartbeat
        self._tallies: dict[str, _Tally] = {}
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._beats = threading.Thread(target=self._beat, name="ferry-heartbeat", daemon=True)

    def __enter__(self) -> LineProgress:
        self._line(f"{self.title}: started")
        self._beats.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped.set()
        self._beats.join()

    def entity_started(self, entity: str, total: int) -> None:
        with self._lock:
            self._tallies[entity] = _Tally(total)
        self._line(f"{entity}: started, {count(total)} rows to go")

    def batch_done(
        self, entity: str, processed: int, migrated: int, quarantined: int, skipped: int
    ) -> None:
        with self._lock:
            tally = self._tallies.get(entity)
            if tally is None:  # a sync's reloads after the entity's lines: its table counts them
                return
            tally.done += processed
            tally.quarantined += quarantined

    def entity_finished(self, entity: str, status: str) -> None:
        with self._lock:
            tally = self._tallies.pop(entity, None)
        if tally is None or not tally.done:
            self._line(
                f"{entity}: {status}, nothing to do"
                if status == "completed"
                else f"{entity}: {status}"
            )
            return
        seconds = time.monotonic() - tally.started
        held = f", {count(tally.quarantined)} quarantined" if tally.quarantined else ""
        self._line(
            f"{entity}: {status}, {count(tally.done)} rows in {seconds:.1f} s "
            f"({tally.rate()} rows/s){held}"
        )

    def message(self, text: str) -> None:
        self._line(text)

    def _beat(self) -> None:
        while not self._stopped.wait(self.heartbeat):
            with self._lock:
                going = [(name, t.counts(), t.rate()) for name, t in self._tallies.items()]
            for name, counts, rate in going:
                self._line(f"{name}: {counts} rows, {rate} rows/s")

    def _line(self, text: str) -> None:
        err_console.print(
            f"{time.strftime('%H:%M:%S')} {text}", markup=False, highlight=False, soft_wrap=True
        )
        err_console.file.flush()


class BarProgress:
    """Implements ferry.progress.Progress with one Rich bar per entity on a terminal."""

    def __init__(self, *, quarantine: bool) -> None:
        width = err_console.width
        fixed = NAME_WIDTH + 17 + 14 + 8 + (14 if quarantine and width >= 100 else 0)
        columns = [
            TextColumn("{task.description}", style="bold"),
            BarColumn(bar_width=max(10, min(40, width - fixed - 6))),
            TextColumn("{task.fields[counts]:>17}"),
            TextColumn("{task.fields[rate]:>8} rows/s"),
            TimeElapsedColumn(),
        ]
        if quarantine and width >= 100:
            columns.append(TextColumn("{task.fields[held]:>14}"))
        self._bars = Progress(*columns, console=err_console, transient=False)
        self._tallies: dict[str, _Tally] = {}
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> BarProgress:
        self._bars.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bars.stop()

    def entity_started(self, entity: str, total: int) -> None:
        tally = self._tallies[entity] = _Tally(total)
        self._tasks[entity] = self._bars.add_task(
            f"{entity:<{NAME_WIDTH}}",
            total=total or None,
            completed=0,
            counts=tally.counts() if total else "nothing left",
            rate="-",
            held="",
        )

    def batch_done(
        self, entity: str, processed: int, migrated: int, quarantined: int, skipped: int
    ) -> None:
        if entity not in self._tasks:  # a sync reports work on entities it did not start
            self.entity_started(entity, 0)
        tally = self._tallies[entity]
        tally.done += processed
        tally.quarantined += quarantined
        held = f"{count(tally.quarantined)} quar." if tally.quarantined else ""
        self._bars.update(
            self._tasks[entity],
            completed=tally.done,
            counts=tally.counts(),
            rate=tally.rate(),
            held=held,
        )

    def entity_finished(self, entity: str, status: str) -> None:
        task = self._tasks.get(entity)
        if task is None:
            return
        tally = self._tallies[entity]
        shown = tally.counts() if tally.total or tally.done else "nothing left"
        self._bars.update(
            task,
            total=max(tally.done, 1),
            completed=max(tally.done, 1),
            counts=shown if status == "completed" else f"{status} {tally.counts()}",
            rate=tally.rate() if tally.done else "-",
        )
        self._bars.stop_task(task)

    def message(self, text: str) -> None:
        self._bars.console.print(text, markup=False, highlight=False, soft_wrap=True)
