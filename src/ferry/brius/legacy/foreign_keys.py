"""Every foreign-key-like column of the legacy schema, and the scan that records its orphans.

The legacy database declares no foreign key; these are the references Django's models make
(REFERENCE 1.10). An orphan is a non-NULL value with no row behind it. The scan runs after
every injection, so synthetic.pathology lists exactly the orphans the data holds, whether
injected on purpose or inherited (a payment copying its patient's missing office).
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql


@dataclass(frozen=True)
class ForeignKey:
    """`table.column` refers to `parent.id`; `content_type` narrows a generic (polymorphic) key
    whose content type is held in `type_column`."""

    table: str
    column: str
    parent: str
    content_type: int | None = None
    type_column: str = "target_type_id"

    def narrowing(self) -> sql.Composable:
        """` AND t.<type column> = N` for a generic key (its rows aliased `t`), else nothing."""
        if self.content_type is None:
            return sql.SQL("")
        return sql.SQL(" AND t.{} = {}").format(
            sql.Identifier(self.type_column), sql.Literal(self.content_type)
        )


def _fks(table: str, **columns: str) -> tuple[ForeignKey, ...]:
    return tuple(ForeignKey(table, column, parent) for column, parent in columns.items())


_USER = "auth_user"
_INSTRUCTION = "dispatch_instruction"
_TEMPLATE = "dispatch_template"
_ROLE = "dispatch_role"
_PRODUCT = "dispatch_product"
_CONTENT_TYPE = "django_content_type"


def _generic(table: str, column: str, type_column: str, **parents: int) -> tuple[ForeignKey, ...]:
    """A Django generic key: `column` refers to the parent that its `type_column` names."""
    return tuple(
        ForeignKey(table, column, parent, content_type, type_column)
        for parent, content_type in parents.items()
    )


FOREIGN_KEYS: tuple[ForeignKey, ...] = (
    *_fks("auth_user_groups", user_id=_USER, group_id="auth_group"),
    *_fks("dispatch_usersetting", user_id=_USER),
    *_fks("dispatch_doctorsetting", user_id=_USER),
    *_fks("dispatch_agent", user_id=_USER),
    *_fks("dispatch_office_doctors", office_id="dispatch_office", user_id=_USER),
    *_fks("dispatch_patient", user_id=_USER, doctor_id=_USER, office_id="dispatch_office"),
    *_fks("dispatch_product", course_id="dispatch_course"),
    *_fks(
        _INSTRUCTION,
        patient_id="dispatch_patient",
        course_id="dispatch_course",
        upper_jaw_id="dispatch_jaw",
        lower_jaw_id="dispatch_jaw",
    ),
    *_fks(
        "dispatch_order",
        instruction_id=_INSTRUCTION,
        course_id="dispatch_course",
        patient_id="dispatch_patient",
    ),
    *_fks("dispatch_jaw", product_id="dispatch_product"),
    *_fks("dispatch_state", instruction_id=_INSTRUCTION, actor_id=_USER),
    *_fks("dispatch_category", parent_id="dispatch_category"),
    *_fks("dispatch_template", category_id="dispatch_category"),
    *_fks(
        "dispatch_task",
        instruction_id=_INSTRUCTION,
        plan_id="dispatch_plan",
        order_id="dispatch_order",
        file_id="dispatch_file",
        template_id="dispatch_template",
        actor_id=_USER,
    ),
    *_fks("dispatch_project", creator_id=_USER),
    *_fks("dispatch_plan", instruction_id=_INSTRUCTION, project_id="dispatch_project"),
    *_fks("dispatch_comment", plan_id="dispatch_plan", author_id=_USER),
    *_fks("dispatch_note", doctor_id=_USER, author_id=_USER),
    *_fks("dispatch_bracket", project_id="dispatch_project"),
    *_fks(
        "dispatch_file",
        instruction_id=_INSTRUCTION,
        product_id="dispatch_product",
        record_id="dispatch_record",
    ),
    *_fks(
        "dispatch_record",
        target_type_id="django_content_type",
        author_id=_USER,
        group_id="auth_group",
    ),
    ForeignKey("dispatch_record", "target_id", _INSTRUCTION, content_type=9),
    ForeignKey("dispatch_record", "target_id", "dispatch_patient", content_type=11),
    ForeignKey("dispatch_record", "target_id", "dispatch_plan", content_type=12),
    ForeignKey("dispatch_record", "target_id", _USER, content_type=58),
    *_fks("dispatch_record_attachments", record_id="dispatch_record", file_id="dispatch_file"),
    *_fks("dispatch_offer", doctor_id=_USER, product_id="dispatch_product"),
    *_fks("dispatch_discount", offer_id="dispatch_offer"),
    *_fks(
        "dispatch_payment",
        instruction_id=_INSTRUCTION,
        order_id="dispatch_order",
        doctor_id=_USER,
        office_id="dispatch_office",
    ),
    *_fks("dispatch_role", user_id=_USER, group_id="auth_group"),
    # tables_rest.sql
    *_fks("auth_permission", content_type_id=_CONTENT_TYPE),
    *_fks("auth_group_permissions", group_id="auth_group", permission_id="auth_permission"),
    *_fks("dispatch_role_permissions", role_id=_ROLE, permission_id="auth_permission"),
    *_fks("dispatch_template_edit_roles", template_id=_TEMPLATE, role_id=_ROLE),
    *_fks("dispatch_template_view_roles", template_id=_TEMPLATE, role_id=_ROLE),
    *_fks("dispatch_template_view_groups", template_id=_TEMPLATE, group_id="auth_group"),
    *_fks("dispatch_template_products", template_id=_TEMPLATE, product_id=_PRODUCT),
    *_fks("dispatch_template_predecessors", from_template_id=_TEMPLATE, to_template_id=_TEMPLATE),
    *_fks("dispatch_notification", item_type_id=_CONTENT_TYPE, recipient_id=_USER),
    *_generic(
        "dispatch_notification",
        "item_id",
        "item_type_id",
        dispatch_instruction=9,
        dispatch_patient=11,
        dispatch_file=20,
        dispatch_payment=33,
    ),
    *_fks("dispatch_operation", payment_id="dispatch_payment"),
    *_fks("dispatch_ware", product_id=_PRODUCT, storage_id="dispatch_storage"),
    *_fks(
        "dispatch_action", item_type_id=_CONTENT_TYPE, owner_type_id=_CONTENT_TYPE, user_id=_USER
    ),
    *_generic(
        "dispatch_action", "item_id", "item_type_id", dispatch_instruction=9, dispatch_patient=11
    ),
    *_generic("dispatch_action", "owner_id", "owner_type_id", auth_user=58),
    *_fks("dispatch_instance", patient_id="dispatch_patient"),
    *_fks("dispatch_client3d", client_id="dispatch_client"),
    *_fks("dispatch_master", user_id=_USER),
    *_fks("dispatch_reading", user_id=_USER, record_id="dispatch_record"),
    *_fks("dispatch_record_roles", record_id="dispatch_record", role_id=_ROLE),
    *_fks("dispatch_product_roles", product_id=_PRODUCT, role_id=_ROLE),
    *_fks("dispatch_product_successors", from_product_id=_PRODUCT, to_product_id=_PRODUCT),
    *_fks(
        "dispatch_doctorsetting_masters", doctorsetting_id="dispatch_doctorsetting", user_id=_USER
    ),
    *_fks("dispatch_doctorsetting_sales", doctorsetting_id="dispatch_doctorsetting", user_id=_USER),
)


def orphan_query(table: str, fks: list[ForeignKey]) -> sql.Composed:
    """SELECT (id, column) of every orphan value of `table`'s references `fks`, in one pass
    over the table: each parent is LEFT JOINed (alias p<i>) and only the rows where some
    reference finds nothing are unpivoted (the big tables are read once, not once per column)."""
    joins = sql.SQL(" ").join(
        sql.SQL("LEFT JOIN {parent} AS {alias} ON {alias}.id = t.{column}{narrowed}").format(
            parent=sql.Identifier(fk.parent),
            alias=sql.Identifier(f"p{i}"),
            column=sql.Identifier(fk.column),
            narrowed=fk.narrowing(),
        )
        for i, fk in enumerate(fks)
    )
    orphans = [
        sql.SQL("(t.{column} IS NOT NULL{narrowed} AND {alias}.id IS NULL)").format(
            column=sql.Identifier(fk.column),
            narrowed=fk.narrowing(),
            alias=sql.Identifier(f"p{i}"),
        )
        for i, fk in enumerate(fks)
    ]
    details = sql.SQL(", ").join(
        sql.SQL("CASE WHEN {orphan} THEN {column} END").format(
            orphan=orphan, column=sql.Literal(fk.column)
        )
        for orphan, fk in zip(orphans, fks, strict=True)
    )
    return sql.SQL(
        "SELECT id, detail FROM (SELECT t.id, unnest(ARRAY[{details}]) AS detail"
        " FROM {table} AS t {joins} WHERE {any}) AS o WHERE detail IS NOT NULL"
    ).format(
        details=details,
        table=sql.Identifier(table),
        joins=joins,
        any=sql.SQL(" OR ").join(orphans),
    )


def record_orphans(conn: psycopg.Connection) -> None:
    """Add one synthetic.pathology row (class 'orphan', detail = column) per orphan value."""
    by_table: dict[str, list[ForeignKey]] = {}
    for fk in FOREIGN_KEYS:
        by_table.setdefault(fk.table, []).append(fk)
    for table, fks in by_table.items():
        conn.execute(
            sql.SQL(
                "INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)"
                " SELECT {table}, id, 'orphan', detail FROM ({orphans}) AS o"
            ).format(table=sql.Literal(table), orphans=orphan_query(table, fks))
        )
