"""Install the lab's Supabase target schema (tables in `public`, REFERENCE section 2).

The schema is split by domain area into `sql/NN_<area>.sql`, run in name order so every
foreign key finds its parent table. Each file only creates what is missing (enums checked in
pg_type, CREATE TABLE / INDEX IF NOT EXISTS, CREATE OR REPLACE FUNCTION / TRIGGER), so a second
install changes nothing. Nothing needs a superuser: no extension, no session_replication_role;
the owner of the database (or of schema `public`) is enough, as on Supabase.
"""

from __future__ import annotations

from importlib.resources import files

import psycopg
from psycopg.pq import TransactionStatus

SQL_DIR = files(__package__) / "sql"
# Serialises concurrent installs on one database (two CREATE TYPE racing would fail).
INSTALL_LOCK_KEY = "ferry.brius.target.install"


def schema_scripts() -> list[tuple[str, str]]:
    """(file name, SQL text) of every schema file, in the order they must run."""
    names = sorted(entry.name for entry in SQL_DIR.iterdir() if entry.name.endswith(".sql"))
    return [(name, (SQL_DIR / name).read_text(encoding="utf-8")) for name in names]


def install_schema(conn: psycopg.Connection) -> None:
    """Create every missing target type, table, constraint, index and trigger, then commit.

    Runs in one transaction: a failure leaves the database as it was. The search path is pinned
    to `public` for the transaction, whatever the role's own search path says.
    """
    with conn.transaction():
        conn.execute("SELECT set_config('search_path', 'public', true)")
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (INSTALL_LOCK_KEY,))
        for _name, text in schema_scripts():
            conn.execute(text)
    if conn.info.transaction_status == TransactionStatus.INTRANS:
        conn.commit()
