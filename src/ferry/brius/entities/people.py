"""People and offices: offices, profiles (one per auth_user), doctors, patients, technicians and
the links between doctors and offices.

There is no doctor table in the legacy database: doctors, patients and staff are all auth_user
rows. A doctor candidate is a user with a dispatch_usersetting row or an office link who is not
a patient; patients are users with a dispatch_patient row.
"""

from __future__ import annotations

from typing import Any

from ferry.brius import codes, coercions, earlier_tools
from ferry.catalog import coerce
from ferry.catalog.spec import Column, Entity, Parent, SkipRule, Source

IS_DOCTOR_CANDIDATE = (
    "(EXISTS (SELECT 1 FROM dispatch_usersetting s WHERE s.user_id = u.id)"
    " OR EXISTS (SELECT 1 FROM dispatch_office_doctors od WHERE od.user_id = u.id))"
)
IS_PATIENT = "EXISTS (SELECT 1 FROM dispatch_patient pp WHERE pp.user_id = u.id)"
# The doctors domain: a candidate who is not also a patient (alias u = auth_user).
IS_DOCTOR = IS_DOCTOR_CANDIDATE + " AND NOT " + IS_PATIENT
IS_TECHNICIAN = (
    "EXISTS (SELECT 1 FROM auth_user_groups g WHERE g.user_id = u.id AND g.group_id = 11)"
)
TEST_ACCOUNT = (
    "(u.email ILIKE '%@brius.com' OR u.email ILIKE '%@mechanodontics.com'"
    " OR u.email ILIKE '%test%' OR u.email ILIKE '%demo%'"
    " OR u.first_name ILIKE '%test%' OR u.first_name ILIKE '%demo%'"
    " OR u.last_name ILIKE '%test%' OR u.last_name ILIKE '%demo%')"
)


def _normalised(column: str) -> str:
    """Lower-case, trimmed, single-spaced: how the lab compared office addresses."""
    return "coalesce(lower(regexp_replace(trim(o." + column + "), '\\s+', ' ', 'g')), '')"


def _digest(key: str) -> str:
    """The md5 of a dedup key expression, which is what ferry stores and compares.

    Dedup keys live in ferry's mappings table under a btree index, which refuses entries over
    2704 bytes: five normalised office fields of up to 734 characters reach ~2.9 kB in 4-byte
    UTF-8, and the offices entity stopped. A digest has a fixed length, is equal exactly when
    the keys are, and keeps addresses out of ferry's bookkeeping.
    """
    return "md5(" + key + ")"


OFFICES = Entity(
    name="offices",
    target="offices",
    description="Every dispatch_office; duplicates (same normalised address) share one office.",
    source=Source("dispatch_office o", "o.id"),
    dedup_key=_digest(
        " || '|' || ".join(_normalised(c) for c in ("name", "address", "city", "state", "zip"))
    ),
    dedup_fix="merged_duplicate_office",
    preexisting=earlier_tools.adopted("office"),
    columns=(
        Column("name", "o.name"),
        Column("address", "o.address"),
        Column("apartment", "o.apt"),
        Column("city", "o.city"),
        Column("state", "o.state"),
        Column("zip_code", "o.zip"),
        Column("country", "o.country", coerce=coercions.country),
        Column("phone", "o.phone"),
        Column("tax_rate", "o.tax_rate", coerce=coercions.fraction_rate),
        Column("square_customer_id", "o.sq_customer_id"),
        Column("is_active", "o.valid"),
        Column("email_notifications", "o.emails"),
        Column("legacy_office_id", "o.id", legacy_key=True),
    ),
)

PROFILE_TYPE = (
    "CASE WHEN p.id IS NOT NULL THEN 'patient'"
    " WHEN " + IS_DOCTOR_CANDIDATE + " THEN 'doctor'"
    " WHEN " + IS_TECHNICIAN + " THEN 'technician'"
    " WHEN u.is_superuser THEN 'master'"
    " WHEN u.is_staff THEN 'admin'"
    " ELSE 'client' END"
)

PROFILES = Entity(
    name="profiles",
    target="profiles",
    description="One profile per auth_user, all of them (inactive ones keep is_active false).",
    source=Source("auth_user u", "u.id", joins="LEFT JOIN dispatch_patient p ON p.user_id = u.id"),
    preexisting=earlier_tools.adopted("profile"),
    columns=(
        Column("profile_type", PROFILE_TYPE),
        Column("first_name", "u.first_name", coerce=coerce.name_or_unknown),
        Column("last_name", "u.last_name", coerce=coerce.name_or_unknown),
        Column("email", "u.email", coerce=coerce.email),
        Column("username", "u.username"),
        Column("password_hash", "u.password"),
        Column("is_active", "u.is_active"),
        Column("archived", "coalesce(p.archived, false)"),
        Column("suspended", "coalesce(p.suspended, false)"),
        Column("patient_suffix", "p.suffix", coerce=coerce.blank_is_null),
        Column("date_of_birth", "p.birthdate"),
        Column("gender", "p.sex", code=codes.SEX),
        Column("date_joined", "u.date_joined"),
        Column("last_login_at", "u.last_login"),
        Column("legacy_user_id", "u.id", legacy_key=True),
    ),
)

# The doctor's dispatch_doctorsetting row (clinical preferences, Square customer, credit, tiers,
# agreements), kept whole in metadata: the target has no columns for it.
DOCTOR_SETTINGS = (
    "coalesce((SELECT jsonb_build_object('settings', jsonb_build_object("
    "'clinical_preferences', ds.clinical_preferences, 'sq_customer_id', ds.sq_customer_id,"
    " 'promised_payment', ds.promised_payment, 'credit', ds.credit,"
    " 'tier_finish', ds.tier_finish, 'tier_type', ds.tier_type,"
    " 'installment_payments', ds.installment_payments, 'baa_agreed_at', ds.baa_agreed_at,"
    " 'eula_agreed_at', ds.eula_agreed_at, 'company_account', ds.company_account))"
    " FROM dispatch_doctorsetting ds WHERE ds.user_id = u.id), '{}'::jsonb)::text"
)

DOCTORS = Entity(
    name="doctors",
    target="doctors",
    description="Doctor candidates (usersetting or office link) who are not patients.",
    source=Source("auth_user u", "u.id", where=IS_DOCTOR),
    skip_rules=(
        SkipRule("test_account", TEST_ACCOUNT, "internal or test account (brius/demo/test)"),
    ),
    parents=(
        Parent("profile_id", "profiles", "u.id"),
        Parent(
            "primary_office_id",
            "offices",
            "(SELECT min(od.office_id) FROM dispatch_office_doctors od WHERE od.user_id = u.id)",
            required=False,
        ),
    ),
    columns=(
        Column("doctor_number", "'DOC-' || u.id"),
        Column("is_active", "u.is_active"),
        Column("licensed_since", "u.date_joined::date"),
        Column("joined_practice_at", "u.date_joined"),
        Column("metadata", DOCTOR_SETTINGS),
        Column("legacy_user_id", "u.id", legacy_key=True),
    ),
)

PATIENTS = Entity(
    name="patients",
    target="patients",
    description="Every dispatch_patient (archived ones too); doctor and office are optional.",
    source=Source("dispatch_patient p", "p.id", changed_at="p.updated_at"),
    parents=(
        Parent("profile_id", "profiles", "p.user_id"),
        Parent("primary_doctor_id", "doctors", "p.doctor_id", required=False),
        Parent("assigned_office_id", "offices", "p.office_id", required=False),
    ),
    columns=(
        Column("patient_number", "'PAT-' || lpad(p.id::text, 6, '0')"),
        Column("suffix", "p.suffix", coerce=coerce.blank_is_null),
        Column("sex", "p.sex", code=codes.SEX),
        Column("sex_code", "p.sex"),
        Column("date_of_birth", "p.birthdate"),
        Column("status", "p.status", code=codes.PATIENT_STATUS),
        Column("status_code", "p.status"),
        Column("archived", "coalesce(p.archived, false)"),
        Column("suspended", "p.suspended"),
        Column("schemes", "p.schemes", coerce=coerce.json_document),
        Column("enrolled_at", "p.submitted_at"),
        Column("legacy_patient_id", "p.id", legacy_key=True),
    ),
)


def _status_from_account(row: dict[str, Any]) -> dict[str, Any]:
    """A technician without an agent row has no status code: the account's flag says it."""
    if row["status"] is None:
        row["status"] = "active" if row["_is_active"] == "t" else "inactive"
    return row


TECHNICIANS = Entity(
    name="technicians",
    target="technicians",
    description="Users of auth group 11; their agent row (the lowest, if any) adds the job.",
    source=Source(
        "auth_user u",
        "u.id",
        joins="LEFT JOIN LATERAL (SELECT * FROM dispatch_agent x WHERE x.user_id = u.id"
        " ORDER BY x.id LIMIT 1) a ON true",
        where=IS_TECHNICIAN,
    ),
    parents=(Parent("profile_id", "profiles", "u.id"),),
    columns=(
        Column("employee_id", "u.username"),
        Column("department", "a.department"),
        Column("position", "a.position"),
        Column("status", "a.status", code=codes.AGENT_STATUS),
        Column("status_code", "a.status"),
        Column("_is_active", "u.is_active"),
        Column("hire_date", "u.date_joined::date"),
        Column("metadata", "jsonb_strip_nulls(jsonb_build_object('phone', a.phone))::text"),
        Column("legacy_user_id", "u.id", legacy_key=True),
        Column("legacy_agent_id", "a.id"),
    ),
    transform=_status_from_account,
)

DOCTOR_OFFICES = Entity(
    name="doctor_offices",
    target="doctor_offices",
    description="Every doctor-office link. A doctor linked twice to offices merged into one "
    "breaks the target's UNIQUE (doctor_id, office_id): the later link is quarantined.",
    source=Source("dispatch_office_doctors l", "l.id"),
    parents=(
        Parent("doctor_id", "doctors", "l.user_id"),
        Parent("office_id", "offices", "l.office_id"),
    ),
    columns=(
        Column(
            "is_primary",
            "l.office_id = (SELECT min(x.office_id) FROM dispatch_office_doctors x"
            " WHERE x.user_id = l.user_id)",
        ),
        Column("legacy_office_doctor_id", "l.id", legacy_key=True),
    ),
)

PATIENTS_DOCTORS_OFFICES = Entity(
    name="patients_doctors_offices",
    target="patients_doctors_offices",
    description="One resolution row per dispatch_patient: the patient, its doctor and its "
    "office, all three migrated; a patient without a doctor or an office has none.",
    source=Source("dispatch_patient p", "p.id"),
    skip_rules=(
        SkipRule(
            "no_doctor_or_office",
            "p.doctor_id IS NULL OR p.office_id IS NULL",
            "the patient has no doctor or no office to resolve",
        ),
    ),
    parents=(
        Parent("patient_id", "patients", "p.id"),
        Parent("doctor_id", "doctors", "p.doctor_id"),
        Parent("office_id", "offices", "p.office_id"),
    ),
    columns=(Column("legacy_patient_id", "p.id", legacy_key=True),),
)
