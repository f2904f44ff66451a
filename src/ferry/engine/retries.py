"""Database work retried and its failures translated: the one place for both.

A psycopg failure becomes the ferry error of the side whose connection raised it, so that the
one sentence a person reads names the right database (`failures_of`, `on_database`); a transient
failure of a run's work (a dropped connection, a server restart) is retried with a doubling
wait as often as the run's policy allows (`with_retries`); `guarded` does both for work that
reads the source and writes the target in one step, retried as a whole.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal, TypeVar

import psycopg

from ferry.db.failures import statement_failure
from ferry.engine.context import RunContext
from ferry.errors import DatabaseError

T = TypeVar("T")
Side = Literal["source", "target"]


def with_retries(ctx: RunContext, what: str, attempt: Callable[[], T]) -> T:
    """Run `attempt`; on a transient failure reconnect, wait (doubling) and try again, as
    often as the run's retry policy allows."""
    attempts = ctx.retry.attempts
    delay = ctx.retry.first_wait
    for number in range(1, attempts + 1):
        try:
            return attempt()
        except DatabaseError as exc:
            if exc.transient and not ctx.dry_run and number == attempts:
                raise _gave_up(exc, attempts) from None
            if not exc.transient or ctx.dry_run:
                raise
            ctx.log.event(
                "retry",
                entity=what,
                attempt=number,
                attempts=attempts,
                side=exc.side,
                sqlstate=exc.sqlstate,
                error_class=type(exc).__name__,
                wait_s=delay,
            )
            ctx.progress.message(
                f"{what}: {exc.side} connection failed (attempt {number} of {attempts}, "
                f"SQLSTATE {exc.sqlstate or 'none'}); retrying in {delay:.1f} s"
            )
            ctx.session.reset()
            time.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")


def _gave_up(exc: DatabaseError, attempts: int) -> DatabaseError:
    """The last failure's sentence, extended (still one sentence) by what happens now.

    The error is marked terminal: the retry budget is spent, and an outer retry loop must not
    start over with a budget of its own.
    """
    tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
    return type(exc)(
        f"{str(exc).rstrip('.')}; gave up after {tries}, committed batches are kept and "
        "running the command again resumes.",
        transient=False,
        sqlstate=exc.sqlstate,
    )


def on_database(side: Side, action: str, work: Callable[[], T]) -> T:
    """Run database work, turning psycopg failures into ferry errors of that side."""
    with failures_of(side, action):
        return work()


@contextmanager
def failures_of(side: Side, action: str) -> Iterator[None]:
    """Within the block, a psycopg failure becomes the ferry error of `side` doing `action`."""
    try:
        yield
    except psycopg.Error as exc:
        raise statement_failure(exc, side, action) from None


def guarded(
    ctx: RunContext, name: str, doing: str, work: Callable[[], T], side: Side | None = None
) -> T:
    """Run `work` for entity `name` with the run's retries; a failure is the ferry error of
    `side`, or, when the work uses both, of the side whose connection raised it."""

    def attempt() -> T:
        try:
            return work()
        except psycopg.Error as exc:
            raised = side or _side_of(ctx, exc)
            raise statement_failure(exc, raised, f"{doing} {name}") from None

    return with_retries(ctx, name, attempt)


def _side_of(ctx: RunContext, exc: psycopg.Error) -> Side:
    source = ctx.session.source().conn
    return "source" if exc.pgconn is not None and exc.pgconn is source.pgconn else "target"
