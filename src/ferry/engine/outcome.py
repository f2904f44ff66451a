"""What a transform can say about a value or a row besides returning it.

`Fixed` carries a value changed by a stated, deterministic rule (the rule's name is recorded with
the row's mapping); `Rejected` sends the row to quarantine with a reason code and a message a
person can act on. Messages name columns and rules, never the row's values (health data).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Fixed:
    value: Any
    fix: str


@dataclass(frozen=True, slots=True)
class Rejected:
    reason: str
    message: str


class RowRejected(Exception):
    """Raised inside a row transform to quarantine the row."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.rejection = Rejected(reason, message)
