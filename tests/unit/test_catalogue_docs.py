"""The lab's catalogue covers the inventory, and docs/catalogue.md is what its declarations say."""

from pathlib import Path

from ferry.brius import docs
from ferry.brius.catalogue import CATALOGUE

PAGE = Path(__file__).parents[2] / "docs" / "catalogue.md"

# The seed research note's inventory (target tables), plus order_states (the dispatch-state
# script filled case_states and order_states) and the rest of REFERENCE 2.3 (the whole lab).
INVENTORY = {
    "offices", "categories", "profiles", "roles", "templates", "brackets", "doctors",
    "patients", "orders", "products", "jaws", "projects", "treatment_plans", "tasks",
    "messages", "team_communications", "cases", "case_states", "case_messages", "case_files",
    "files", "order_files", "message_attachments", "offers", "discounts", "purchases",
    "payments", "doctor_notes", "comments", "technician_roles", "technicians",
    "doctor_offices", "customer_feedback", "order_states",
    "teams", "courses", "role_permissions", "template_edit_roles", "template_view_roles",
    "template_view_groups", "template_products", "template_predecessors",
    "patients_doctors_offices", "order_cases", "system_messages", "operations", "storages",
    "ware", "global_settings", "user_actions",
}  # fmt: skip


def test_every_inventory_table_is_filled_and_reported() -> None:
    entities = CATALOGUE.entities.values()
    assert {e.target for e in entities} == INVENTORY
    assert {e.inventory_name for e in entities} == INVENTORY


def test_the_seed_workflows_exist() -> None:
    assert set(CATALOGUE.workflows) == {
        "core", "core-with-patients", "orders-with-deps", "products-with-deps",
        "jaws-with-deps", "all",
    }  # fmt: skip
    assert set(CATALOGUE.workflows["all"].entities) == set(CATALOGUE.entities)


def test_every_function_has_its_outcomes_documented() -> None:
    used = {
        function.__qualname__
        for entity in CATALOGUE.entities.values()
        for _, function in docs.functions(entity)
    }
    assert used == set(docs.OUTCOMES)


def test_the_committed_page_is_the_generated_one() -> None:
    assert PAGE.read_text() == docs.render(), "run: python -m ferry.brius.docs > docs/catalogue.md"
