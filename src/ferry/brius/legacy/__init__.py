"""The legacy world: the lab's source schema and a deterministic synthetic copy of its data.

`install_schema` creates the legacy tables (and schema `synthetic`); `generate` fills them,
pathologies included, and records in `synthetic` the outcome the migration owes every row.
"""

from ferry.brius.legacy.generator import GenerationReport, generate
from ferry.brius.legacy.schema import install_schema

__all__ = ["GenerationReport", "generate", "install_schema"]
