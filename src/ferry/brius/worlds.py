"""The lab's two worlds, built on the configured databases: the legacy (source) database
with synthetic data and its recorded ground truth, and the target schema.

They belong to the lab, not to ferry: the engine migrates any catalogue's databases and never
builds them. `ferry.brius.commands` offers these as `ferry legacy ...` and `ferry target ...`;
tests, demos and benchmarks are built on them. Each function opens what it needs, commits, and
closes it again, like the functions of `ferry.api`.
"""

from __future__ import annotations

from ferry.api import open_database
from ferry.brius import legacy, target
from ferry.settings import Settings


def legacy_create(settings: Settings) -> None:
    """Install the lab's legacy schema (and the `synthetic` ground-truth schema) in the source."""
    with open_database(settings, "source", "installing the legacy schema") as conn:
        legacy.install_schema(conn)
        conn.commit()


def legacy_generate(settings: Settings, *, scale: float, seed: int) -> legacy.GenerationReport:
    """Fill the legacy schema with deterministic synthetic data and its recorded ground truth."""
    with open_database(settings, "source", "generating legacy data") as conn:
        legacy.install_schema(conn)
        report = legacy.generate(conn, scale=scale, seed=seed)
        conn.commit()
        return report


def legacy_mutate(
    settings: Settings, *, seed: int | None, scale: float | None
) -> legacy.MutationReport:
    """Play one period of the lab's life on the generated data and record it for sync."""
    with open_database(settings, "source", "mutating legacy data") as conn:
        legacy.install_schema(conn)
        report = legacy.mutate(conn, seed=seed, scale=scale)
        conn.commit()
        return report


def target_create(settings: Settings, *, with_history: bool) -> dict[str, int]:
    """Install the target schema; with history, pre-fill what earlier tools had migrated
    (rows written, by table)."""
    with open_database(settings, "target", "installing the target schema") as conn:
        target.install_schema(conn)
        conn.commit()
        if not with_history:
            return {}
        with open_database(settings, "source", "reading legacy rows for the history") as source:
            written = target.prefill_history(source, conn)
        conn.commit()
        return written
