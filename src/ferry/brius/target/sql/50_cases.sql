-- Cases: one case per patient (the legacy database has no case table), its state history
-- (legacy dispatch_state reached through the order), messages and files.

CREATE TABLE IF NOT EXISTS cases (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    patient_id uuid NOT NULL,
    primary_doctor_id uuid,
    office_id uuid,
    case_number text NOT NULL,
    status case_status NOT NULL,
    status_code smallint,
    deleted boolean NOT NULL DEFAULT false,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_patient_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT cases_pkey PRIMARY KEY (id),
    CONSTRAINT cases_patient_id_key UNIQUE (patient_id),
    CONSTRAINT cases_case_number_key UNIQUE (case_number),
    CONSTRAINT cases_legacy_patient_id_key UNIQUE (legacy_patient_id),
    CONSTRAINT cases_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES patients (id),
    CONSTRAINT cases_primary_doctor_id_fkey
        FOREIGN KEY (primary_doctor_id) REFERENCES doctors (id),
    CONSTRAINT cases_office_id_fkey FOREIGN KEY (office_id) REFERENCES offices (id)
);
CREATE INDEX IF NOT EXISTS cases_primary_doctor_id_idx ON cases (primary_doctor_id);
CREATE INDEX IF NOT EXISTS cases_office_id_idx ON cases (office_id);
CREATE OR REPLACE TRIGGER cases_set_updated_at BEFORE UPDATE ON cases
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE IF NOT EXISTS case_states (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    case_id uuid NOT NULL,
    order_id uuid,
    previous_state case_state_type,
    current_state case_state_type NOT NULL,
    status_code smallint NOT NULL,
    is_active boolean,
    reason text,
    notes text,
    automated boolean NOT NULL DEFAULT false,
    changed_by uuid,
    changed_at timestamptz NOT NULL,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_state_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT case_states_pkey PRIMARY KEY (id),
    CONSTRAINT case_states_legacy_state_id_key UNIQUE (legacy_state_id),
    CONSTRAINT case_states_case_id_fkey FOREIGN KEY (case_id) REFERENCES cases (id),
    CONSTRAINT case_states_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT case_states_changed_by_fkey FOREIGN KEY (changed_by) REFERENCES profiles (id)
);
CREATE INDEX IF NOT EXISTS case_states_case_id_idx ON case_states (case_id);
CREATE INDEX IF NOT EXISTS case_states_order_id_idx ON case_states (order_id);
CREATE INDEX IF NOT EXISTS case_states_changed_by_idx ON case_states (changed_by);
CREATE OR REPLACE TRIGGER case_states_set_updated_at BEFORE UPDATE ON case_states
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE IF NOT EXISTS case_messages (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    case_id uuid NOT NULL,
    treatment_plan_id uuid,
    sender_id uuid,
    message_type case_message_type NOT NULL,
    subject text,
    content text NOT NULL,
    is_urgent boolean NOT NULL DEFAULT false,
    requires_response boolean NOT NULL DEFAULT false,
    is_confidential boolean NOT NULL DEFAULT false,
    sent_at timestamptz,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_comment_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT case_messages_pkey PRIMARY KEY (id),
    CONSTRAINT case_messages_legacy_comment_id_key UNIQUE (legacy_comment_id),
    CONSTRAINT case_messages_case_id_fkey FOREIGN KEY (case_id) REFERENCES cases (id),
    CONSTRAINT case_messages_treatment_plan_id_fkey
        FOREIGN KEY (treatment_plan_id) REFERENCES treatment_plans (id),
    CONSTRAINT case_messages_sender_id_fkey FOREIGN KEY (sender_id) REFERENCES profiles (id)
);
CREATE INDEX IF NOT EXISTS case_messages_case_id_idx ON case_messages (case_id);
CREATE INDEX IF NOT EXISTS case_messages_treatment_plan_id_idx ON case_messages (treatment_plan_id);
CREATE INDEX IF NOT EXISTS case_messages_sender_id_idx ON case_messages (sender_id);
CREATE OR REPLACE TRIGGER case_messages_set_updated_at BEFORE UPDATE ON case_messages
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE IF NOT EXISTS case_files (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    case_id uuid NOT NULL,
    file_id uuid NOT NULL,
    file_purpose case_file_purpose NOT NULL,
    display_order integer,
    notes text,
    created_by uuid,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_file_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT case_files_pkey PRIMARY KEY (id),
    CONSTRAINT case_files_case_id_file_id_key UNIQUE (case_id, file_id),
    CONSTRAINT case_files_legacy_file_id_key UNIQUE (legacy_file_id),
    CONSTRAINT case_files_case_id_fkey FOREIGN KEY (case_id) REFERENCES cases (id),
    CONSTRAINT case_files_file_id_fkey FOREIGN KEY (file_id) REFERENCES files (id),
    CONSTRAINT case_files_created_by_fkey FOREIGN KEY (created_by) REFERENCES profiles (id)
);
CREATE INDEX IF NOT EXISTS case_files_file_id_idx ON case_files (file_id);
CREATE INDEX IF NOT EXISTS case_files_created_by_idx ON case_files (created_by);
CREATE OR REPLACE TRIGGER case_files_set_updated_at BEFORE UPDATE ON case_files
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
