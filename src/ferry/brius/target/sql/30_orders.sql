-- Orders and clinical data: orders (legacy dispatch_instruction) and what hangs off them
-- (states, jaws, tasks), plus the design side (projects, treatment plans, project brackets).

CREATE TABLE IF NOT EXISTS orders (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    order_number text,
    patient_id uuid NOT NULL,
    doctor_id uuid,
    office_id uuid,
    course_type course_type NOT NULL,
    course_code smallint NOT NULL,
    status order_status NOT NULL,
    status_code smallint NOT NULL,
    notes text,
    complaint text,
    amount numeric(12, 2),
    suffix text,
    submitted_at timestamptz,
    approved_at timestamptz,
    shipped_at timestamptz,
    deleted boolean NOT NULL DEFAULT false,
    deleted_at timestamptz,
    exports jsonb,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_instruction_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orders_pkey PRIMARY KEY (id),
    CONSTRAINT orders_order_number_key UNIQUE (order_number),
    CONSTRAINT orders_legacy_instruction_id_key UNIQUE (legacy_instruction_id),
    CONSTRAINT orders_amount_nonnegative CHECK (amount >= 0),
    CONSTRAINT orders_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES patients (id),
    CONSTRAINT orders_doctor_id_fkey FOREIGN KEY (doctor_id) REFERENCES doctors (id),
    CONSTRAINT orders_office_id_fkey FOREIGN KEY (office_id) REFERENCES offices (id)
);
CREATE INDEX IF NOT EXISTS orders_patient_id_idx ON orders (patient_id);
CREATE INDEX IF NOT EXISTS orders_doctor_id_idx ON orders (doctor_id);
CREATE INDEX IF NOT EXISTS orders_office_id_idx ON orders (office_id);
CREATE OR REPLACE TRIGGER orders_set_updated_at BEFORE UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE IF NOT EXISTS order_states (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    order_id uuid NOT NULL,
    status order_state_status NOT NULL,
    status_code smallint NOT NULL,
    is_active boolean,
    changed_by uuid,
    changed_at timestamptz NOT NULL,
    notes text,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_state_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT order_states_pkey PRIMARY KEY (id),
    CONSTRAINT order_states_legacy_state_id_key UNIQUE (legacy_state_id),
    CONSTRAINT order_states_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT order_states_changed_by_fkey FOREIGN KEY (changed_by) REFERENCES profiles (id)
);
CREATE INDEX IF NOT EXISTS order_states_order_id_idx ON order_states (order_id);
CREATE INDEX IF NOT EXISTS order_states_changed_by_idx ON order_states (changed_by);
CREATE OR REPLACE TRIGGER order_states_set_updated_at BEFORE UPDATE ON order_states
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE IF NOT EXISTS jaws (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    order_id uuid NOT NULL,
    product_id uuid,
    jaw_type jaw_type NOT NULL,
    labial boolean,
    bond_teeth text,
    extract_teeth text,
    replacement_reason jaw_replacement_reason,
    reason_code smallint,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_jaw_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT jaws_pkey PRIMARY KEY (id),
    CONSTRAINT jaws_legacy_jaw_id_key UNIQUE (legacy_jaw_id),
    CONSTRAINT jaws_order_id_jaw_type_key UNIQUE (order_id, jaw_type),
    CONSTRAINT jaws_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT jaws_product_id_fkey FOREIGN KEY (product_id) REFERENCES products (id)
);
CREATE INDEX IF NOT EXISTS jaws_product_id_idx ON jaws (product_id);
CREATE OR REPLACE TRIGGER jaws_set_updated_at BEFORE UPDATE ON jaws
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE IF NOT EXISTS projects (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    creator_id uuid,
    name text,
    project_type project_type,
    type_code smallint,
    status project_status,
    status_code smallint,
    file_uid text,
    file_size_bytes bigint,
    is_public boolean NOT NULL DEFAULT false,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_project_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT projects_pkey PRIMARY KEY (id),
    CONSTRAINT projects_legacy_project_id_key UNIQUE (legacy_project_id),
    CONSTRAINT projects_file_size_nonnegative CHECK (file_size_bytes >= 0),
    CONSTRAINT projects_creator_id_fkey FOREIGN KEY (creator_id) REFERENCES profiles (id)
);
CREATE INDEX IF NOT EXISTS projects_creator_id_idx ON projects (creator_id);
CREATE OR REPLACE TRIGGER projects_set_updated_at BEFORE UPDATE ON projects
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- project_id is NOT unique: the legacy data has several plans per project (REFERENCE 5.3 item 7).
CREATE TABLE IF NOT EXISTS treatment_plans (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    project_id uuid NOT NULL,
    order_id uuid,
    patient_id uuid,
    doctor_id uuid,
    plan_number integer,
    plan_name text,
    plan_notes text,
    is_original boolean NOT NULL DEFAULT false,
    treatment_type treatment_type,
    revision_count integer,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_plan_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT treatment_plans_pkey PRIMARY KEY (id),
    CONSTRAINT treatment_plans_legacy_plan_id_key UNIQUE (legacy_plan_id),
    CONSTRAINT treatment_plans_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id),
    CONSTRAINT treatment_plans_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT treatment_plans_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES patients (id),
    CONSTRAINT treatment_plans_doctor_id_fkey FOREIGN KEY (doctor_id) REFERENCES doctors (id)
);
CREATE INDEX IF NOT EXISTS treatment_plans_project_id_idx ON treatment_plans (project_id);
CREATE INDEX IF NOT EXISTS treatment_plans_order_id_idx ON treatment_plans (order_id);
CREATE INDEX IF NOT EXISTS treatment_plans_patient_id_idx ON treatment_plans (patient_id);
CREATE INDEX IF NOT EXISTS treatment_plans_doctor_id_idx ON treatment_plans (doctor_id);
CREATE OR REPLACE TRIGGER treatment_plans_set_updated_at BEFORE UPDATE ON treatment_plans
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- A legacy dispatch_bracket is a bracket of a design project, not a catalogue item. The earlier
-- tools migrated brackets before projects existed in the target, so legacy_project_id keeps
-- the raw project id until project_id can be resolved.
CREATE TABLE IF NOT EXISTS brackets (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    name text,
    project_id uuid,
    type_code smallint,
    legacy_project_id integer,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_bracket_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT brackets_pkey PRIMARY KEY (id),
    CONSTRAINT brackets_legacy_bracket_id_key UNIQUE (legacy_bracket_id),
    CONSTRAINT brackets_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id)
);
CREATE INDEX IF NOT EXISTS brackets_project_id_idx ON brackets (project_id);
CREATE OR REPLACE TRIGGER brackets_set_updated_at BEFORE UPDATE ON brackets
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE IF NOT EXISTS tasks (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    order_id uuid NOT NULL,
    template_id uuid,
    assigned_to uuid,
    template_name text,
    description text,
    jaw_specification smallint,
    status task_status NOT NULL,
    checked boolean NOT NULL DEFAULT false,
    assigned_at timestamptz,
    completed_at timestamptz,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_task_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tasks_pkey PRIMARY KEY (id),
    CONSTRAINT tasks_legacy_task_id_key UNIQUE (legacy_task_id),
    CONSTRAINT tasks_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT tasks_template_id_fkey FOREIGN KEY (template_id) REFERENCES templates (id),
    CONSTRAINT tasks_assigned_to_fkey FOREIGN KEY (assigned_to) REFERENCES profiles (id)
);
CREATE INDEX IF NOT EXISTS tasks_order_id_idx ON tasks (order_id);
CREATE INDEX IF NOT EXISTS tasks_template_id_idx ON tasks (template_id);
CREATE INDEX IF NOT EXISTS tasks_assigned_to_idx ON tasks (assigned_to);
CREATE OR REPLACE TRIGGER tasks_set_updated_at BEFORE UPDATE ON tasks
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
