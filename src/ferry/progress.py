"""Progress reported as data. The engine calls these; only the CLI draws anything."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def entity_started(self, entity: str, total: int) -> None:
        """`total`: rows the entity will process in this run (an estimate for progress bars)."""

    def batch_done(
        self, entity: str, processed: int, migrated: int, quarantined: int, skipped: int
    ) -> None: ...

    def entity_finished(self, entity: str, status: str) -> None: ...

    def message(self, text: str) -> None:
        """A line for the operator (retries, adoption of earlier mappings); no row values."""


class SilentProgress:
    """For library callers and tests that do not watch."""

    def entity_started(self, entity: str, total: int) -> None:
        pass

    def batch_done(
        self, entity: str, processed: int, migrated: int, quarantined: int, skipped: int
    ) -> None:
        pass

    def entity_finished(self, entity: str, status: str) -> None:
        pass

    def message(self, text: str) -> None:
        pass


class ForwardingProgress:
    """Passes every report on to `inner`; a subclass changes only what it must."""

    def __init__(self, inner: Progress) -> None:
        self.inner = inner

    def entity_started(self, entity: str, total: int) -> None:
        self.inner.entity_started(entity, total)

    def batch_done(
        self, entity: str, processed: int, migrated: int, quarantined: int, skipped: int
    ) -> None:
        self.inner.batch_done(entity, processed, migrated, quarantined, skipped)

    def entity_finished(self, entity: str, status: str) -> None:
        self.inner.entity_finished(entity, status)

    def message(self, text: str) -> None:
        self.inner.message(text)
