"""The lab's catalogue: every entity of the migration and the workflows of the seed.

Entities are listed by domain area (people and offices, configuration, orders and clinical,
cases, files and messages, money); the plan orders them by their dependencies, not by this
list.
"""

from __future__ import annotations

from ferry.brius.entities.access import (
    ROLE_PERMISSIONS,
    TEAMS,
    TEMPLATE_EDIT_ROLES,
    TEMPLATE_PREDECESSORS,
    TEMPLATE_PRODUCTS,
    TEMPLATE_VIEW_GROUPS,
    TEMPLATE_VIEW_ROLES,
)
from ferry.brius.entities.administration import GLOBAL_SETTINGS, STORAGES, USER_ACTIONS, WARE
from ferry.brius.entities.cases import CASE_FILES, CASE_MESSAGES, CASE_STATES, CASES, ORDER_CASES
from ferry.brius.entities.comments import (
    COMMENTS,
    CUSTOMER_FEEDBACK,
    DOCTOR_NOTES,
    NOTE_COMMENTS,
    RECORD_FEEDBACK,
)
from ferry.brius.entities.configuration import (
    CATEGORIES,
    COURSES,
    PRODUCTS,
    ROLES,
    TECHNICIAN_ROLES,
    TEMPLATES,
)
from ferry.brius.entities.files import FILES, ORDER_FILES
from ferry.brius.entities.messages import (
    MESSAGE_ATTACHMENTS,
    MESSAGES,
    SYSTEM_MESSAGES,
    TEAM_COMMUNICATIONS,
    USER_MESSAGE_ATTACHMENTS,
    USER_MESSAGES,
)
from ferry.brius.entities.money import DISCOUNTS, OFFERS, OPERATIONS, PAYMENTS, PURCHASES
from ferry.brius.entities.orders import JAWS, ORDER_STATES, ORDERS, TASKS
from ferry.brius.entities.people import (
    DOCTOR_OFFICES,
    DOCTORS,
    OFFICES,
    PATIENTS,
    PATIENTS_DOCTORS_OFFICES,
    PROFILES,
    TECHNICIANS,
)
from ferry.brius.entities.planning import BRACKETS, PROJECTS, TREATMENT_PLANS
from ferry.catalog.registry import Catalogue
from ferry.catalog.spec import OutOfScope, Workflow

# (domain area, its entities), in the order the docs present them.
AREAS = (
    (
        "people and offices",
        (
            OFFICES,
            PROFILES,
            DOCTORS,
            PATIENTS,
            TECHNICIANS,
            DOCTOR_OFFICES,
            PATIENTS_DOCTORS_OFFICES,
        ),
    ),
    ("configuration", (CATEGORIES, ROLES, TECHNICIAN_ROLES, TEMPLATES, PRODUCTS, COURSES)),
    (
        "access and template links",
        (
            TEAMS,
            ROLE_PERMISSIONS,
            TEMPLATE_EDIT_ROLES,
            TEMPLATE_VIEW_ROLES,
            TEMPLATE_VIEW_GROUPS,
            TEMPLATE_PRODUCTS,
            TEMPLATE_PREDECESSORS,
        ),
    ),
    (
        "orders and clinical",
        (ORDERS, JAWS, ORDER_STATES, TASKS, PROJECTS, BRACKETS, TREATMENT_PLANS),
    ),
    ("cases", (CASES, ORDER_CASES, CASE_STATES, CASE_MESSAGES, CASE_FILES)),
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
            SYSTEM_MESSAGES,
        ),
    ),
    ("money", (OFFERS, DISCOUNTS, PAYMENTS, PURCHASES, OPERATIONS)),
    ("administration", (STORAGES, WARE, GLOBAL_SETTINGS, USER_ACTIONS)),
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

_NEVER_USED = "never used by the application, never migrated (REFERENCE 1.8)"

# Every legacy table no entity reads, and why (`ferry coverage` shows them; docs/catalogue.md
# lists them). A source table that is neither read nor declared here is unaccounted, and
# `ferry validate final` fails on it.
OUT_OF_SCOPE = (
    OutOfScope(
        "auth_group_permissions",
        "Django admin permissions of groups; the new application grants access through roles "
        "and row-level security, and no target table receives them (REFERENCE 2.3)",
    ),
    OutOfScope(
        "django_content_type",
        "Django's registry of models; generic keys keep its ids raw (item_type_id, "
        "target_type_id) and the catalogue's code maps give them meaning",
    ),
    OutOfScope(
        "dispatch_order",
        "the application's own order rows; orders are dispatch_instruction (REFERENCE 1.5), "
        "and payments and tasks keep their order_id raw in metadata",
    ),
    OutOfScope(
        "dispatch_instance",
        "planned as the source of cases but never used: a case is one per patient (REFERENCE 1.5)",
    ),
    OutOfScope(
        "dispatch_purchase",
        "empty in the legacy database; purchases are derived from paid payments (REFERENCE 1.8)",
    ),
    *(
        OutOfScope(table, _NEVER_USED)
        for table in (
            "dispatch_client",
            "dispatch_client3d",
            "dispatch_event",
            "dispatch_language",
            "dispatch_link",
            "dispatch_master",
            "dispatch_reading",
            "dispatch_record_roles",
            "dispatch_product_roles",
            "dispatch_product_successors",
            "dispatch_doctorsetting_masters",
            "dispatch_doctorsetting_sales",
        )
    ),
)

# `ferry legacy ...` and `ferry target ...`, which build the lab's two databases.
COMMANDS = "ferry.brius.commands:COMMANDS"

CATALOGUE = Catalogue.build("brius", ENTITIES, WORKFLOWS, OUT_OF_SCOPE, commands=COMMANDS)
