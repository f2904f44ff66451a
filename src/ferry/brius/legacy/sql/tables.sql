-- Legacy source schema (REFERENCE section 1): the auth_* and dispatch_* tables that an entity of the
-- inventory reads, with Django conventions (serial integer ids, varchar, text, boolean,
-- timestamptz, numeric). No FOREIGN KEY constraints: the legacy data holds orphans at known rates
-- (section 5), which declared constraints would refuse. Reserved-word columns ("order", "on") are
-- kept as they are. Idempotent: every statement may run twice.

CREATE TABLE IF NOT EXISTS auth_group (
    id serial PRIMARY KEY,
    name varchar(150) NOT NULL UNIQUE
);

CREATE TABLE IF NOT EXISTS auth_user (
    id serial PRIMARY KEY,
    password varchar(128) NOT NULL,
    last_login timestamptz NULL,
    is_superuser boolean NOT NULL,
    username varchar(150) NOT NULL UNIQUE,
    first_name varchar(150) NOT NULL,
    last_name varchar(150) NOT NULL,
    email varchar(254) NOT NULL,
    is_staff boolean NOT NULL,
    is_active boolean NOT NULL,
    date_joined timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS auth_user_groups (
    id serial PRIMARY KEY,
    user_id integer NOT NULL,
    group_id integer NOT NULL,
    UNIQUE (user_id, group_id)
);

CREATE TABLE IF NOT EXISTS django_content_type (
    id serial PRIMARY KEY,
    app_label varchar(100) NOT NULL,
    model varchar(100) NOT NULL,
    UNIQUE (app_label, model)
);

CREATE TABLE IF NOT EXISTS dispatch_usersetting (
    id serial PRIMARY KEY,
    user_id integer NOT NULL UNIQUE,
    language varchar(8) NOT NULL,
    timezone varchar(64) NOT NULL,
    notifications boolean NOT NULL,
    preferences text NULL
);

CREATE TABLE IF NOT EXISTS dispatch_doctorsetting (
    id serial PRIMARY KEY,
    user_id integer NOT NULL UNIQUE,
    clinical_preferences text NULL,
    sq_customer_id varchar(255) NULL,
    promised_payment boolean NOT NULL,
    credit numeric(10, 2) NOT NULL,
    tier_finish varchar(32) NULL,
    tier_type varchar(32) NULL,
    installment_payments integer NOT NULL,
    baa_agreed_at timestamptz NULL,
    eula_agreed_at timestamptz NULL,
    company_account boolean NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_agent (
    id serial PRIMARY KEY,
    user_id integer NOT NULL,
    department varchar(100) NOT NULL,
    position varchar(100) NOT NULL,
    phone varchar(32) NULL,
    status integer NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_office (
    id serial PRIMARY KEY,
    name varchar(255) NOT NULL,
    address varchar(255) NULL,
    apt varchar(64) NULL,
    city varchar(128) NULL,
    state varchar(64) NULL,
    zip varchar(32) NULL,
    country varchar(64) NULL,
    phone varchar(32) NULL,
    tax_rate numeric(7, 4) NULL,
    valid boolean NOT NULL,
    sq_customer_id varchar(255) NULL,
    emails boolean NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_office_doctors (
    id serial PRIMARY KEY,
    office_id integer NOT NULL,
    user_id integer NOT NULL,
    UNIQUE (office_id, user_id)
);

CREATE TABLE IF NOT EXISTS dispatch_patient (
    id serial PRIMARY KEY,
    user_id integer NOT NULL UNIQUE,
    doctor_id integer NULL,
    office_id integer NULL,
    birthdate date NULL,
    sex integer NULL,
    status integer NULL,
    archived boolean NOT NULL,
    suspended boolean NOT NULL,
    submitted_at timestamptz NULL,
    updated_at timestamptz NULL,
    suffix varchar(16) NULL,
    schemes text NULL
);

CREATE TABLE IF NOT EXISTS dispatch_course (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    type integer NOT NULL,
    customization text NULL
);

CREATE TABLE IF NOT EXISTS dispatch_product (
    id serial PRIMARY KEY,
    name varchar(200) NOT NULL,
    description text NULL,
    free boolean NOT NULL,
    deleted boolean NOT NULL,
    customization text NULL,
    type integer NULL,
    substitute boolean NOT NULL,
    course_id integer NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_instruction (
    id serial PRIMARY KEY,
    patient_id integer NOT NULL,
    course_id integer NOT NULL,
    status integer NOT NULL,
    deleted boolean NOT NULL,
    submitted_at timestamptz NULL,
    updated_at timestamptz NOT NULL,
    notes text NULL,
    complaint text NULL,
    conditions text NULL,
    objective text NULL,
    scanner_notes text NULL,
    comprehensive boolean NULL,
    accept_extraction boolean NULL,
    cbct boolean NOT NULL,
    model integer NULL,
    scanner integer NULL,
    "order" integer NULL,
    exports text NULL,
    price numeric(10, 2) NULL,
    suffix varchar(16) NULL,
    upper_jaw_id integer NULL,
    lower_jaw_id integer NULL
);

CREATE TABLE IF NOT EXISTS dispatch_order (
    id serial PRIMARY KEY,
    instruction_id integer NOT NULL,
    course_id integer NOT NULL,
    patient_id integer NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_jaw (
    id serial PRIMARY KEY,
    product_id integer NULL,
    reason integer NULL,
    labial boolean NOT NULL,
    bond_teeth text NOT NULL,
    extract_teeth text NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_state (
    id serial PRIMARY KEY,
    instruction_id integer NULL,
    status integer NOT NULL,
    "on" boolean NOT NULL,
    actor_id integer NULL,
    changed_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_category (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    parent_id integer NULL
);

CREATE TABLE IF NOT EXISTS dispatch_template (
    id serial PRIMARY KEY,
    task_name varchar(200) NOT NULL,
    text_name varchar(200) NOT NULL,
    action_name varchar(200) NOT NULL,
    function varchar(100) NOT NULL,
    status integer NOT NULL,
    duration integer NOT NULL,
    category_id integer NULL,
    predefined boolean NOT NULL,
    read_only boolean NOT NULL,
    extensions varchar(200) NOT NULL,
    alerts boolean NOT NULL,
    separate boolean NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_task (
    id serial PRIMARY KEY,
    instruction_id integer NULL,
    plan_id integer NULL,
    order_id integer NULL,
    file_id integer NULL,
    template_id integer NOT NULL,
    actor_id integer NULL,
    checked boolean NOT NULL,
    done_at timestamptz NULL,
    text text NULL,
    jaw integer NULL
);

CREATE TABLE IF NOT EXISTS dispatch_project (
    id serial PRIMARY KEY,
    uid varchar(64) NOT NULL,
    name varchar(255) NOT NULL,
    size bigint NOT NULL,
    public boolean NOT NULL,
    type integer NOT NULL,
    status integer NOT NULL,
    creator_id integer NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_plan (
    id serial PRIMARY KEY,
    instruction_id integer NOT NULL,
    project_id integer NOT NULL,
    name varchar(255) NOT NULL,
    number integer NULL,
    notes text NULL,
    original boolean NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_comment (
    id serial PRIMARY KEY,
    plan_id integer NOT NULL,
    author_id integer NULL,
    text text NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_note (
    id serial PRIMARY KEY,
    doctor_id integer NOT NULL,
    author_id integer NULL,
    text text NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_bracket (
    id serial PRIMARY KEY,
    name varchar(255) NOT NULL,
    project_id integer NOT NULL,
    type integer NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_file (
    id serial PRIMARY KEY,
    uid varchar(64) NOT NULL,
    name varchar(255) NOT NULL,
    ext varchar(16) NOT NULL,
    size bigint NOT NULL,
    type integer NOT NULL,
    status integer NOT NULL,
    instruction_id integer NULL,
    product_id integer NULL,
    record_id integer NULL,
    parameters text NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_record (
    id serial PRIMARY KEY,
    type integer NOT NULL,
    target_type_id integer NOT NULL,
    target_id integer NOT NULL,
    text text NULL,
    author_id integer NULL,
    group_id integer NULL,
    public boolean NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_record_attachments (
    id serial PRIMARY KEY,
    record_id integer NOT NULL,
    file_id integer NOT NULL,
    UNIQUE (record_id, file_id)
);

CREATE TABLE IF NOT EXISTS dispatch_offer (
    id serial PRIMARY KEY,
    doctor_id integer NULL,
    product_id integer NOT NULL,
    price_both numeric(10, 2) NOT NULL,
    price_upper numeric(10, 2) NOT NULL,
    price_lower numeric(10, 2) NOT NULL
);

CREATE TABLE IF NOT EXISTS dispatch_discount (
    id serial PRIMARY KEY,
    offer_id integer NOT NULL,
    percent numeric(5, 2) NOT NULL,
    reason text NOT NULL,
    count integer NULL,
    start date NULL,
    finish date NULL,
    total boolean NOT NULL,
    used integer NULL
);

CREATE TABLE IF NOT EXISTS dispatch_payment (
    id serial PRIMARY KEY,
    made_at timestamptz NULL,
    free boolean NOT NULL,
    paid boolean NOT NULL,
    canceled boolean NOT NULL,
    netsuite boolean NOT NULL,
    tax_rate numeric(7, 4) NOT NULL,
    tax_value numeric(10, 2) NOT NULL,
    paid_price numeric(10, 2) NOT NULL,
    subtotal_price numeric(10, 2) NOT NULL,
    total_price numeric(10, 2) NOT NULL,
    used_credit numeric(10, 2) NOT NULL,
    additional_price numeric(10, 2) NOT NULL,
    custom_price numeric(10, 2) NULL,
    installments text NULL,
    instruction_id integer NULL,
    order_id integer NULL,
    doctor_id integer NULL,
    office_id integer NULL
);

CREATE TABLE IF NOT EXISTS dispatch_role (
    id serial PRIMARY KEY,
    name varchar(100) NOT NULL,
    abbrev varchar(32) NOT NULL,
    type integer NOT NULL,
    "order" integer NOT NULL,
    user_id integer NULL,
    group_id integer NOT NULL
);
