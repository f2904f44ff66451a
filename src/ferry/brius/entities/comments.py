"""Comments, doctor notes and customer feedback: the free text of dispatch_comment (on a
treatment plan), dispatch_note (on a doctor) and, for feedback, dispatch_record.

One ferry entity reads one legacy table, so the inventory's `comments` is two entities
(`comments` from dispatch_comment, `note_comments` from dispatch_note) and its
`customer_feedback` two more (`customer_feedback` from dispatch_comment, `record_feedback`
from dispatch_record); each pair writes one target table.
"""

from __future__ import annotations

from ferry.brius.entities.people import IS_DOCTOR
from ferry.catalog.spec import Column, Entity, Parent, SkipRule, Source

BLANK_COMMENT = SkipRule(
    "blank_text", "m.text IS NULL OR btrim(m.text) = ''", "the comment has no text"
)
BLANK_NOTE = SkipRule("blank_text", "n.text IS NULL OR btrim(n.text) = ''", "the note has no text")
BLANK_RECORD = SkipRule(
    "blank_text", "r.text IS NULL OR btrim(r.text) = ''", "the record has no text"
)

COMMENTS = Entity(
    name="comments",
    target="comments",
    description="Every dispatch_comment: a discussion of a treatment plan.",
    source=Source("dispatch_comment m", "m.id"),
    skip_rules=(BLANK_COMMENT,),
    parents=(
        Parent("author_id", "profiles", "m.author_id", required=False),
        Parent("treatment_plan_id", "treatment_plans", "m.plan_id", required=False),
    ),
    columns=(
        Column("comment_type", "'treatment_discussion'"),
        Column("content", "m.text"),
        Column("created_at", "m.created_at"),
        Column("legacy_comment_id", "m.id", legacy_key=True),
    ),
)

NOTE_COMMENTS = Entity(
    name="note_comments",
    target="comments",
    reports_as="comments",
    description="Every dispatch_note, as a comment of type doctor_note (the doctor "
    "it is about is in doctor_notes).",
    source=Source("dispatch_note n", "n.id"),
    skip_rules=(BLANK_NOTE,),
    parents=(Parent("author_id", "profiles", "n.author_id", required=False),),
    columns=(
        Column("comment_type", "'doctor_note'"),
        Column("content", "n.text"),
        Column("created_at", "n.created_at"),
        Column("metadata", "jsonb_build_object('legacy_doctor_id', n.doctor_id)::text"),
        Column("legacy_note_id", "n.id", legacy_key=True),
    ),
)

DOCTOR_NOTES = Entity(
    name="doctor_notes",
    target="doctor_notes",
    description="Every dispatch_note: its comment and the doctor it is about.",
    source=Source("dispatch_note n", "n.id"),
    skip_rules=(BLANK_NOTE,),
    parents=(
        Parent("comment_id", "note_comments", "n.id"),
        Parent("doctor_id", "doctors", "n.doctor_id"),
    ),
    columns=(
        Column("created_at", "n.created_at"),
        Column("legacy_note_id", "n.id", legacy_key=True),
    ),
)

# Feedback is what a doctor (of the doctors domain) wrote; a few characters are not feedback.
BY_DOCTOR_COMMENT = (
    "EXISTS (SELECT 1 FROM auth_user u WHERE u.id = m.author_id AND " + IS_DOCTOR + ")"
)
BY_DOCTOR_RECORD = (
    "EXISTS (SELECT 1 FROM auth_user u WHERE u.id = r.author_id AND " + IS_DOCTOR + ")"
)
SHORT_COMMENT = SkipRule(
    "short_text", "char_length(btrim(m.text)) <= 5", "5 characters or fewer: not feedback"
)
SHORT_RECORD = SkipRule(
    "short_text", "char_length(btrim(r.text)) <= 5", "5 characters or fewer: not feedback"
)

CUSTOMER_FEEDBACK = Entity(
    name="customer_feedback",
    target="customer_feedback",
    description="Comments written by a doctor; the patient is the plan's instruction's patient.",
    source=Source(
        "dispatch_comment m",
        "m.id",
        joins="LEFT JOIN dispatch_plan pl ON pl.id = m.plan_id"
        " LEFT JOIN dispatch_instruction i ON i.id = pl.instruction_id",
        where=BY_DOCTOR_COMMENT,
    ),
    skip_rules=(BLANK_COMMENT, SHORT_COMMENT),
    parents=(
        Parent("author_id", "profiles", "m.author_id", required=False),
        Parent("patient_id", "patients", "i.patient_id", required=False),
    ),
    columns=(
        Column("feedback_type", "'treatment_plan_comment'"),
        Column("description", "m.text"),
        Column("created_at", "m.created_at"),
        Column("legacy_comment_id", "m.id", legacy_key=True),
    ),
)

RECORD_FEEDBACK = Entity(
    name="record_feedback",
    target="customer_feedback",
    reports_as="customer_feedback",
    description="Records written by a doctor; the patient is the record's target patient.",
    source=Source("dispatch_record r", "r.id", where=BY_DOCTOR_RECORD),
    skip_rules=(BLANK_RECORD, SHORT_RECORD),
    parents=(
        Parent("author_id", "profiles", "r.author_id", required=False),
        Parent(
            "patient_id",
            "patients",
            "CASE WHEN r.target_type_id = 11 THEN r.target_id END",
            required=False,
        ),
    ),
    columns=(
        Column("feedback_type", "'record'"),
        Column("description", "r.text"),
        Column("created_at", "r.created_at"),
        Column(
            "metadata",
            "jsonb_build_object('record_type_code', r.type,"
            " 'target_type_id', r.target_type_id, 'target_id', r.target_id)::text",
        ),
        Column("legacy_record_id", "r.id", legacy_key=True),
    ),
)
