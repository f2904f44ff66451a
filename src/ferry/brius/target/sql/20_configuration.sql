-- Configuration: the catalogues orders and tasks refer to (categories, roles, templates,
-- technician roles, products).

CREATE TABLE IF NOT EXISTS categories (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    name text NOT NULL,
    parent_id uuid,
    display_order integer,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_category_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT categories_pkey PRIMARY KEY (id),
    CONSTRAINT categories_legacy_category_id_key UNIQUE (legacy_category_id),
    CONSTRAINT categories_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES categories (id)
);
CREATE INDEX IF NOT EXISTS categories_parent_id_idx ON categories (parent_id);
CREATE OR REPLACE TRIGGER categories_set_updated_at BEFORE UPDATE ON categories
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE IF NOT EXISTS roles (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    name text NOT NULL,
    abbreviation text,
    type_code smallint,
    sort_order integer,
    is_active boolean NOT NULL DEFAULT true,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_role_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT roles_pkey PRIMARY KEY (id),
    CONSTRAINT roles_legacy_role_id_key UNIQUE (legacy_role_id)
);
CREATE OR REPLACE TRIGGER roles_set_updated_at BEFORE UPDATE ON roles
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE IF NOT EXISTS templates (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    name text NOT NULL,
    action_name text,
    category_id uuid,
    is_active boolean NOT NULL DEFAULT true,
    status_code smallint,
    estimated_duration_minutes integer,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_template_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT templates_pkey PRIMARY KEY (id),
    CONSTRAINT templates_legacy_template_id_key UNIQUE (legacy_template_id),
    CONSTRAINT templates_category_id_fkey FOREIGN KEY (category_id) REFERENCES categories (id)
);
CREATE INDEX IF NOT EXISTS templates_category_id_idx ON templates (category_id);
CREATE OR REPLACE TRIGGER templates_set_updated_at BEFORE UPDATE ON templates
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE IF NOT EXISTS technician_roles (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    technician_id uuid,
    role_id uuid,
    role_type technician_type NOT NULL,
    role_name text NOT NULL,
    abbreviation text,
    is_active boolean NOT NULL DEFAULT true,
    assigned_at timestamptz,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_role_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT technician_roles_pkey PRIMARY KEY (id),
    CONSTRAINT technician_roles_legacy_role_id_key UNIQUE (legacy_role_id),
    CONSTRAINT technician_roles_technician_id_fkey
        FOREIGN KEY (technician_id) REFERENCES technicians (id),
    CONSTRAINT technician_roles_role_id_fkey FOREIGN KEY (role_id) REFERENCES roles (id)
);
CREATE INDEX IF NOT EXISTS technician_roles_technician_id_idx ON technician_roles (technician_id);
CREATE INDEX IF NOT EXISTS technician_roles_role_id_idx ON technician_roles (role_id);
CREATE OR REPLACE TRIGGER technician_roles_set_updated_at BEFORE UPDATE ON technician_roles
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

CREATE TABLE IF NOT EXISTS products (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    name text NOT NULL,
    description text,
    course_type course_type,
    course_code smallint,
    type_code smallint,
    base_price numeric(12, 2),
    is_free boolean NOT NULL DEFAULT false,
    is_substitute boolean NOT NULL DEFAULT false,
    customization jsonb,
    is_active boolean NOT NULL DEFAULT true,
    metadata jsonb NOT NULL DEFAULT '{}',
    legacy_product_id integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT products_pkey PRIMARY KEY (id),
    CONSTRAINT products_legacy_product_id_key UNIQUE (legacy_product_id),
    CONSTRAINT products_base_price_nonnegative CHECK (base_price >= 0)
);
CREATE OR REPLACE TRIGGER products_set_updated_at BEFORE UPDATE ON products
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
