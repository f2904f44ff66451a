-- Files and messages: stored files and their links to orders, the message log (legacy
-- dispatch_record), its attachments, staff communications, comments, notes and feedback.

CREATE TABLE IF NOT EXISTS files (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    file_uid text,
    order_id uuid,
    uploaded_by uuid,
    filename text,
    file_type text,
    file_type_code smallint,
    status_code smallint,
    file_size_bytes bigint,
    mime_type text,
    storage_path text,
    checksum text,
    uploaded_at timestamptz,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_file_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT files_pkey PRIMARY KEY (id),
    CONSTRAINT files_legacy_file_id_key UNIQUE (legacy_file_id),
    CONSTRAINT files_file_size_nonnegative CHECK (file_size_bytes >= 0),
    CONSTRAINT files_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT files_uploaded_by_fkey FOREIGN KEY (uploaded_by) REFERENCES profiles (id)
);
CREATE INDEX IF NOT EXISTS files_order_id_idx ON files (order_id);
CREATE INDEX IF NOT EXISTS files_uploaded_by_idx ON files (uploaded_by);
CREATE OR REPLACE TRIGGER files_set_updated_at BEFORE UPDATE ON files
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE IF NOT EXISTS order_files (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    order_id uuid NOT NULL,
    file_id uuid NOT NULL,
    category order_file_category NOT NULL,
    parameters jsonb,
    uploaded_at timestamptz,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_file_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT order_files_pkey PRIMARY KEY (id),
    CONSTRAINT order_files_order_id_file_id_key UNIQUE (order_id, file_id),
    CONSTRAINT order_files_legacy_file_id_key UNIQUE (legacy_file_id),
    CONSTRAINT order_files_order_id_fkey FOREIGN KEY (order_id) REFERENCES orders (id),
    CONSTRAINT order_files_file_id_fkey FOREIGN KEY (file_id) REFERENCES files (id)
);
CREATE INDEX IF NOT EXISTS order_files_file_id_idx ON order_files (file_id);
CREATE OR REPLACE TRIGGER order_files_set_updated_at BEFORE UPDATE ON order_files
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- The legacy recipient is a Django generic FK (content type 11 = patient, 58 = user): two
-- nullable real FKs, and recipient_type says which one is set.
CREATE TABLE IF NOT EXISTS messages (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    message_type message_type NOT NULL,
    record_type_code smallint NOT NULL,
    title text,
    subject text,
    content text NOT NULL,
    sender_id uuid,
    recipient_type message_recipient_type NOT NULL,
    recipient_type_code smallint,
    recipient_patient_id uuid,
    recipient_profile_id uuid,
    is_read boolean NOT NULL DEFAULT false,
    is_public boolean,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_record_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT messages_pkey PRIMARY KEY (id),
    CONSTRAINT messages_legacy_record_id_key UNIQUE (legacy_record_id),
    CONSTRAINT messages_recipient_matches_type CHECK (
        (recipient_type = 'patient'
            AND recipient_patient_id IS NOT NULL AND recipient_profile_id IS NULL)
        OR (recipient_type = 'user'
            AND recipient_profile_id IS NOT NULL AND recipient_patient_id IS NULL)
        OR (recipient_type = 'system'
            AND recipient_patient_id IS NULL AND recipient_profile_id IS NULL)
    ),
    CONSTRAINT messages_sender_id_fkey FOREIGN KEY (sender_id) REFERENCES profiles (id),
    CONSTRAINT messages_recipient_patient_id_fkey
        FOREIGN KEY (recipient_patient_id) REFERENCES patients (id),
    CONSTRAINT messages_recipient_profile_id_fkey
        FOREIGN KEY (recipient_profile_id) REFERENCES profiles (id)
);
CREATE INDEX IF NOT EXISTS messages_sender_id_idx ON messages (sender_id);
CREATE INDEX IF NOT EXISTS messages_recipient_patient_id_idx ON messages (recipient_patient_id);
CREATE INDEX IF NOT EXISTS messages_recipient_profile_id_idx ON messages (recipient_profile_id);
CREATE OR REPLACE TRIGGER messages_set_updated_at BEFORE UPDATE ON messages
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE IF NOT EXISTS message_attachments (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    message_id uuid NOT NULL,
    file_id uuid NOT NULL,
    attachment_type text NOT NULL DEFAULT 'file',
    display_name text,
    file_size bigint,
    mime_type text,
    attached_at timestamptz,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_attachment_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT message_attachments_pkey PRIMARY KEY (id),
    CONSTRAINT message_attachments_message_id_file_id_key UNIQUE (message_id, file_id),
    CONSTRAINT message_attachments_legacy_attachment_id_key UNIQUE (legacy_attachment_id),
    CONSTRAINT message_attachments_message_id_fkey
        FOREIGN KEY (message_id) REFERENCES messages (id),
    CONSTRAINT message_attachments_file_id_fkey FOREIGN KEY (file_id) REFERENCES files (id)
);
CREATE INDEX IF NOT EXISTS message_attachments_file_id_idx ON message_attachments (file_id);
CREATE OR REPLACE TRIGGER message_attachments_set_updated_at BEFORE UPDATE ON message_attachments
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE IF NOT EXISTS team_communications (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    communication_type communication_type NOT NULL,
    record_type_code smallint NOT NULL,
    author_id uuid,
    body text NOT NULL,
    is_public boolean,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_record_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT team_communications_pkey PRIMARY KEY (id),
    CONSTRAINT team_communications_legacy_record_id_key UNIQUE (legacy_record_id),
    CONSTRAINT team_communications_author_id_fkey FOREIGN KEY (author_id) REFERENCES profiles (id)
);
CREATE INDEX IF NOT EXISTS team_communications_author_id_idx ON team_communications (author_id);
CREATE OR REPLACE TRIGGER team_communications_set_updated_at BEFORE UPDATE ON team_communications
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- One comments table for two legacy sources: dispatch_comment (discussion on a treatment plan)
-- and dispatch_note (note on a doctor, detailed in doctor_notes). A row comes from at most one.
CREATE TABLE IF NOT EXISTS comments (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    comment_type comment_type_enum NOT NULL,
    content text NOT NULL,
    author_id uuid,
    treatment_plan_id uuid,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_comment_id integer,
    legacy_note_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT comments_pkey PRIMARY KEY (id),
    CONSTRAINT comments_legacy_comment_id_key UNIQUE (legacy_comment_id),
    CONSTRAINT comments_legacy_note_id_key UNIQUE (legacy_note_id),
    CONSTRAINT comments_single_source CHECK (num_nonnulls(legacy_comment_id, legacy_note_id) <= 1),
    CONSTRAINT comments_author_id_fkey FOREIGN KEY (author_id) REFERENCES profiles (id),
    CONSTRAINT comments_treatment_plan_id_fkey
        FOREIGN KEY (treatment_plan_id) REFERENCES treatment_plans (id)
);
CREATE INDEX IF NOT EXISTS comments_author_id_idx ON comments (author_id);
CREATE INDEX IF NOT EXISTS comments_treatment_plan_id_idx ON comments (treatment_plan_id);
CREATE OR REPLACE TRIGGER comments_set_updated_at BEFORE UPDATE ON comments
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE IF NOT EXISTS doctor_notes (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    comment_id uuid NOT NULL,
    doctor_id uuid NOT NULL,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_note_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT doctor_notes_pkey PRIMARY KEY (id),
    CONSTRAINT doctor_notes_comment_id_key UNIQUE (comment_id),
    CONSTRAINT doctor_notes_legacy_note_id_key UNIQUE (legacy_note_id),
    CONSTRAINT doctor_notes_comment_id_fkey FOREIGN KEY (comment_id) REFERENCES comments (id),
    CONSTRAINT doctor_notes_doctor_id_fkey FOREIGN KEY (doctor_id) REFERENCES doctors (id)
);
CREATE INDEX IF NOT EXISTS doctor_notes_doctor_id_idx ON doctor_notes (doctor_id);
CREATE OR REPLACE TRIGGER doctor_notes_set_updated_at BEFORE UPDATE ON doctor_notes
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- Doctor-authored text from dispatch_comment or dispatch_record: the legacy column that is set
-- says which source a row came from.
CREATE TABLE IF NOT EXISTS customer_feedback (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    feedback_type text,
    severity text,
    subject text,
    description text NOT NULL,
    status text NOT NULL DEFAULT 'open',
    author_id uuid,
    patient_id uuid,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_comment_id integer,
    legacy_record_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customer_feedback_pkey PRIMARY KEY (id),
    CONSTRAINT customer_feedback_legacy_comment_id_key UNIQUE (legacy_comment_id),
    CONSTRAINT customer_feedback_legacy_record_id_key UNIQUE (legacy_record_id),
    CONSTRAINT customer_feedback_single_source
        CHECK (num_nonnulls(legacy_comment_id, legacy_record_id) <= 1),
    CONSTRAINT customer_feedback_author_id_fkey FOREIGN KEY (author_id) REFERENCES profiles (id),
    CONSTRAINT customer_feedback_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES patients (id)
);
CREATE INDEX IF NOT EXISTS customer_feedback_author_id_idx ON customer_feedback (author_id);
CREATE INDEX IF NOT EXISTS customer_feedback_patient_id_idx ON customer_feedback (patient_id);
CREATE OR REPLACE TRIGGER customer_feedback_set_updated_at BEFORE UPDATE ON customer_feedback
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
