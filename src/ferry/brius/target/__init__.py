"""The target world: the lab's Supabase schema, and the history earlier tools left in it.

`install_schema` creates the target tables (idempotent, no superuser needed);
`prefill_history` writes what the lab's earlier TypeScript tools had already migrated,
with random UUIDs and their `migration_mappings` rows. docs/target-schema.md records every
decision (foreign keys, constraints, enums, deviations from the reference).
"""

from ferry.brius.target.history import HISTORY_STEPS, prefill_history
from ferry.brius.target.schema import install_schema

__all__ = ["HISTORY_STEPS", "install_schema", "prefill_history"]
