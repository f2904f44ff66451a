-- Money: offers (per doctor) and their discounts, payments (per order) and the purchases
-- derived from paid payments (legacy dispatch_purchase is empty).

CREATE TABLE IF NOT EXISTS offers (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    doctor_id uuid NOT NULL,
    product_id uuid,
    price_both numeric(12, 2),
    price_upper numeric(12, 2),
    price_lower numeric(12, 2),
    description text,
    is_active boolean NOT NULL DEFAULT true,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_offer_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT offers_pkey PRIMARY KEY (id),
    CONSTRAINT offers_legacy_offer_id_key UNIQUE (legacy_offer_id),
    CONSTRAINT offers_prices_nonnegative
        CHECK (price_both >= 0 AND price_upper >= 0 AND price_lower >= 0),
    CONSTRAINT offers_doctor_id_fkey FOREIGN KEY (doctor_id) REFERENCES doctors (id),
    CONSTRAINT offers_product_id_fkey FOREIGN KEY (product_id) REFERENCES products (id)
);
CREATE INDEX IF NOT EXISTS offers_doctor_id_idx ON offers (doctor_id);
CREATE INDEX IF NOT EXISTS offers_product_id_idx ON offers (product_id);
CREATE OR REPLACE TRIGGER offers_set_updated_at BEFORE UPDATE ON offers
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE IF NOT EXISTS discounts (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    offer_id uuid NOT NULL,
    name text,
    code text,
    discount_type discount_type NOT NULL,
    percentage numeric(5, 2),
    fixed_amount numeric(12, 2),
    minimum_order_amount numeric(12, 2),
    applies_to_total boolean,
    is_active boolean NOT NULL DEFAULT true,
    valid_from date,
    valid_until date,
    max_uses integer,
    current_uses integer NOT NULL DEFAULT 0,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_discount_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT discounts_pkey PRIMARY KEY (id),
    CONSTRAINT discounts_code_key UNIQUE (code),
    CONSTRAINT discounts_legacy_discount_id_key UNIQUE (legacy_discount_id),
    CONSTRAINT discounts_percentage_range CHECK (percentage >= 0 AND percentage <= 100),
    CONSTRAINT discounts_value_matches_type CHECK (
        (discount_type = 'percentage' AND percentage IS NOT NULL)
        OR (discount_type = 'fixed_amount' AND fixed_amount IS NOT NULL)
    ),
    CONSTRAINT discounts_amounts_nonnegative
        CHECK (fixed_amount >= 0 AND minimum_order_amount >= 0),
    CONSTRAINT discounts_uses_nonnegative CHECK (max_uses >= 0 AND current_uses >= 0),
    CONSTRAINT discounts_offer_id_fkey FOREIGN KEY (offer_id) REFERENCES offers (id)
);
CREATE INDEX IF NOT EXISTS discounts_offer_id_idx ON discounts (offer_id);
CREATE OR REPLACE TRIGGER discounts_set_updated_at BEFORE UPDATE ON discounts
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE IF NOT EXISTS payments (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    order_id uuid NOT NULL,
    patient_id uuid,
    doctor_id uuid,
    office_id uuid,
    amount numeric(12, 2) NOT NULL,
    subtotal_amount numeric(12, 2),
    tax_amount numeric(12, 2),
    currency text NOT NULL DEFAULT 'USD',
    status payment_status_enum NOT NULL,
    payment_method payment_method,
    external_payment_id text,
    transaction_reference text,
    processed_at timestamptz,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_payment_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT payments_pkey PRIMARY KEY (id),
    CONSTRAINT payments_legacy_payment_id_key UNIQUE (legacy_payment_id),
    CONSTRAINT payments_amounts_nonnegative
        CHECK (amount >= 0 AND subtotal_amount >= 0 AND tax_amount >= 0),
    CONSTRAINT payments_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT payments_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT payments_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES patients (id),
    CONSTRAINT payments_doctor_id_fkey FOREIGN KEY (doctor_id) REFERENCES doctors (id),
    CONSTRAINT payments_office_id_fkey FOREIGN KEY (office_id) REFERENCES offices (id)
);
CREATE INDEX IF NOT EXISTS payments_order_id_idx ON payments (order_id);
CREATE INDEX IF NOT EXISTS payments_patient_id_idx ON payments (patient_id);
CREATE INDEX IF NOT EXISTS payments_doctor_id_idx ON payments (doctor_id);
CREATE INDEX IF NOT EXISTS payments_office_id_idx ON payments (office_id);
CREATE OR REPLACE TRIGGER payments_set_updated_at BEFORE UPDATE ON payments
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE IF NOT EXISTS purchases (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    order_id uuid NOT NULL,
    payment_id uuid NOT NULL,
    product_id uuid,
    quantity integer NOT NULL DEFAULT 1,
    unit_price numeric(12, 2) NOT NULL,
    total_amount numeric(12, 2) NOT NULL,
    purchased_at timestamptz,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_purchase_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT purchases_pkey PRIMARY KEY (id),
    CONSTRAINT purchases_legacy_purchase_id_key UNIQUE (legacy_purchase_id),
    CONSTRAINT purchases_quantity_positive CHECK (quantity > 0),
    CONSTRAINT purchases_unit_price_nonnegative CHECK (unit_price >= 0),
    CONSTRAINT purchases_total_amount_positive CHECK (total_amount > 0),
    CONSTRAINT purchases_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT purchases_payment_id_fkey FOREIGN KEY (payment_id) REFERENCES payments (id),
    CONSTRAINT purchases_product_id_fkey FOREIGN KEY (product_id) REFERENCES products (id)
);
CREATE INDEX IF NOT EXISTS purchases_order_id_idx ON purchases (order_id);
CREATE INDEX IF NOT EXISTS purchases_payment_id_idx ON purchases (payment_id);
CREATE INDEX IF NOT EXISTS purchases_product_id_idx ON purchases (product_id);
CREATE OR REPLACE TRIGGER purchases_set_updated_at BEFORE UPDATE ON purchases
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
