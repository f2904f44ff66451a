-- Legacy source schema, the rest of REFERENCE 1.1: the tables the seed's scripts left aside or
-- never looked at (permissions, template junctions, notifications, operations, inventory,
-- settings, actions) and those the application never used (client, event, language, ...).
-- Same conventions as tables.sql: serial ids, no FOREIGN KEY constraints, idempotent.

CREATE TABLE IF NOT EXISTS auth_permission (
    id serial PRIMARY KEY,
    name varchar(255) NOT NULL,
    content_type_id integer NOT NULL,
    codename varchar(100) NOT NULL,
    UNIQUE (content_type_id, codename)
);

CREATE TABLE IF NOT EXISTS auth_group_permissions (
    id serial PRIMARY KEY,
    group_id integer NOT NULL,
    permission_id integer NOT NULL,
    UNIQUE (group_id, permission_id)
);

CREATE TABLE IF NOT EXISTS dispatch_role_permissions (
    id serial PRIMARY KEY,
    role_id integer NOT NULL,
    permission_id integer NOT NULL,
    UNIQUE (role_id, permission_id)
);

CREATE TABLE IF NOT EXISTS dispatch_template_edit_roles (
    id serial PRIMARY KEY,
    template_id integer NOT NULL,
    role_id integer NOT NULL,
    UNIQUE (template_id, role_id)
);

CREATE TABLE IF NOT EXISTS dispatch_template_view_roles (
    id serial PRIMARY KEY,
    template_id integer NOT NULL,
    role_id integer NOT NULL,
    UNIQUE (template_id, role_id)
);

CREATE TABLE IF NOT EXISTS dispatch_template_view_groups (
    id serial PRIMARY KEY,
    template_id integer NOT NULL,
    group_id integer NOT NULL,
    UNIQUE (template_id, group_id)
);

CREATE TABLE IF NOT EXISTS dispatch_template_products (
    id serial PRIMARY KEY,
    template_id integer NOT NULL,
    product_id integer NOT NULL,
    UNIQUE (template_id, product_id)
);

-- Django's symmetrical=False M2M of a model on itself: from (the template) and to (its
-- predecessor).
CREATE TABLE IF NOT EXISTS dispatch_template_predecessors (
    id serial PRIMARY KEY,
    from_template_id integer NOT NULL,
    to_template_id integer NOT NULL,
    UNIQUE (from_template_id, to_template_id)
);

-- The outbound notification log, the biggest table (REFERENCE 1.7): template_context is JSON in
-- a text column (NULL, empty or malformed at known rates); item_type_id/item_id is a generic key.
CREATE TABLE IF NOT EXISTS dispatch_notification (
    id serial PRIMARY KEY,
    created_at timestamptz NOT NULL,
    sender varchar(254) NOT NULL,
    template_name varchar(100) NOT NULL,
    template_context text NULL,
    read boolean NOT NULL,
    item_id integer NULL,
    item_type_id integer NULL,
    recipient_id integer NULL,
    sent boolean NULL,
    send boolean NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_operation (
    id serial PRIMARY KEY,
    type integer NOT NULL,
    made_at timestamptz NULL,
    price numeric(10, 2) NOT NULL,
    sq_order_id varchar(64) NULL,
    sq_payment_id varchar(64) NULL,
    sq_refund_id varchar(64) NULL,
    card_brand varchar(32) NULL,
    card_bin varchar(8) NULL,
    card_last varchar(4) NULL,
    office_card boolean NOT NULL,
    payment_id integer NULL,
    attempts integer NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_purchase (
    id serial PRIMARY KEY,
    number varchar(64) NOT NULL,
    subtotal numeric(10, 2) NOT NULL,
    tax numeric(10, 2) NOT NULL,
    total numeric(10, 2) NOT NULL,
    status integer NOT NULL,
    purchased_at timestamptz NULL
);

CREATE TABLE IF NOT EXISTS dispatch_storage (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    address varchar(255) NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_ware (
    id serial PRIMARY KEY,
    name varchar(200) NOT NULL,
    code varchar(64) NOT NULL,
    quantity integer NOT NULL,
    unit_price numeric(10, 2) NULL,
    product_id integer NULL,
    storage_id integer NULL,
    created_at timestamptz NOT NULL
);

-- The payment provider's settings, with its access token in clear text (REFERENCE 1.8).
CREATE TABLE IF NOT EXISTS dispatch_globalsetting (
    id serial PRIMARY KEY,
    setting varchar(100) NOT NULL,
    version integer NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    sandbox boolean NOT NULL,
    application_id varchar(128) NULL,
    location_id varchar(128) NULL,
    access_token varchar(255) NULL
);

-- Who did what to which object: owner and item are generic keys (content type + id).
CREATE TABLE IF NOT EXISTS dispatch_action (
    id serial PRIMARY KEY,
    action varchar(64) NOT NULL,
    date timestamptz NOT NULL,
    item_id integer NULL,
    item_type_id integer NULL,
    owner_id integer NULL,
    owner_type_id integer NULL,
    user_id integer NULL,
    data text NULL
);

CREATE TABLE IF NOT EXISTS dispatch_instance (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    patient_id integer NULL,
    created_at timestamptz NOT NULL
);

-- Tables the application never used (REFERENCE 1.8: "not migrated and undocumented").
CREATE TABLE IF NOT EXISTS dispatch_client (
    id serial PRIMARY KEY,
    name varchar(200) NOT NULL,
    token varchar(64) NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_client3d (
    id serial PRIMARY KEY,
    client_id integer NULL,
    version varchar(32) NOT NULL,
    platform varchar(32) NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_event (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    payload text NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_language (
    id serial PRIMARY KEY,
    code varchar(8) NOT NULL UNIQUE,
    name varchar(64) NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_link (
    id serial PRIMARY KEY,
    url varchar(500) NOT NULL,
    title varchar(200) NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_master (
    id serial PRIMARY KEY,
    user_id integer NULL,
    name varchar(150) NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_reading (
    id serial PRIMARY KEY,
    user_id integer NULL,
    record_id integer NULL,
    read_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_record_roles (
    id serial PRIMARY KEY,
    record_id integer NOT NULL,
    role_id integer NOT NULL,
    UNIQUE (record_id, role_id)
);

CREATE TABLE IF NOT EXISTS dispatch_product_roles (
    id serial PRIMARY KEY,
    product_id integer NOT NULL,
    role_id integer NOT NULL,
    UNIQUE (product_id, role_id)
);

CREATE TABLE IF NOT EXISTS dispatch_product_successors (
    id serial PRIMARY KEY,
    from_product_id integer NOT NULL,
    to_product_id integer NOT NULL,
    UNIQUE (from_product_id, to_product_id)
);

CREATE TABLE IF NOT EXISTS dispatch_doctorsetting_masters (
    id serial PRIMARY KEY,
    doctorsetting_id integer NOT NULL,
    user_id integer NOT NULL,
    UNIQUE (doctorsetting_id, user_id)
);

CREATE TABLE IF NOT EXISTS dispatch_doctorsetting_sales (
    id serial PRIMARY KEY,
    doctorsetting_id integer NOT NULL,
    user_id integer NOT NULL,
    UNIQUE (doctorsetting_id, user_id)
);
