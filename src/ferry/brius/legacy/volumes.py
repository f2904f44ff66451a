"""How many rows, and how many of them sick: the generator's knobs, derived from the reference.

Volumes at scale 1.0 reproduce the seed snapshot (REFERENCE sections 6 and 8); every volume
scales linearly with a floor, so that a tiny scale still has room for every pathology class.
Catalogue tables (groups, courses, products, categories, templates, roles) do not scale.

A rate is a share of a named population; the generator injects exactly
`max(minimum, round(rate * population))` rows, so every class shows up at any scale and the
measured rate of a large generation is the documented one. docs/pathologies.md restates them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Rate:
    """Share of a population to make sick, and the count never to go below."""

    rate: float
    minimum: int = 2


# Scale-1.0 volume and floor of every generated population.
_BASE: dict[str, tuple[int, int]] = {
    "patients": (7_854, 120),
    "doctor_candidates": (1_181, 60),
    "technicians": (85, 8),
    "staff": (40, 8),
    "other_users": (646, 12),
    "offices": (870, 30),
    "instructions": (23_272, 300),
    "projects": (66_918, 600),
    "plans": (67_782, 600),
    "comments": (15_074, 150),
    "notes": (963, 30),
    "brackets": (1_569, 20),
    "states": (4_751, 60),
    "tasks": (762_604, 6_000),
    "files": (294_818, 3_000),
    "records": (70_021, 700),
    "payments": (16_014, 200),
    "offers": (788, 30),
    "discounts": (151, 12),
    "notifications": (5_102_536, 20_000),
    "operations": (3_522, 50),
    "wares": (16_552, 200),
    "actions": (23_000, 200),
}

RATES: dict[str, Rate] = {
    # users and doctor candidates (population: candidates unless said otherwise)
    "test_account": Rate(0.189),
    "inactive_doctor": Rate(0.141),
    "never_logged_in": Rate(0.29),
    "duplicate_email": Rate(0.0525),
    "duplicate_name": Rate(0.103),
    "patient_doctor": Rate(0.005),
    "organisation_name": Rate(0.02),
    "doctors_with_patients": Rate(0.37),
    "multiple_groups": Rate(0.03),  # of users
    "invalid_email": Rate(0.01, 5),  # of users; one of each of the five defects at least
    "blank_email": Rate(0.005),  # of users
    "typo_email_domain": Rate(0.005),  # of users
    "blank_name": Rate(0.01),  # of users
    "deleted_user": Rate(0.01, 10),  # user ids that no longer exist (targets of orphans)
    # offices and doctor-office links
    "invalid_office": Rate(0.39),
    "null_country": Rate(0.004),
    "country_variant": Rate(0.02),
    "tax_rate_percent": Rate(0.45),
    "duplicate_office": Rate(0.03),
    "blank_office_name": Rate(0.01),
    "doctors_with_offices": Rate(0.36),
    "orphan_link_office": Rate(0.01),
    "orphan_link_user": Rate(0.01),
    # patients
    "archived_patient": Rate(0.154),
    "null_suffix": Rate(0.03),
    "blank_suffix": Rate(0.01),
    "malformed_suffix": Rate(0.0001),
    "patient_without_doctor": Rate(0.001),
    "unmigratable_doctor": Rate(0.01, 3),
    "patient_without_office": Rate(0.03),
    "orphan_patient_office": Rate(0.005),
    "orphan_patient_user": Rate(0.001),
    "invalid_json_schemes": Rate(0.01),
    # orders (dispatch_instruction) and jaws
    "soft_deleted_instruction": Rate(0.015),
    "unknown_order_status": Rate(0.0005),
    "orphan_instruction_patient": Rate(0.0005),
    "invalid_json_exports": Rate(0.005),
    "unreferenced_jaw": Rate(0.008),
    "jaw_product_not_migrated": Rate(0.02),
    "orphan_jaw_product": Rate(0.0005),
    # planning
    "unknown_project_type": Rate(0.0001),
    "orphan_project_creator": Rate(0.01),
    "orphan_plan_instruction": Rate(0.004),
    "orphan_plan_project": Rate(0.0005),
    "blank_comment": Rate(0.01),
    "orphan_comment_author": Rate(0.066),
    "orphan_comment_plan": Rate(0.001),
    "short_feedback_comment": Rate(0.02),  # of doctor-authored comments
    "blank_note": Rate(0.005),
    "note_doctor_not_migrated": Rate(0.01),
    "orphan_note_author": Rate(0.01),
    # work
    "null_state_instruction": Rate(0.01),
    "zero_state_instruction": Rate(0.005),
    "orphan_state_instruction": Rate(0.025),
    "orphan_state_actor": Rate(0.043),
    "null_task_instruction": Rate(0.004),
    "orphan_task_instruction": Rate(0.004),
    "orphan_task_actor": Rate(0.01),
    "orphan_task_template": Rate(0.003),
    # files and records
    "double_extension": Rate(0.01),
    "invalid_json_parameters": Rate(0.005),
    "orphan_file_instruction": Rate(0.00001),  # of files that carry an instruction
    "shared_file_uid": Rate(0.0001),  # pairs, of files that carry an instruction
    "unknown_record_type": Rate(0.0002),
    "orphan_record_author": Rate(0.04),
    "orphan_record_target": Rate(0.01),  # of message records (target patient or user)
    "blank_record": Rate(0.01),
    "short_feedback_record": Rate(0.02),  # of doctor-authored records
    "orphan_attachment_record": Rate(0.0005),
    "orphan_attachment_file": Rate(0.0005),
    # money
    "null_payment_instruction": Rate(0.0001),
    "orphan_payment_instruction": Rate(0.0001),
    "invalid_json_installments": Rate(0.005),
    "offer_doctor_not_migrated": Rate(0.025),
    "null_offer_doctor": Rate(0.0013),
    "discount_on_lost_offer": Rate(0.10),
    # notifications: the share outside the valid subset is drawn per row (not a quota); the
    # malformed contexts are 18 : 12 : 6 : 4 per 2.04M valid rows (population: valid subset)
    "notification_outside_valid": Rate(0.6),  # of notifications
    "malformed_escape_context": Rate(0.0000088),
    "null_context_with_template": Rate(0.0000059),
    "invalid_unicode_context": Rate(0.0000029),
    "self_reference_context": Rate(0.000002),
    "orphan_notification_recipient": Rate(0.0001),
    "orphan_notification_order": Rate(0.00001),
    # permissions and template junctions (fixed catalogues)
    "orphan_role_permission_permission": Rate(0.002),
    "orphan_role_permission_role": Rate(0.002),
    "template_product_not_migrated": Rate(0.44),
    "orphan_template_junction": Rate(0.003),  # of each junction table but template_products
    # operations, inventory, actions
    "refund_operation": Rate(0.10),
    "unknown_operation_type": Rate(0.001),
    "null_operation_payment": Rate(0.001),
    "orphan_operation_payment": Rate(0.001),
    "ware_product_not_migrated": Rate(0.02),
    "null_ware_storage": Rate(0.001),
    "orphan_action_user": Rate(0.01),
    "invalid_json_action_data": Rate(0.005),
}


@dataclass(frozen=True)
class Volumes:
    """Row counts of every scaled population at one scale."""

    patients: int
    doctor_candidates: int
    technicians: int
    staff: int
    other_users: int
    offices: int
    instructions: int
    projects: int
    plans: int
    comments: int
    notes: int
    brackets: int
    states: int
    tasks: int
    files: int
    records: int
    payments: int
    offers: int
    discounts: int
    notifications: int
    operations: int
    wares: int
    actions: int

    @classmethod
    def at(cls, scale: float) -> Volumes:
        if not scale > 0:
            raise ValueError("scale must be positive")
        return cls(
            **{name: max(floor, round(base * scale)) for name, (base, floor) in _BASE.items()}
        )

    @property
    def patient_doctors(self) -> int:
        """Patient users that are also doctor candidates (counted among the candidates)."""
        return quota("patient_doctor", self.doctor_candidates)

    @property
    def users(self) -> int:
        """auth_user rows: every patient, candidate, technician, staff and other account."""
        return (
            self.patients
            + self.doctor_candidates
            - self.patient_doctors
            + self.technicians
            + self.staff
            + self.other_users
        )

    def params(self) -> dict[str, float]:
        """Every knob as `name -> value`: volumes as `n.<name>`, rates as `rate.` and `min.`."""
        values: dict[str, float] = {f"n.{name}": count for name, count in asdict(self).items()}
        deleted = quota("deleted_user", self.users)
        values["n.patient_doctors"] = self.patient_doctors
        values["n.doctor_users"] = self.doctor_candidates - self.patient_doctors
        values["n.deleted_users"] = deleted
        values["n.user_ids"] = self.users + deleted
        for name, rate in RATES.items():
            values[f"rate.{name}"] = rate.rate
            values[f"min.{name}"] = rate.minimum
        return values


def quota(knob: str, population: int) -> int:
    """Rows to inject for `knob` in `population` (the same rule as SQL synthetic.quota)."""
    rate = RATES[knob]
    return max(rate.minimum, round(rate.rate * population))
