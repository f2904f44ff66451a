"""`--json`: the same model the tables show, as one stable document on stdout.

Every command that prints a table or a result offers it (status, validate, plan, migrate,
rollback, quarantine list/show/retry, check, config); progress stays on stderr either way.
"""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from typing import Annotated, Any

import typer

from ferry.cli.console import out_console
from ferry.engine.runner import RunResult

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
    """A migrate, rollback or retry result: the run and each entity's counts."""
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
            }
            for e in result.entities
        ],
    }
