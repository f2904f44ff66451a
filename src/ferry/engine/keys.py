"""Deterministic new keys: the same legacy row always gets the same UUID.

A re-run, a resume or a rebuild from scratch therefore produce identical keys, and validation can
re-derive every expected foreign key. Both the Python functions here and their SQL twin
`ferry.legacy_uuid` (state schema) compute an RFC 4122 version-3 UUID, which needs only md5
(built into PostgreSQL, no extension). The load computes keys in Python, as text shipped with
the stage rows: the SQL function runs through PostgreSQL's function executor at about 12 µs a
call, while `hashlib` takes about 1 µs on a core that is otherwise waiting for the target.
"""

from __future__ import annotations

import hashlib
import uuid

FERRY_NAMESPACE = uuid.UUID("6f1d6a0e-3b8c-4b5e-9a7d-2c4f8e1b3a59")
_NAMESPACE_BYTES = FERRY_NAMESPACE.bytes
_VARIANT = "89ab89ab89ab89ab"  # the variant nibble: (x & 3) | 8, indexed by x


def legacy_uuid(entity: str, legacy_id: int) -> uuid.UUID:
    return uuid.uuid3(FERRY_NAMESPACE, f"{entity}:{legacy_id}")


def legacy_uuid_text(entity: str, legacy_id: int) -> str:
    """`legacy_uuid` in its canonical text form, without building a UUID object."""
    h = hashlib.md5(_NAMESPACE_BYTES + f"{entity}:{legacy_id}".encode()).hexdigest()
    variant = _VARIANT[int(h[16], 16)]
    return f"{h[:8]}-{h[8:12]}-3{h[13:16]}-{variant}{h[17:20]}-{h[20:]}"
