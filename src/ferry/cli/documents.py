"""`--json`: the same model the tables show, as one stable document on stdout.

Every command that prints a table or a result offers it (status, validate, plan, migrate,
rollback, sync, quarantine list/show/retry, check, config); progress stays on stderr either way.
"""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from typing import Annotated, Any

import typer

from ferry.cli.console import out_console
from ferry.engine.runner import RunResult
from ferry.sync.runner import SyncResult

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (stable, for scripts).")]


def print_json(document: Any) -> None:
    out_console.print_json(json.dumps(document, default=_plain))


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def run_document(result: RunResult) -> dict:
    """A migrate, rollback, retry or sync result: the run and each entity's counts (a sync's
    entities add what the sync found and did with it)."""
    return {
        "run_id": result.run_id,
        "operation": result.operation,
        "target": result.target,
        "dry_run": result.dry_run,
        "interrupted": result.interrupted,
        "blocked": result.blocked,
        "entities": [
            {
                "entity": e.entity,
                "status": e.status,
                "processed": e.processed,
                "migrated": e.migrated,
                "quarantined": e.quarantined,
                "skipped": e.skipped,
                "deleted": e.deleted,
                "seconds": round(e.seconds, 3),
                **(_sync_counts(e) if isinstance(e, SyncResult) else {}),
            }
            for e in result.entities
        ],
    }


def _sync_counts(e: SyncResult) -> dict[str, int]:
    """The columns of sync's table: what it found (changed, gone) and did with it."""
    return {
        "reloaded": e.reloaded,
        "changed": e.changed,
        "gone": len(e.gone),
        "released": e.released,
        "dependents": e.dependents,
        "retained": e.retained,
        "kept": len(e.kept),
    }
