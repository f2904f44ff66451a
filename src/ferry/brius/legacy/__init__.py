"""The legacy world: the lab's source schema and a deterministic synthetic copy of its data.

`install_schema` creates the legacy tables (and schema `synthetic`); `generate` fills them,
pathologies included, and records in `synthetic` the outcome the migration owes every row;
`mutate` then plays a period of the lab's life on them (new, edited and deleted rows) and
records what changed, for differential sync.
"""

from ferry.brius.legacy.generator import GenerationReport, generate
from ferry.brius.legacy.mutation import MutationReport, mutate
from ferry.brius.legacy.schema import install_schema

__all__ = ["GenerationReport", "MutationReport", "generate", "install_schema", "mutate"]
