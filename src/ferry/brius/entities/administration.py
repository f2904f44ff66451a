"""Administration: the inventory (storages and their wares), the application's global settings
and the log of user actions.

`global_settings` holds the payment provider's access token in clear text in the legacy
database; the column is declared secret, so ferry migrates it and never prints it.
"""

from __future__ import annotations

from ferry.catalog import coerce
from ferry.catalog.spec import Column, Entity, Parent, Source

STORAGES = Entity(
    name="storages",
    target="storages",
    description="Every dispatch_storage.",
    source=Source("dispatch_storage s", "s.id"),
    columns=(
        Column("name", "s.name"),
        Column("location", "s.address"),
        Column("created_at", "s.created_at"),
        Column("legacy_storage_id", "s.id", legacy_key=True),
    ),
)

WARE = Entity(
    name="ware",
    target="ware",
    description="Every dispatch_ware; a storage or product that is not migrated leaves the "
    "reference NULL.",
    source=Source("dispatch_ware w", "w.id"),
    parents=(
        Parent("storage_id", "storages", "w.storage_id", required=False),
        Parent("product_id", "products", "w.product_id", required=False),
    ),
    columns=(
        Column("name", "w.name"),
        Column("code", "w.code"),
        Column("quantity", "w.quantity"),
        Column("unit_price", "w.unit_price", coerce=coerce.money("unit_price")),
        Column("created_at", "w.created_at"),
        Column("legacy_ware_id", "w.id", legacy_key=True),
    ),
    money_columns=("unit_price",),
)

GLOBAL_SETTINGS = Entity(
    name="global_settings",
    target="global_settings",
    description="Every dispatch_globalsetting (the payment provider's account); the access "
    "token is migrated as a secret: never printed.",
    source=Source("dispatch_globalsetting g", "g.id"),
    columns=(
        Column("name", "g.setting"),
        Column("category", "'payment_provider'"),
        Column("version", "g.version"),
        Column("sandbox", "g.sandbox"),
        Column("application_id", "g.application_id"),
        Column("location_id", "g.location_id"),
        Column("access_token", "g.access_token", secret=True),
        Column("created_at", "g.created_at"),
        Column("legacy_setting_id", "g.id", legacy_key=True),
    ),
)

USER_ACTIONS = Entity(
    name="user_actions",
    target="user_actions",
    description="Every dispatch_action: who did what when; item and owner stay generic keys "
    "(content type, id); data that is not JSON is kept raw.",
    source=Source("dispatch_action a", "a.id"),
    parents=(Parent("user_id", "profiles", "a.user_id", required=False),),
    columns=(
        Column("action", "a.action"),
        Column("acted_at", "a.date"),
        Column("item_type_id", "a.item_type_id"),
        Column("item_id", "a.item_id"),
        Column("owner_type_id", "a.owner_type_id"),
        Column("owner_id", "a.owner_id"),
        Column("data", "a.data", coerce=coerce.json_document),
        Column("legacy_action_id", "a.id", legacy_key=True),
    ),
)
