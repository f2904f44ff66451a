"""Tracebacks for `--debug` that keep ferry's promises on secrets and patient data.

A plain traceback would print exception messages from psycopg, which can quote row values or a
connection string. This report shows the frames (file, line, function) and the exception types;
only ferry's own messages, which are written to be safe, are shown, and those are redacted too.
"""

from __future__ import annotations

import traceback

from ferry.db.urls import redact
from ferry.errors import FerryError


def debug_report(exc: BaseException) -> str:
    lines: list[str] = []
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    for item in reversed(chain):
        lines.append("Traceback (most recent call last):")
        for frame in traceback.extract_tb(item.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
        message = redact(str(item)) if isinstance(item, FerryError) else "(message withheld)"
        lines.append(f"{type(item).__module__}.{type(item).__qualname__}: {message}")
    return "\n".join(lines)
