"""Messages and team communications: the legacy dispatch_record log, and its attachments.

A record's recipient is a Django generic key: content type 11 names a dispatch_patient, 58 an
auth_user. Records to a patient or a user are messages, every other record a team
communication, so no record is left without an entity. The recipient is required, and a
parent is one entity, so messages to patients (`messages`) and to users (`user_messages`) are
two entities of the inventory's `messages`; their attachments split the same way.
"""

from __future__ import annotations

from ferry.brius import codes
from ferry.brius.entities.comments import BLANK_RECORD
from ferry.catalog import coerce
from ferry.catalog.spec import Column, Entity, Parent, SkipRule, Source


def _message(name: str, where: str, recipient: Parent, description: str) -> Entity:
    """The messages to one kind of recipient (`where` selects its content type)."""
    return Entity(
        name=name,
        target="messages",
        reports_as="messages",
        description=description,
        source=Source("dispatch_record r", "r.id", where=where),
        skip_rules=(BLANK_RECORD,),
        parents=(recipient, Parent("sender_id", "profiles", "r.author_id", required=False)),
        columns=(
            Column("message_type", "r.type", code=codes.MESSAGE_TYPE),
            Column("record_type_code", "r.type"),
            Column("content", "r.text"),
            Column("recipient_type", "r.target_type_id", code=codes.RECIPIENT_TYPE),
            Column("recipient_type_code", "r.target_type_id"),
            Column("is_public", "r.public"),
            Column("created_at", "r.created_at"),
            Column("metadata", "jsonb_build_object('legacy_group_id', r.group_id)::text"),
            Column("legacy_record_id", "r.id", legacy_key=True),
        ),
    )


MESSAGES = _message(
    "messages",
    "r.target_type_id = 11",
    Parent("recipient_patient_id", "patients", "r.target_id"),
    "Every dispatch_record addressed to a patient (content type 11).",
)
USER_MESSAGES = _message(
    "user_messages",
    "r.target_type_id = 58",
    Parent("recipient_profile_id", "profiles", "r.target_id"),
    "Every dispatch_record addressed to a user (content type 58).",
)

TEAM_COMMUNICATIONS = Entity(
    name="team_communications",
    target="team_communications",
    description="Every other dispatch_record (not addressed to a patient or a user).",
    source=Source("dispatch_record r", "r.id", where="r.target_type_id NOT IN (11, 58)"),
    skip_rules=(BLANK_RECORD,),
    parents=(Parent("author_id", "profiles", "r.author_id", required=False),),
    columns=(
        Column("communication_type", "r.type", code=codes.COMMUNICATION_TYPE),
        Column("record_type_code", "r.type"),
        Column("body", "r.text"),
        Column("is_public", "r.public"),
        Column("created_at", "r.created_at"),
        Column(
            "metadata",
            "jsonb_build_object('target_type_id', r.target_type_id, 'target_id', r.target_id,"
            " 'legacy_group_id', r.group_id)::text",
        ),
        Column("legacy_record_id", "r.id", legacy_key=True),
    ),
)


def _attachments(name: str, message: str, where: str, description: str) -> Entity:
    """Attachments whose record is read by the messages entity `message`."""
    return Entity(
        name=name,
        target="message_attachments",
        reports_as="message_attachments",
        description=description,
        source=Source(
            "dispatch_record_attachments a",
            "a.id",
            joins="LEFT JOIN dispatch_record r ON r.id = a.record_id"
            " LEFT JOIN dispatch_file f ON f.id = a.file_id",
            where=where,
        ),
        parents=(
            Parent("message_id", message, "a.record_id"),
            Parent("file_id", "files", "a.file_id"),
        ),
        columns=(
            Column("file_size", "f.size"),
            Column("attached_at", "r.created_at"),
            Column("legacy_attachment_id", "a.id", legacy_key=True),
        ),
    )


# A record that is missing, or is not a message at all, leaves its attachment to `messages`,
# where it finds no parent and is quarantined.
MESSAGE_ATTACHMENTS = _attachments(
    "message_attachments",
    "messages",
    "r.target_type_id IS DISTINCT FROM 58",
    "Every attachment of a record that is not a message to a user.",
)
USER_MESSAGE_ATTACHMENTS = _attachments(
    "user_message_attachments",
    "user_messages",
    "r.target_type_id = 58",
    "Every attachment of a message to a user.",
)

# The kind of a notification, read from its template name (the legacy app has no code for it).
# Matched in the name lowered once per row (`nt`, a lateral of the source): in UTF-8, ILIKE
# lowers the text for every pattern, and eleven ILIKEs cost about 2-3.6 µs a row, paid by the
# batch read, the source digests and the validation of 2M notifications.
_KINDS = (
    (("ship",), "shipment_update"),
    (("payment", "invoice"), "payment_update"),
    (("order", "instruction"), "order_update"),
    (("case", "plan"), "case_update"),
    (("remind",), "reminder"),
    (("welcome",), "welcome"),
    (("status",), "status_update"),
)
NOTIFICATION_TYPE = (
    "CASE "
    + " ".join(
        "WHEN "
        + " OR ".join(f"strpos(nt.name, '{word}') > 0" for word in words)
        + f" THEN '{kind}'"
        for words, kind in _KINDS
    )
    + " ELSE 'notification' END"
)
LOWERED_NAME = "CROSS JOIN LATERAL (SELECT lower(n.template_name) AS name) nt"
# The notification's item and sending flag as jsonb prints them (keys shortest first), written
# as text: jsonb_build_object(...)::text built and printed a document per row (1.5-2.1 µs).
NOTIFICATION_METADATA = (
    "'{\"sent\": ' || coalesce(n.sent::text, 'null')"
    " || ', \"item_id\": ' || coalesce(n.item_id::text, 'null')"
    " || ', \"item_type_id\": ' || coalesce(n.item_type_id::text, 'null') || '}'"
)
# django_content_type 9 is dispatch.instruction: the notification is about an order.
INSTRUCTION_CONTENT_TYPE = 9

SYSTEM_MESSAGES = Entity(
    name="system_messages",
    target="system_messages",
    description="The valid notifications (sent on purpose, with a context and a recipient) as "
    "system messages: template name as message code, parsed context as message data; a "
    "context that is not a JSON object is quarantined (message_data holds parsed documents "
    "only); the order is the notification's item when it is an instruction.",
    source=Source("dispatch_notification n", "n.id", joins=LOWERED_NAME),
    skip_rules=(
        SkipRule(
            "outside_valid_subset",
            "NOT (n.send AND coalesce(btrim(n.template_context), '') <> ''"
            " AND n.recipient_id IS NOT NULL)",
            "not meant to be sent, no context, or no recipient (the lab's valid subset)",
        ),
    ),
    parents=(
        Parent("recipient_id", "profiles", "n.recipient_id"),
        Parent(
            "order_id",
            "orders",
            f"CASE WHEN n.item_type_id = {INSTRUCTION_CONTENT_TYPE} THEN n.item_id END",
            required=False,
        ),
    ),
    columns=(
        Column("message_type", NOTIFICATION_TYPE),
        Column("message_code", "n.template_name"),
        Column(
            "message_data",
            "n.template_context",
            coerce=coerce.json_object("template_context", "invalid_context"),
        ),
        Column("message", "initcap(replace(n.template_name, '_', ' '))"),
        Column("sender", "n.sender"),
        Column("is_read", "n.read"),
        Column("processed", "coalesce(n.sent, false)"),
        Column("created_at", "n.created_at"),
        Column("metadata", NOTIFICATION_METADATA),
        Column("legacy_notification_id", "n.id", legacy_key=True),
    ),
)
