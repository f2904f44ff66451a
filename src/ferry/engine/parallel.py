"""Work of one run spread over worker sessions that read the source under the run's snapshot.

A worker reads exactly what the run's own session reads (it imports the run's exported
snapshot) and writes through a target connection of its own, so parts of one entity's work
can use both cores: the slices of a large entity, the parts of its source digests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TypeVar

from ferry.engine.context import RunContext
from ferry.errors import FerryError

T = TypeVar("T")
R = TypeVar("R")


def on_workers(
    ctx: RunContext,
    items: Sequence[T],
    work: Callable[[RunContext, T], R],
    *,
    snapshot: str | None,
) -> list[R]:
    """`work` of every item at once, each in a worker session importing `snapshot`, results
    in the items' order; the first failure is raised once every item has stopped."""
    if len(items) == 1:
        return [work(ctx, items[0])]

    def in_worker(item: T) -> R | FerryError:
        with ctx.session.worker(ctx.run_id, snapshot) as session:
            try:
                return work(replace(ctx, session=session), item)
            except FerryError as exc:
                return exc

    with ThreadPoolExecutor(len(items), thread_name_prefix="ferry-part") as pool:
        outcomes = list(pool.map(in_worker, items))
    failures = [o for o in outcomes if isinstance(o, FerryError)]
    if failures:
        raise failures[0]
    return outcomes  # type: ignore[return-value]  # no failure: every outcome is a result
