"""The lab's catalogue: every entity of the migration and the workflows of the seed."""

from __future__ import annotations

from ferry.brius.entities.orders import ORDERS
from ferry.brius.entities.people import DOCTORS, OFFICES, PATIENTS, PROFILES
from ferry.catalog.registry import Catalogue
from ferry.catalog.spec import Workflow

ENTITIES = (OFFICES, PROFILES, DOCTORS, PATIENTS, ORDERS)

WORKFLOWS = (
    Workflow("core", ("offices", "profiles", "doctors"), "offices, profiles and doctors"),
    Workflow("core-with-patients", ("offices", "profiles", "doctors", "patients")),
    Workflow("orders-with-deps", ("orders",), "the full dependency chain through orders"),
    Workflow("all", tuple(e.name for e in ENTITIES), "every entity"),
)

CATALOGUE = Catalogue.build("brius", ENTITIES, WORKFLOWS)
