"""The lab's catalogue: every entity of the migration and the workflows of the seed.

Entities are listed by domain area (people and offices, configuration, orders and clinical,
cases, files and messages, money); the plan orders them by their dependencies, not by this
list.
"""

from __future__ import annotations

from ferry.brius.entities.cases import CASE_FILES, CASE_MESSAGES, CASE_STATES, CASES
from ferry.brius.entities.comments import (
    COMMENTS,
    CUSTOMER_FEEDBACK,
    DOCTOR_NOTES,
    NOTE_COMMENTS,
    RECORD_FEEDBACK,
)
from ferry.brius.entities.configuration import (
    CATEGORIES,
    PRODUCTS,
    ROLES,
    TECHNICIAN_ROLES,
    TEMPLATES,
)
from ferry.brius.entities.files import FILES, ORDER_FILES
from ferry.brius.entities.messages import (
    MESSAGE_ATTACHMENTS,
    MESSAGES,
    TEAM_COMMUNICATIONS,
    USER_MESSAGE_ATTACHMENTS,
    USER_MESSAGES,
)
from ferry.brius.entities.money import DISCOUNTS, OFFERS, PAYMENTS, PURCHASES
from ferry.brius.entities.orders import JAWS, ORDER_STATES, ORDERS, TASKS
from ferry.brius.entities.people import (
    DOCTOR_OFFICES,
    DOCTORS,
    OFFICES,
    PATIENTS,
    PROFILES,
    TECHNICIANS,
)
from ferry.brius.entities.planning import BRACKETS, PROJECTS, TREATMENT_PLANS
from ferry.catalog.registry import Catalogue
from ferry.catalog.spec import Workflow

# (domain area, its entities), in the order the docs present them.
AREAS = (
    ("people and offices", (OFFICES, PROFILES, DOCTORS, PATIENTS, TECHNICIANS, DOCTOR_OFFICES)),
    ("configuration", (CATEGORIES, ROLES, TECHNICIAN_ROLES, TEMPLATES, PRODUCTS)),
    (
        "orders and clinical",
        (ORDERS, JAWS, ORDER_STATES, TASKS, PROJECTS, BRACKETS, TREATMENT_PLANS),
    ),
    ("cases", (CASES, CASE_STATES, CASE_MESSAGES, CASE_FILES)),
    (
        "files and messages",
        (
            FILES,
            ORDER_FILES,
            MESSAGES,
            USER_MESSAGES,
            TEAM_COMMUNICATIONS,
            MESSAGE_ATTACHMENTS,
            USER_MESSAGE_ATTACHMENTS,
            COMMENTS,
            NOTE_COMMENTS,
            DOCTOR_NOTES,
            CUSTOMER_FEEDBACK,
            RECORD_FEEDBACK,
        ),
    ),
    ("money", (OFFERS, DISCOUNTS, PAYMENTS, PURCHASES)),
)

ENTITIES = tuple(entity for _, entities in AREAS for entity in entities)

WORKFLOWS = (
    Workflow("core", ("offices", "profiles", "doctors"), "offices, profiles and doctors"),
    Workflow(
        "core-with-patients",
        ("offices", "profiles", "doctors", "patients"),
        "the core and patients",
    ),
    Workflow("orders-with-deps", ("orders",), "the full dependency chain through orders"),
    Workflow("products-with-deps", ("products",), "the full dependency chain through products"),
    Workflow("jaws-with-deps", ("jaws",), "the full dependency chain through jaws"),
    Workflow("all", tuple(e.name for e in ENTITIES), "every entity of the inventory"),
)

CATALOGUE = Catalogue.build("brius", ENTITIES, WORKFLOWS)
