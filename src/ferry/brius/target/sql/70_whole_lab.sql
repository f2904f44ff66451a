-- The rest of the lab (REFERENCE 2.3): teams and courses, permissions and the template
-- junctions, the derived resolution tables (patients_doctors_offices, order_cases), system
-- messages from the notification log, payment operations on their own cases, inventory,
-- global settings and user actions.

CREATE TABLE IF NOT EXISTS teams (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    name text NOT NULL,
    description text,
    team_type text NOT NULL,
    is_active boolean NOT NULL DEFAULT true,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_group_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT teams_pkey PRIMARY KEY (id),
    CONSTRAINT teams_name_key UNIQUE (name),
    CONSTRAINT teams_legacy_group_id_key UNIQUE (legacy_group_id)
);

CREATE TABLE IF NOT EXISTS courses (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    name text NOT NULL,
    course_type course_type NOT NULL,
    type_code smallint,
    customization jsonb,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_course_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT courses_pkey PRIMARY KEY (id),
    CONSTRAINT courses_legacy_course_id_key UNIQUE (legacy_course_id)
);

CREATE TABLE IF NOT EXISTS role_permissions (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    role_id uuid NOT NULL,
    permission text NOT NULL,
    resource text NOT NULL,
    is_active boolean NOT NULL DEFAULT true,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_role_permission_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT role_permissions_pkey PRIMARY KEY (id),
    CONSTRAINT role_permissions_legacy_role_permission_id_key UNIQUE (legacy_role_permission_id),
    CONSTRAINT role_permissions_role_id_fkey FOREIGN KEY (role_id) REFERENCES roles (id)
);
CREATE INDEX IF NOT EXISTS role_permissions_role_id_idx ON role_permissions (role_id);

CREATE TABLE IF NOT EXISTS template_edit_roles (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    template_id uuid NOT NULL,
    role_id uuid NOT NULL,
    is_active boolean NOT NULL DEFAULT true,
    legacy_junction_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT template_edit_roles_pkey PRIMARY KEY (id),
    CONSTRAINT template_edit_roles_template_id_role_id_key UNIQUE (template_id, role_id),
    CONSTRAINT template_edit_roles_legacy_junction_id_key UNIQUE (legacy_junction_id),
    CONSTRAINT template_edit_roles_template_id_fkey
        FOREIGN KEY (template_id) REFERENCES templates (id),
    CONSTRAINT template_edit_roles_role_id_fkey FOREIGN KEY (role_id) REFERENCES roles (id)
);
CREATE INDEX IF NOT EXISTS template_edit_roles_role_id_idx ON template_edit_roles (role_id);

CREATE TABLE IF NOT EXISTS template_view_roles (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    template_id uuid NOT NULL,
    role_id uuid NOT NULL,
    is_active boolean NOT NULL DEFAULT true,
    legacy_junction_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT template_view_roles_pkey PRIMARY KEY (id),
    CONSTRAINT template_view_roles_template_id_role_id_key UNIQUE (template_id, role_id),
    CONSTRAINT template_view_roles_legacy_junction_id_key UNIQUE (legacy_junction_id),
    CONSTRAINT template_view_roles_template_id_fkey
        FOREIGN KEY (template_id) REFERENCES templates (id),
    CONSTRAINT template_view_roles_role_id_fkey FOREIGN KEY (role_id) REFERENCES roles (id)
);
CREATE INDEX IF NOT EXISTS template_view_roles_role_id_idx ON template_view_roles (role_id);

CREATE TABLE IF NOT EXISTS template_view_groups (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    template_id uuid NOT NULL,
    team_id uuid NOT NULL,
    is_active boolean NOT NULL DEFAULT true,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_junction_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT template_view_groups_pkey PRIMARY KEY (id),
    CONSTRAINT template_view_groups_template_id_team_id_key UNIQUE (template_id, team_id),
    CONSTRAINT template_view_groups_legacy_junction_id_key UNIQUE (legacy_junction_id),
    CONSTRAINT template_view_groups_template_id_fkey
        FOREIGN KEY (template_id) REFERENCES templates (id),
    CONSTRAINT template_view_groups_team_id_fkey FOREIGN KEY (team_id) REFERENCES teams (id)
);
CREATE INDEX IF NOT EXISTS template_view_groups_team_id_idx ON template_view_groups (team_id);

CREATE TABLE IF NOT EXISTS template_products (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    template_id uuid NOT NULL,
    product_id uuid NOT NULL,
    product_price numeric(12, 2),
    is_active boolean NOT NULL DEFAULT true,
    legacy_junction_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT template_products_pkey PRIMARY KEY (id),
    CONSTRAINT template_products_template_id_product_id_key UNIQUE (template_id, product_id),
    CONSTRAINT template_products_legacy_junction_id_key UNIQUE (legacy_junction_id),
    CONSTRAINT template_products_template_id_fkey
        FOREIGN KEY (template_id) REFERENCES templates (id),
    CONSTRAINT template_products_product_id_fkey
        FOREIGN KEY (product_id) REFERENCES products (id)
);
CREATE INDEX IF NOT EXISTS template_products_product_id_idx ON template_products (product_id);

CREATE TABLE IF NOT EXISTS template_predecessors (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    template_id uuid NOT NULL,
    predecessor_id uuid NOT NULL,
    is_active boolean NOT NULL DEFAULT true,
    legacy_junction_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT template_predecessors_pkey PRIMARY KEY (id),
    CONSTRAINT template_predecessors_template_id_predecessor_id_key
        UNIQUE (template_id, predecessor_id),
    CONSTRAINT template_predecessors_legacy_junction_id_key UNIQUE (legacy_junction_id),
    CONSTRAINT template_predecessors_template_id_fkey
        FOREIGN KEY (template_id) REFERENCES templates (id),
    CONSTRAINT template_predecessors_predecessor_id_fkey
        FOREIGN KEY (predecessor_id) REFERENCES templates (id)
);
CREATE INDEX IF NOT EXISTS template_predecessors_predecessor_id_idx
    ON template_predecessors (predecessor_id);

-- One resolution row per patient: its doctor and its office, all three resolved.
CREATE TABLE IF NOT EXISTS patients_doctors_offices (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    patient_id uuid NOT NULL,
    doctor_id uuid NOT NULL,
    office_id uuid NOT NULL,
    legacy_patient_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT patients_doctors_offices_pkey PRIMARY KEY (id),
    CONSTRAINT patients_doctors_offices_patient_id_key UNIQUE (patient_id),
    CONSTRAINT patients_doctors_offices_legacy_patient_id_key UNIQUE (legacy_patient_id),
    CONSTRAINT patients_doctors_offices_patient_id_fkey
        FOREIGN KEY (patient_id) REFERENCES patients (id),
    CONSTRAINT patients_doctors_offices_doctor_id_fkey
        FOREIGN KEY (doctor_id) REFERENCES doctors (id),
    CONSTRAINT patients_doctors_offices_office_id_fkey
        FOREIGN KEY (office_id) REFERENCES offices (id)
);
CREATE INDEX IF NOT EXISTS patients_doctors_offices_doctor_id_idx
    ON patients_doctors_offices (doctor_id);
CREATE INDEX IF NOT EXISTS patients_doctors_offices_office_id_idx
    ON patients_doctors_offices (office_id);

CREATE TABLE IF NOT EXISTS order_cases (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    order_id uuid NOT NULL,
    case_id uuid NOT NULL,
    relationship_type text NOT NULL DEFAULT 'primary',
    is_active boolean NOT NULL DEFAULT true,
    legacy_instruction_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT order_cases_pkey PRIMARY KEY (id),
    CONSTRAINT order_cases_order_id_case_id_key UNIQUE (order_id, case_id),
    CONSTRAINT order_cases_legacy_instruction_id_key UNIQUE (legacy_instruction_id),
    CONSTRAINT order_cases_order_id_fkey
        FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
    CONSTRAINT order_cases_case_id_fkey
        FOREIGN KEY (case_id) REFERENCES cases (id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS order_cases_case_id_idx ON order_cases (case_id);

-- The valid notifications: code (template), parsed context, recipient, optional order.
CREATE TABLE IF NOT EXISTS system_messages (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    message_type system_message_type NOT NULL,
    message_code text NOT NULL,
    message_data jsonb NOT NULL,
    message text NOT NULL,
    recipient_id uuid NOT NULL,
    order_id uuid,
    sender text,
    source_system text NOT NULL DEFAULT 'dispatch',
    is_read boolean NOT NULL DEFAULT false,
    processed boolean NOT NULL DEFAULT false,
    is_active boolean NOT NULL DEFAULT true,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_notification_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT system_messages_pkey PRIMARY KEY (id),
    CONSTRAINT system_messages_legacy_notification_id_key UNIQUE (legacy_notification_id),
    CONSTRAINT system_messages_message_data_object
        CHECK (jsonb_typeof(message_data) = 'object'),
    CONSTRAINT system_messages_recipient_id_fkey
        FOREIGN KEY (recipient_id) REFERENCES profiles (id),
    CONSTRAINT system_messages_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id)
);
CREATE INDEX IF NOT EXISTS system_messages_recipient_id_idx ON system_messages (recipient_id);
CREATE INDEX IF NOT EXISTS system_messages_order_id_idx ON system_messages (order_id);

-- Payment operations, each on the case of its own payment's patient (no default case).
CREATE TABLE IF NOT EXISTS operations (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    case_id uuid NOT NULL,
    payment_id uuid,
    operation_type operation_type NOT NULL,
    type_code smallint,
    amount numeric(12, 2) NOT NULL,
    status text NOT NULL DEFAULT 'completed',
    operated_at timestamptz,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_operation_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT operations_pkey PRIMARY KEY (id),
    CONSTRAINT operations_legacy_operation_id_key UNIQUE (legacy_operation_id),
    CONSTRAINT operations_amount_nonnegative CHECK (amount >= 0),
    CONSTRAINT operations_case_id_fkey FOREIGN KEY (case_id) REFERENCES cases (id),
    CONSTRAINT operations_payment_id_fkey FOREIGN KEY (payment_id) REFERENCES payments (id)
);
CREATE INDEX IF NOT EXISTS operations_case_id_idx ON operations (case_id);
CREATE INDEX IF NOT EXISTS operations_payment_id_idx ON operations (payment_id);

CREATE TABLE IF NOT EXISTS storages (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    name text NOT NULL,
    location text,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_storage_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT storages_pkey PRIMARY KEY (id),
    CONSTRAINT storages_legacy_storage_id_key UNIQUE (legacy_storage_id)
);

CREATE TABLE IF NOT EXISTS ware (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    name text NOT NULL,
    code text NOT NULL,
    quantity integer NOT NULL,
    unit_price numeric(12, 2),
    product_id uuid,
    storage_id uuid,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_ware_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ware_pkey PRIMARY KEY (id),
    CONSTRAINT ware_legacy_ware_id_key UNIQUE (legacy_ware_id),
    CONSTRAINT ware_unit_price_nonnegative CHECK (unit_price >= 0),
    CONSTRAINT ware_product_id_fkey FOREIGN KEY (product_id) REFERENCES products (id),
    CONSTRAINT ware_storage_id_fkey FOREIGN KEY (storage_id) REFERENCES storages (id)
);
CREATE INDEX IF NOT EXISTS ware_product_id_idx ON ware (product_id);
CREATE INDEX IF NOT EXISTS ware_storage_id_idx ON ware (storage_id);

-- Settings of the application, among them the payment provider's credentials (the access token
-- is a secret: ferry migrates it and never prints it).
CREATE TABLE IF NOT EXISTS global_settings (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    name text NOT NULL,
    category text NOT NULL,
    setting_type text NOT NULL DEFAULT 'json',
    version integer NOT NULL,
    sandbox boolean NOT NULL,
    application_id text,
    location_id text,
    access_token text,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_setting_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT global_settings_pkey PRIMARY KEY (id),
    CONSTRAINT global_settings_legacy_setting_id_key UNIQUE (legacy_setting_id)
);

CREATE TABLE IF NOT EXISTS user_actions (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    user_id uuid,
    action text NOT NULL,
    acted_at timestamptz NOT NULL,
    item_type_id integer,
    item_id integer,
    owner_type_id integer,
    owner_id integer,
    data jsonb,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_action_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT user_actions_pkey PRIMARY KEY (id),
    CONSTRAINT user_actions_legacy_action_id_key UNIQUE (legacy_action_id),
    CONSTRAINT user_actions_user_id_fkey FOREIGN KEY (user_id) REFERENCES profiles (id)
);
CREATE INDEX IF NOT EXISTS user_actions_user_id_idx ON user_actions (user_id);

CREATE OR REPLACE TRIGGER teams_set_updated_at BEFORE UPDATE ON teams
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE OR REPLACE TRIGGER courses_set_updated_at BEFORE UPDATE ON courses
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE OR REPLACE TRIGGER role_permissions_set_updated_at BEFORE UPDATE ON role_permissions
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE OR REPLACE TRIGGER template_edit_roles_set_updated_at BEFORE UPDATE ON template_edit_roles
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE OR REPLACE TRIGGER template_view_roles_set_updated_at BEFORE UPDATE ON template_view_roles
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE OR REPLACE TRIGGER template_view_groups_set_updated_at BEFORE UPDATE ON template_view_groups
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE OR REPLACE TRIGGER template_products_set_updated_at BEFORE UPDATE ON template_products
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE OR REPLACE TRIGGER template_predecessors_set_updated_at BEFORE UPDATE ON template_predecessors
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE OR REPLACE TRIGGER patients_doctors_offices_set_updated_at
    BEFORE UPDATE ON patients_doctors_offices FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE OR REPLACE TRIGGER order_cases_set_updated_at BEFORE UPDATE ON order_cases
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE OR REPLACE TRIGGER system_messages_set_updated_at BEFORE UPDATE ON system_messages
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE OR REPLACE TRIGGER operations_set_updated_at BEFORE UPDATE ON operations
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE OR REPLACE TRIGGER storages_set_updated_at BEFORE UPDATE ON storages
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE OR REPLACE TRIGGER ware_set_updated_at BEFORE UPDATE ON ware
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE OR REPLACE TRIGGER global_settings_set_updated_at BEFORE UPDATE ON global_settings
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE OR REPLACE TRIGGER user_actions_set_updated_at BEFORE UPDATE ON user_actions
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
