"""ferry's own tables are read and written by its state package alone (the ledger and its
neighbours): the engine, validate, sync, rollback and quarantine call it."""

from __future__ import annotations

import re
from pathlib import Path

import ferry

OWN_TABLES = re.compile(r"ferry\.(migration_mappings|quarantine|skipped|migration_control)\b")
SOURCE = Path(ferry.__file__).parent
STATE = SOURCE / "state"


def test_only_the_state_package_names_ferrys_tables() -> None:
    named = sorted(
        f"{path.relative_to(SOURCE)}:{number}"
        for path in SOURCE.rglob("*")
        if path.suffix in {".py", ".sql"} and STATE not in path.parents
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if OWN_TABLES.search(line)
    )
    assert named == []


def test_the_state_package_does_name_them() -> None:
    """The check above looks at the files where the statements are (it is not vacuous)."""
    assert any(OWN_TABLES.search(p.read_text()) for p in STATE.rglob("*.py"))
