"""Installing the legacy schema and the `synthetic` ground-truth schema in the source database."""

from __future__ import annotations

from importlib.resources import files

import psycopg
from psycopg import pq

# Every legacy table the generator fills, in the order it fills them.
LEGACY_TABLES: tuple[str, ...] = (
    "auth_group",
    "django_content_type",
    "dispatch_course",
    "dispatch_product",
    "dispatch_category",
    "dispatch_template",
    "dispatch_role",
    "auth_user",
    "auth_user_groups",
    "dispatch_usersetting",
    "dispatch_doctorsetting",
    "dispatch_agent",
    "dispatch_office",
    "dispatch_office_doctors",
    "dispatch_patient",
    "dispatch_instruction",
    "dispatch_order",
    "dispatch_jaw",
    "dispatch_project",
    "dispatch_plan",
    "dispatch_comment",
    "dispatch_bracket",
    "dispatch_note",
    "dispatch_state",
    "dispatch_task",
    "dispatch_file",
    "dispatch_record",
    "dispatch_record_attachments",
    "dispatch_payment",
    "dispatch_offer",
    "dispatch_discount",
    # tables_rest.sql: the rest of REFERENCE 1.1 (gen_11 to gen_14)
    "auth_permission",
    "auth_group_permissions",
    "dispatch_role_permissions",
    "dispatch_template_edit_roles",
    "dispatch_template_view_roles",
    "dispatch_template_view_groups",
    "dispatch_template_products",
    "dispatch_template_predecessors",
    "dispatch_notification",
    "dispatch_operation",
    "dispatch_purchase",
    "dispatch_storage",
    "dispatch_ware",
    "dispatch_globalsetting",
    "dispatch_action",
    "dispatch_instance",
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


def sql_text(name: str) -> str:
    """A statement file shipped with the package (src/ferry/brius/legacy/sql/)."""
    return files(__package__).joinpath("sql", name).read_text(encoding="utf-8")


def commit_if_open(conn: psycopg.Connection) -> None:
    """Commit what this module wrote when the caller's connection is not in autocommit mode."""
    if conn.info.transaction_status == pq.TransactionStatus.INTRANS:
        conn.commit()


def install_schema(conn: psycopg.Connection) -> None:
    """Create the legacy tables, their indexes and schema `synthetic`; safe to run again."""
    with conn.transaction():
        for name in (
            "tables.sql",
            "tables_rest.sql",
            "indexes.sql",
            "synthetic.sql",
            "mutation_schema.sql",
        ):
            conn.execute(sql_text(name))
    commit_if_open(conn)
