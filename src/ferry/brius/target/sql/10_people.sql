-- People and offices: profiles is the identity hub (one row per legacy auth_user);
-- doctors, patients and technicians are 1:1 extensions of a profile.

CREATE TABLE IF NOT EXISTS offices (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    name text NOT NULL,
    address text,
    apartment text,
    city text,
    state text,
    zip_code text,
    country text,
    phone text,
    tax_rate numeric(5, 4),
    square_customer_id text,
    is_active boolean NOT NULL DEFAULT true,
    email_notifications boolean NOT NULL DEFAULT true,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_office_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT offices_pkey PRIMARY KEY (id),
    CONSTRAINT offices_legacy_office_id_key UNIQUE (legacy_office_id),
    CONSTRAINT offices_tax_rate_range CHECK (tax_rate >= 0 AND tax_rate < 1)
);
CREATE OR REPLACE TRIGGER offices_set_updated_at BEFORE UPDATE ON offices
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE IF NOT EXISTS profiles (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    profile_type profile_type NOT NULL,
    first_name text NOT NULL,
    last_name text NOT NULL,
    email text,
    phone text,
    date_of_birth date,
    gender gender,
    username text,
    password_hash text,
    is_active boolean NOT NULL DEFAULT true,
    is_verified boolean NOT NULL DEFAULT false,
    archived boolean NOT NULL DEFAULT false,
    suspended boolean NOT NULL DEFAULT false,
    patient_suffix text,
    date_joined timestamptz,
    last_login_at timestamptz,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_user_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT profiles_pkey PRIMARY KEY (id),
    CONSTRAINT profiles_legacy_user_id_key UNIQUE (legacy_user_id),
    CONSTRAINT profiles_email_format
        CHECK (email ~ '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$'),
    CONSTRAINT profiles_patient_suffix_format CHECK (patient_suffix ~ '^[0-9A-Z]{4}$')
);
CREATE OR REPLACE TRIGGER profiles_set_updated_at BEFORE UPDATE ON profiles
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE IF NOT EXISTS doctors (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    profile_id uuid NOT NULL,
    doctor_number text,
    license_number text,
    npi_number text,
    specialty text,
    practice_type text,
    primary_office_id uuid,
    is_active boolean NOT NULL DEFAULT true,
    is_accepting_patients boolean NOT NULL DEFAULT true,
    licensed_since date,
    joined_practice_at timestamptz,
    bio text,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_user_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT doctors_pkey PRIMARY KEY (id),
    CONSTRAINT doctors_profile_id_key UNIQUE (profile_id),
    CONSTRAINT doctors_doctor_number_key UNIQUE (doctor_number),
    CONSTRAINT doctors_legacy_user_id_key UNIQUE (legacy_user_id),
    CONSTRAINT doctors_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES profiles (id),
    CONSTRAINT doctors_primary_office_id_fkey
        FOREIGN KEY (primary_office_id) REFERENCES offices (id)
);
CREATE INDEX IF NOT EXISTS doctors_primary_office_id_idx ON doctors (primary_office_id);
CREATE OR REPLACE TRIGGER doctors_set_updated_at BEFORE UPDATE ON doctors
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE IF NOT EXISTS patients (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    profile_id uuid NOT NULL,
    patient_number text,
    suffix text,
    sex gender,
    sex_code smallint,
    date_of_birth date,
    primary_doctor_id uuid,
    assigned_office_id uuid,
    status patient_status_type,
    status_code smallint,
    archived boolean NOT NULL DEFAULT false,
    suspended boolean NOT NULL DEFAULT false,
    schemes jsonb,
    enrolled_at timestamptz,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_patient_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT patients_pkey PRIMARY KEY (id),
    CONSTRAINT patients_profile_id_key UNIQUE (profile_id),
    CONSTRAINT patients_patient_number_key UNIQUE (patient_number),
    CONSTRAINT patients_legacy_patient_id_key UNIQUE (legacy_patient_id),
    CONSTRAINT patients_suffix_format CHECK (suffix ~ '^[0-9A-Z]{4}$'),
    CONSTRAINT patients_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES profiles (id),
    CONSTRAINT patients_primary_doctor_id_fkey
        FOREIGN KEY (primary_doctor_id) REFERENCES doctors (id),
    CONSTRAINT patients_assigned_office_id_fkey
        FOREIGN KEY (assigned_office_id) REFERENCES offices (id)
);
CREATE INDEX IF NOT EXISTS patients_primary_doctor_id_idx ON patients (primary_doctor_id);
CREATE INDEX IF NOT EXISTS patients_assigned_office_id_idx ON patients (assigned_office_id);
CREATE OR REPLACE TRIGGER patients_set_updated_at BEFORE UPDATE ON patients
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE IF NOT EXISTS doctor_offices (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    doctor_id uuid NOT NULL,
    office_id uuid NOT NULL,
    is_primary boolean NOT NULL DEFAULT false,
    is_active boolean NOT NULL DEFAULT true,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_office_doctor_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT doctor_offices_pkey PRIMARY KEY (id),
    CONSTRAINT doctor_offices_doctor_id_office_id_key UNIQUE (doctor_id, office_id),
    CONSTRAINT doctor_offices_legacy_office_doctor_id_key UNIQUE (legacy_office_doctor_id),
    CONSTRAINT doctor_offices_doctor_id_fkey FOREIGN KEY (doctor_id) REFERENCES doctors (id),
    CONSTRAINT doctor_offices_office_id_fkey FOREIGN KEY (office_id) REFERENCES offices (id)
);
CREATE INDEX IF NOT EXISTS doctor_offices_office_id_idx ON doctor_offices (office_id);
CREATE OR REPLACE TRIGGER doctor_offices_set_updated_at BEFORE UPDATE ON doctor_offices
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE IF NOT EXISTS technicians (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    profile_id uuid NOT NULL,
    employee_id text,
    department text,
    position text,
    status employment_status NOT NULL,
    status_code smallint,
    hire_date date,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_user_id integer,
    legacy_agent_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT technicians_pkey PRIMARY KEY (id),
    CONSTRAINT technicians_profile_id_key UNIQUE (profile_id),
    CONSTRAINT technicians_employee_id_key UNIQUE (employee_id),
    CONSTRAINT technicians_legacy_user_id_key UNIQUE (legacy_user_id),
    CONSTRAINT technicians_legacy_agent_id_key UNIQUE (legacy_agent_id),
    CONSTRAINT technicians_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES profiles (id)
);
CREATE OR REPLACE TRIGGER technicians_set_updated_at BEFORE UPDATE ON technicians
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
