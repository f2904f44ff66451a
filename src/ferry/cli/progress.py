"""Rich progress bars for long work: one line per entity with rows, rows/s and ETA."""

from __future__ import annotations

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from ferry.cli.console import err_console


class RichProgress:
    """Implements ferry.progress.Progress by drawing on stderr (stdout stays for results)."""

    def __init__(self) -> None:
        self._bars = Progress(
            TextColumn("{task.description:<22}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:>9} rows/s"),
            TextColumn("{task.fields[quarantined]:>7} quarantined"),
            TimeRemainingColumn(),
            console=err_console,
            transient=False,
        )
        self._tasks: dict[str, TaskID] = {}
        self._quarantined: dict[str, int] = {}

    def __enter__(self) -> RichProgress:
        self._bars.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bars.stop()

    def entity_started(self, entity: str, total: int) -> None:
        self._quarantined[entity] = 0
        self._tasks[entity] = self._bars.add_task(
            entity, total=max(total, 1), rate="", quarantined=0
        )

    def batch_done(
        self, entity: str, processed: int, migrated: int, quarantined: int, skipped: int
    ) -> None:
        task = self._tasks[entity]
        self._quarantined[entity] += quarantined
        self._bars.advance(task, processed)
        speed = self._bars.tasks[task].speed or 0
        self._bars.update(task, rate=f"{speed:,.0f}", quarantined=self._quarantined[entity])

    def entity_finished(self, entity: str, status: str) -> None:
        task = self._tasks.get(entity)
        if task is None:
            return
        done = self._bars.tasks[task].completed
        self._bars.update(task, total=max(done, 1), description=f"{entity} ({status})")

    def message(self, text: str) -> None:
        self._bars.console.print(text, markup=False, highlight=False)
