CREATE TEMP TABLE stage_office (
    id integer,
    name text,
    address text,
    apt text,
    city text,
    state text,
    zip text,
    country text,
    phone text,
    tax_rate numeric,
    sq_customer_id text,
    emails boolean
) ON COMMIT DROP
