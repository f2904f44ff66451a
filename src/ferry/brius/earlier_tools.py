"""What the lab's earlier tools left behind: their mapping table.

The earlier TypeScript scripts recorded every row they wrote in `public.migration_mappings`
(`entity_type`, `legacy_id`, `new_id`, `migrated_at`), with random UUIDs; entities whose target
they filled adopt those mappings instead of writing their rows again.
"""

from __future__ import annotations

from ferry.catalog.spec import Adopted, EarlierMappings

SCRIPTS = EarlierMappings(
    table="public.migration_mappings",
    entity_column="entity_type",
    legacy_column="legacy_id",
    new_column="new_id",
    migrated_at_column="migrated_at",
)


def adopted(kind: str) -> Adopted:
    """The rows the scripts recorded under `entity_type = kind`."""
    return Adopted(SCRIPTS, kind)
