"""Deterministic new keys: the same legacy row always gets the same UUID.

A re-run, a resume or a rebuild from scratch therefore produce identical keys, and validation can
re-derive every expected foreign key. The SQL twin is `ferry.legacy_uuid` (state schema); both
compute an RFC 4122 version-3 UUID, which needs only md5 (built into PostgreSQL, no extension).
"""

from __future__ import annotations

import uuid

FERRY_NAMESPACE = uuid.UUID("6f1d6a0e-3b8c-4b5e-9a7d-2c4f8e1b3a59")


def legacy_uuid(entity: str, legacy_id: int) -> uuid.UUID:
    return uuid.uuid3(FERRY_NAMESPACE, f"{entity}:{legacy_id}")
