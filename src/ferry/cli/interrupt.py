"""Ctrl-C during a run: the first asks every worker to stop after its current batch, the
second stops at once.

Python's default turns Ctrl-C into a KeyboardInterrupt in the main thread only: worker threads
went on to the end of their entities, and the operator heard nothing until they had. Here the
first Ctrl-C sets the run's stop event (the engine checks it before each batch and before each
entity) and says so at once; a second one ends the process on the spot. Either way nothing
committed is lost: a batch and its bookkeeping commit together, and the next run resumes.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from ferry.cli.console import err_console
from ferry.cli.progress import live_progress
from ferry.errors import ExitCode
from ferry.progress import Progress


@contextmanager
def ctrl_c_stops(progress: Progress) -> Iterator[threading.Event]:
    """The stop event of one run, set by the first Ctrl-C while the block runs."""
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        if stop.is_set():
            err_console.show_cursor(True)
            err_console.print(
                "stopped at once: committed batches are kept; run the command again to resume.",
                markup=False,
                highlight=False,
            )
            err_console.file.flush()
            os._exit(int(ExitCode.INTERRUPTED))
        stop.set()
        progress.message(
            "Ctrl-C: stopping after each worker's current batch (committed batches are kept); "
            "press Ctrl-C again to stop at once."
        )

    previous = signal.signal(signal.SIGINT, on_signal)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def watched_run(
    title: str, interval: float, *, quarantine: bool = True
) -> Iterator[tuple[Progress, threading.Event]]:
    """The progress display of a run titled `title` and its Ctrl-C stop event."""
    display = live_progress(title, quarantine=quarantine, heartbeat=interval)
    with display as progress, ctrl_c_stops(progress) as stop:
        yield progress, stop
