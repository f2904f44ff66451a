"""Money: offers and their discounts (per doctor), payments (per order) and the purchases
derived from paid payments (the legacy dispatch_purchase table is empty).

Amounts are copied to the cent; `money_columns` lets `ferry validate` compare their sums with
the source per doctor. Price components without a column go to metadata.
"""

from __future__ import annotations

from ferry.brius import codes
from ferry.brius.entities.metadata import fold_into_metadata
from ferry.catalog import coerce
from ferry.catalog.spec import Column, Entity, Parent, Source

OFFERS = Entity(
    name="offers",
    target="offers",
    description="Every dispatch_offer, on its own doctor (not on the doctor's latest order).",
    source=Source("dispatch_offer o", "o.id"),
    parents=(
        Parent("doctor_id", "doctors", "o.doctor_id"),
        Parent("product_id", "products", "o.product_id", required=False),
    ),
    columns=(
        Column("price_both", "o.price_both", coerce=coerce.money("price_both")),
        Column("price_upper", "o.price_upper", coerce=coerce.money("price_upper")),
        Column("price_lower", "o.price_lower", coerce=coerce.money("price_lower")),
        Column("legacy_offer_id", "o.id", legacy_key=True),
    ),
    money_columns=("price_both", "price_upper", "price_lower"),
    money_owner="doctor_id",
)

DISCOUNTS = Entity(
    name="discounts",
    target="discounts",
    description="Every dispatch_discount, a percentage off its offer. A use count the legacy "
    "app never recorded (NULL) counts as 0; the raw value stays in metadata.",
    source=Source("dispatch_discount d", "d.id"),
    parents=(Parent("offer_id", "offers", "d.offer_id"),),
    columns=(
        Column("name", "d.reason"),
        Column("discount_type", "'percentage'"),
        Column("percentage", "d.percent"),
        Column("applies_to_total", "d.total"),
        Column("valid_from", "d.start"),
        Column("valid_until", "d.finish"),
        Column("max_uses", "d.count"),
        Column("current_uses", "coalesce(d.used, 0)"),
        Column("metadata", "jsonb_build_object('used', d.used)::text"),
        Column("legacy_discount_id", "d.id", legacy_key=True),
    ),
)

PAYMENT_STATUS = (
    "CASE WHEN p.canceled THEN 'cancelled' WHEN p.paid THEN 'completed' ELSE 'pending' END"
)
PAYMENT_METHOD = "CASE WHEN p.free THEN NULL WHEN p.netsuite THEN 'other' ELSE 'card' END"

PAYMENTS = Entity(
    name="payments",
    target="payments",
    description="Every dispatch_payment of an order; the patient is the order's, doctor and "
    "office the payment's own (optional).",
    source=Source(
        "dispatch_payment p",
        "p.id",
        joins="LEFT JOIN dispatch_instruction i ON i.id = p.instruction_id",
    ),
    parents=(
        Parent("order_id", "orders", "p.instruction_id"),
        Parent("patient_id", "patients", "i.patient_id", required=False),
        Parent("doctor_id", "doctors", "p.doctor_id", required=False),
        Parent("office_id", "offices", "p.office_id", required=False),
    ),
    columns=(
        Column("amount", "p.total_price", coerce=coerce.money("amount")),
        Column("subtotal_amount", "p.subtotal_price", coerce=coerce.money("subtotal_amount")),
        Column("tax_amount", "p.tax_value", coerce=coerce.money("tax_amount")),
        Column("currency", "'USD'"),
        Column("status", PAYMENT_STATUS),
        Column("payment_method", PAYMENT_METHOD),
        Column("processed_at", "p.made_at"),
        Column("_installments", "p.installments", coerce=coerce.json_document),
        Column(
            "metadata",
            "jsonb_build_object('paid_price', p.paid_price, 'used_credit', p.used_credit,"
            " 'additional_price', p.additional_price, 'custom_price', p.custom_price,"
            " 'tax_rate', p.tax_rate, 'free', p.free, 'paid', p.paid, 'canceled', p.canceled,"
            " 'netsuite', p.netsuite, 'legacy_order_id', p.order_id)::text",
        ),
        Column("legacy_payment_id", "p.id", legacy_key=True),
    ),
    transform=fold_into_metadata("_installments"),
    money_columns=("amount", "subtotal_amount", "tax_amount"),
    money_owner="doctor_id",
)

PURCHASES = Entity(
    name="purchases",
    target="purchases",
    description="One purchase per paid, not cancelled payment with a positive total; no "
    "product (a payment names none).",
    source=Source(
        "dispatch_payment p", "p.id", where="p.paid AND NOT p.canceled AND p.total_price > 0"
    ),
    parents=(
        Parent("payment_id", "payments", "p.id"),
        Parent("order_id", "orders", "p.instruction_id"),
    ),
    columns=(
        Column("quantity", "1"),
        Column("unit_price", "p.total_price", coerce=coerce.money("unit_price")),
        Column("total_amount", "p.total_price", coerce=coerce.money("total_amount")),
        Column("purchased_at", "p.made_at"),
        Column("legacy_purchase_id", "p.id", legacy_key=True),
    ),
    money_columns=("unit_price", "total_amount"),
)

OPERATIONS = Entity(
    name="operations",
    target="operations",
    description="Every dispatch_operation (a card payment or refund) on its own case, reached "
    "payment -> instruction -> patient -> case; an operation with no such route is "
    "quarantined (the lab put all of them on one default case).",
    source=Source(
        "dispatch_operation op",
        "op.id",
        joins="LEFT JOIN dispatch_payment p ON p.id = op.payment_id"
        " LEFT JOIN dispatch_instruction i ON i.id = p.instruction_id",
    ),
    parents=(
        Parent("case_id", "cases", "i.patient_id"),
        Parent("payment_id", "payments", "op.payment_id", required=False),
    ),
    columns=(
        Column("operation_type", "op.type", code=codes.OPERATION_TYPE),
        Column("type_code", "op.type"),
        Column("amount", "op.price", coerce=coerce.money("amount")),
        Column("operated_at", "op.made_at"),
        Column(
            "metadata",
            "jsonb_build_object('sq_order_id', op.sq_order_id, 'sq_payment_id', op.sq_payment_id,"
            " 'sq_refund_id', op.sq_refund_id, 'card_brand', op.card_brand,"
            " 'card_bin', op.card_bin, 'card_last', op.card_last, 'office_card', op.office_card,"
            " 'attempts', op.attempts, 'legacy_payment_id', op.payment_id)::text",
        ),
        Column("legacy_operation_id", "op.id", legacy_key=True),
    ),
    money_columns=("amount",),
)
