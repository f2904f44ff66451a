"""The outcome the migration owes every legacy row, computed from the generated data.

Entities are settled in dependency order (parents first), so a child sees which parents are
skipped or quarantined: the cascade is complete by construction. The rules themselves are SQL
(sql/truth_*.sql, with helper functions in sql/synthetic.sql) and are restated in words in
docs/pathologies.md; the catalogue is tested row by row against their result.
"""

from __future__ import annotations

import psycopg

from ferry.brius.legacy.schema import sql_text

TRUTH_STEPS: tuple[str, ...] = (
    "truth_01_people.sql",
    "truth_02_orders.sql",
    "truth_03_files.sql",
    "truth_04_money.sql",
    "truth_05_rest.sql",
)

# Every entity of the inventory, in the order the ground truth settles them.
ENTITIES: tuple[str, ...] = (
    "offices",
    "profiles",
    "categories",
    "roles",
    "technician_roles",
    "templates",
    "products",
    "doctors",
    "technicians",
    "doctor_offices",
    "patients",
    "cases",
    "orders",
    "jaws",
    "projects",
    "brackets",
    "treatment_plans",
    "comments",
    "case_messages",
    "customer_feedback",
    "doctor_notes",
    "case_states",
    "order_states",
    "tasks",
    "files",
    "order_files",
    "case_files",
    "messages",
    "team_communications",
    "message_attachments",
    "payments",
    "purchases",
    "offers",
    "discounts",
    "teams",
    "courses",
    "role_permissions",
    "template_edit_roles",
    "template_view_roles",
    "template_view_groups",
    "template_products",
    "template_predecessors",
    "patients_doctors_offices",
    "order_cases",
    "system_messages",
    "operations",
    "storages",
    "ware",
    "global_settings",
    "user_actions",
)


def compute_ground_truth(conn: psycopg.Connection) -> None:
    """Fill synthetic.expected_outcome, expected_fix and expected_total from the legacy data."""
    for step in TRUTH_STEPS:
        conn.execute(sql_text(step))
        conn.execute("ANALYZE synthetic.expected_outcome")
