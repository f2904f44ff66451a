"""Work that reads the source and writes the target in one step, retried as a whole.

A psycopg failure is turned into the ferry error of the side whose connection raised it, so
the one sentence names the right database; transient failures are retried by `with_retries`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import psycopg

from ferry.db.failures import statement_failure
from ferry.engine.executor import RunContext, with_retries

T = TypeVar("T")


def guarded(ctx: RunContext, name: str, doing: str, work: Callable[[], T]) -> T:
    def attempt() -> T:
        try:
            return work()
        except psycopg.Error as exc:
            source = ctx.session.source().conn
            side = "source" if exc.pgconn is not None and exc.pgconn is source.pgconn else "target"
            raise statement_failure(exc, side, f"{doing} {name}") from None

    return with_retries(ctx, name, attempt)
