"""The fast text key equals the standard library's version-3 UUID for any entity and id."""

import uuid

from hypothesis import given
from hypothesis import strategies as st

from ferry.engine.keys import FERRY_NAMESPACE, legacy_uuid, legacy_uuid_text


@given(st.text(min_size=1, max_size=40), st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_text_key_is_the_uuid3_of_entity_and_id(entity: str, legacy_id: int) -> None:
    expected = uuid.uuid3(FERRY_NAMESPACE, f"{entity}:{legacy_id}")
    assert (
        legacy_uuid_text(entity, legacy_id) == str(expected) == str(legacy_uuid(entity, legacy_id))
    )
    assert uuid.UUID(legacy_uuid_text(entity, legacy_id)).version == 3
