-- Schema `synthetic`: the generator's ground truth and its seed-independent helpers.
-- The seeded pseudo-random function synthetic.rnd is (re)created by each generation with its seed.

CREATE SCHEMA IF NOT EXISTS synthetic;

-- One row: the generation whose data the legacy tables hold now.
CREATE TABLE IF NOT EXISTS synthetic.generation (
    seed integer NOT NULL,
    scale double precision NOT NULL,
    started_at timestamptz NOT NULL,
    seconds double precision NOT NULL,
    volumes jsonb NOT NULL,
    row_counts jsonb NOT NULL
);

-- Every injected pathology: which legacy row, which class, and a detail (column or variant).
CREATE TABLE IF NOT EXISTS synthetic.pathology (
    source_table text NOT NULL,
    legacy_id integer NOT NULL,
    class text NOT NULL,
    detail text NOT NULL DEFAULT '',
    PRIMARY KEY (source_table, legacy_id, class, detail)
);

-- The one final outcome each (entity, source row) is owed, when it is not "migrate as is".
-- reason: the skip rule or quarantine reason; NULL when outcome = 'fix' (fixes in expected_fix).
-- pathology: the injected class on the row itself, 'cascade' when an ancestor is the cause.
CREATE TABLE IF NOT EXISTS synthetic.expected_outcome (
    entity text NOT NULL,
    source_table text NOT NULL,
    legacy_id integer NOT NULL,
    outcome text NOT NULL CHECK (outcome IN ('fix', 'skip', 'quarantine')),
    reason text NULL CHECK ((outcome = 'fix') = (reason IS NULL)),
    pathology text NULL,
    PRIMARY KEY (entity, source_table, legacy_id)
);

-- Every fix applied to a row whose final outcome is 'fix' (one row per fix).
CREATE TABLE IF NOT EXISTS synthetic.expected_fix (
    entity text NOT NULL,
    source_table text NOT NULL,
    legacy_id integer NOT NULL,
    fix text NOT NULL,
    pathology text NOT NULL,
    PRIMARY KEY (entity, source_table, legacy_id, fix)
);

-- Per entity and source table: rows seen and the owed split (the accounting equation).
CREATE TABLE IF NOT EXISTS synthetic.expected_total (
    entity text NOT NULL,
    source_table text NOT NULL,
    seen integer NOT NULL,
    migrated integer NOT NULL,
    fixed integer NOT NULL,
    skipped integer NOT NULL,
    quarantined integer NOT NULL,
    PRIMARY KEY (entity, source_table),
    CHECK (seen = migrated + skipped + quarantined AND fixed <= migrated)
);

-- The same ground truth in one flat shape: detail = fix name, skip rule or quarantine reason.
CREATE OR REPLACE VIEW synthetic.expected AS
SELECT entity, source_table, legacy_id, outcome, reason AS detail, pathology
FROM synthetic.expected_outcome
WHERE outcome <> 'fix'
UNION ALL
SELECT entity, source_table, legacy_id, 'fix', fix, pathology
FROM synthetic.expected_fix;

-- Scratch rows of the ground-truth computation: every rule that fires on a row, before the
-- one final outcome is chosen (lowest priority among skips and quarantines; else all fixes).
CREATE UNLOGGED TABLE IF NOT EXISTS synthetic.candidate (
    entity text NOT NULL,
    source_table text NOT NULL,
    legacy_id integer NOT NULL,
    kind text NOT NULL CHECK (kind IN ('fix', 'skip', 'quarantine')),
    priority integer NOT NULL,
    detail text NOT NULL,
    pathology text NOT NULL
);

-- Rows of an entity that are not migrated (skipped or quarantined): parents children look up.
CREATE OR REPLACE VIEW synthetic.lost AS
SELECT entity, source_table, legacy_id, outcome, reason
FROM synthetic.expected_outcome
WHERE outcome <> 'fix';

-- Doctor candidates (REFERENCE 5.2): users with a dispatch_usersetting row or an office link.
CREATE OR REPLACE VIEW synthetic.doctor_candidate AS
SELECT u.id
FROM auth_user AS u
WHERE EXISTS (SELECT 1 FROM dispatch_usersetting AS s WHERE s.user_id = u.id)
   OR EXISTS (SELECT 1 FROM dispatch_office_doctors AS o WHERE o.user_id = u.id);

-- The rows the doctors entity reads: candidates that are not patients (a user who is both
-- migrates as a patient; a reference to them as a doctor finds no doctor).
CREATE OR REPLACE VIEW synthetic.doctor_source AS
SELECT c.id FROM synthetic.doctor_candidate AS c
WHERE NOT EXISTS (SELECT 1 FROM dispatch_patient AS p WHERE p.user_id = c.id);

-- Why a reference cannot be followed: NULL, no such row, or a row that is not migrated.
CREATE OR REPLACE FUNCTION synthetic.cause(reference integer, found integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN reference IS NULL THEN 'null_reference'
                WHEN found IS NULL THEN 'orphan'
                ELSE 'cascade' END
$$;

-- Whether a text parses as JSON (PostgreSQL 15 has no IS JSON).
CREATE OR REPLACE FUNCTION synthetic.is_json(value text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    PERFORM value::jsonb;
    RETURN true;
EXCEPTION WHEN others THEN
    RETURN false;
END
$$;

-- The rules the migration owes the data, in SQL (docs/pathologies.md states them in words).

-- Email format the target checks (REFERENCE 2.3, profiles.email_format).
CREATE OR REPLACE FUNCTION synthetic.valid_email(email text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT btrim(email) ~ '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$'
$$;

-- The target's patient suffix format (profiles_patient_suffix_format, patients_suffix_format).
CREATE OR REPLACE FUNCTION synthetic.valid_suffix(suffix text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT suffix ~ '^[0-9A-Z]{4}$'
$$;

-- NULL, empty or only spaces.
CREATE OR REPLACE FUNCTION synthetic.blank(value text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT value IS NULL OR btrim(value) = ''
$$;

-- The notifications the lab migrated (REFERENCE 1.7): to be sent, with a context, to someone.
CREATE OR REPLACE FUNCTION synthetic.valid_notification(send boolean, context text, recipient integer)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT send AND coalesce(btrim(context), '') <> '' AND recipient IS NOT NULL
$$;

-- A notification context system_messages refuses: not JSON for jsonb (bad escapes, lone
-- surrogates, Python reprs), or the JSON null while a template is named. The generator's
-- clean shape {"key": 123} is recognised first, so that the costly parse runs on few rows.
CREATE OR REPLACE FUNCTION synthetic.invalid_context(template_name text, context text)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN context ~ '^\{"[a-z_]+": [0-9]+\}$' THEN false
                WHEN NOT synthetic.is_json(context) THEN true
                ELSE jsonb_typeof(context::jsonb) = 'null' AND NOT synthetic.blank(template_name) END
$$;

-- Test and internal accounts (skip rule test_account of doctors).
CREATE OR REPLACE FUNCTION synthetic.test_account(email text, first_name text, last_name text)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT lower(btrim(email)) LIKE '%@brius.com'
        OR lower(btrim(email)) LIKE '%@mechanodontics.com'
        OR lower(email || ' ' || first_name || ' ' || last_name) ~ '(test|demo)'
$$;

-- Tax rate stored as a percentage: 1 <= rate < 100 (divided by 100; >= 100 or < 0 is invalid).
CREATE OR REPLACE FUNCTION synthetic.percent_rate(rate numeric) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT rate >= 1 AND rate < 100
$$;

-- Spellings of the United States that normalise to 'USA' (fix country_normalised).
CREATE OR REPLACE FUNCTION synthetic.usa_variant(country text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT country <> 'USA'
       AND lower(btrim(country)) IN ('usa', 'us', 'united states', 'u.s.a.', 'united states of america')
$$;

-- Office dedup key: normalised name|address|city|state|zip (lower case, spaces collapsed).
CREATE OR REPLACE FUNCTION synthetic.office_key(name text, address text, city text, state text, zip text)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT concat_ws('|',
        lower(regexp_replace(btrim(coalesce(name, '')), '\s+', ' ', 'g')),
        lower(regexp_replace(btrim(coalesce(address, '')), '\s+', ' ', 'g')),
        lower(regexp_replace(btrim(coalesce(city, '')), '\s+', ' ', 'g')),
        lower(regexp_replace(btrim(coalesce(state, '')), '\s+', ' ', 'g')),
        lower(regexp_replace(btrim(coalesce(zip, '')), '\s+', ' ', 'g')))
$$;

-- Every office and the office it is merged onto (the lowest id sharing its key).
CREATE OR REPLACE VIEW synthetic.office_canonical AS
SELECT id, min(id) OVER (PARTITION BY synthetic.office_key(name, address, city, state, zip)) AS canonical
FROM dispatch_office;

-- Doctors that are migrated: candidates neither skipped nor quarantined (after doctors settle).
CREATE OR REPLACE VIEW synthetic.migrated_doctor AS
SELECT c.id FROM synthetic.doctor_source AS c
WHERE NOT EXISTS (SELECT 1 FROM synthetic.lost AS l WHERE l.entity = 'doctors' AND l.legacy_id = c.id);

-- Settle one (entity, source table) after its rules have filled synthetic.candidate: one final
-- outcome per row, the fixes of the rows that are migrated, and the accounting totals.
CREATE OR REPLACE FUNCTION synthetic.settle(p_entity text, p_source text, p_seen bigint)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO synthetic.expected_outcome (entity, source_table, legacy_id, outcome, reason, pathology)
    SELECT DISTINCT ON (legacy_id) entity, source_table, legacy_id, kind, detail, pathology
    FROM synthetic.candidate
    WHERE entity = p_entity AND source_table = p_source AND kind <> 'fix'
    ORDER BY legacy_id, priority, detail;

    INSERT INTO synthetic.expected_fix (entity, source_table, legacy_id, fix, pathology)
    SELECT DISTINCT ON (c.legacy_id, c.detail) c.entity, c.source_table, c.legacy_id, c.detail, c.pathology
    FROM synthetic.candidate AS c
    WHERE c.entity = p_entity AND c.source_table = p_source AND c.kind = 'fix'
      AND NOT EXISTS (SELECT 1 FROM synthetic.expected_outcome AS o
                      WHERE o.entity = p_entity AND o.source_table = p_source
                        AND o.legacy_id = c.legacy_id)
    ORDER BY c.legacy_id, c.detail, c.pathology;

    INSERT INTO synthetic.expected_outcome (entity, source_table, legacy_id, outcome, reason, pathology)
    SELECT DISTINCT entity, source_table, legacy_id, 'fix', NULL::text, NULL::text
    FROM synthetic.expected_fix
    WHERE entity = p_entity AND source_table = p_source;

    INSERT INTO synthetic.expected_total (entity, source_table, seen, migrated, fixed, skipped, quarantined)
    SELECT p_entity, p_source, p_seen,
           p_seen - count(*) FILTER (WHERE outcome <> 'fix'),
           count(*) FILTER (WHERE outcome = 'fix'),
           count(*) FILTER (WHERE outcome = 'skip'),
           count(*) FILTER (WHERE outcome = 'quarantine')
    FROM synthetic.expected_outcome
    WHERE entity = p_entity AND source_table = p_source;

    DELETE FROM synthetic.candidate WHERE entity = p_entity AND source_table = p_source;
$$;

-- Time of a row at fraction f (0..1) of its table's life, 2018-01-01 to 2025-09-30, growing
-- about 30% a year (REFERENCE 5.2: +7-17% rows per quarter on active tables).
CREATE OR REPLACE FUNCTION synthetic.ts_at(f double precision) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT timestamptz '2018-01-01 08:00:00+00'
        + (ln(1 + greatest(0.0, least(1.0, f)) * 9.2267) / 0.3) * interval '365.25 days'
$$;

-- Stratified split: the first index of a parent's block when `n` children are shared out in
-- proportion to integer weights (cum = weights of the parents before it; exact, no float sum).
-- Parents that all weigh 0 (a small period where no new order is paid, say) get no children.
CREATE OR REPLACE FUNCTION synthetic.share(cum numeric, total numeric, n bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(floor(cum * n / nullif(total, 0))::bigint, 0)
$$;

-- Element of a pool picked by u in [0, 1).
CREATE OR REPLACE FUNCTION synthetic.pick(pool text[], u double precision) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT pool[1 + floor(u * cardinality(pool))::integer]
$$;

-- Fake vocabularies (no real person, office or patient).
CREATE OR REPLACE FUNCTION synthetic.pool(name text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE name
        WHEN 'first_name' THEN
        ARRAY['James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda',
              'William', 'Elizabeth', 'David', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica',
              'Thomas', 'Sarah', 'Charles', 'Karen', 'Christopher', 'Nancy', 'Daniel', 'Lisa',
              'Matthew', 'Betty', 'Anthony', 'Margaret', 'Mark', 'Sandra', 'Donald', 'Ashley',
              'Steven', 'Kimberly', 'Paul', 'Emily', 'Andrew', 'Donna', 'Joshua', 'Michelle',
              'Kenneth', 'Carol', 'Kevin', 'Amanda', 'Brian', 'Melissa', 'George', 'Deborah',
              'Timothy', 'Stephanie', 'Ronald', 'Rebecca', 'Edward', 'Sharon', 'Jason', 'Laura',
              'Jeffrey', 'Cynthia', 'Ryan', 'Kathleen', 'Jacob', 'Amy', 'Gary', 'Angela',
              'Nicholas', 'Shirley', 'Eric', 'Anna', 'Jonathan', 'Brenda', 'Stephen', 'Pamela',
              'Larry', 'Emma', 'Justin', 'Nicole', 'Scott', 'Helen', 'Brandon', 'Samantha',
              'Benjamin', 'Katherine', 'Samuel', 'Christine', 'Gregory', 'Debra', 'Alexander',
              'Rachel', 'Frank', 'Carolyn', 'Patrick', 'Janet', 'Raymond', 'Catherine', 'Jack',
              'Maria', 'Dennis', 'Heather', 'Jerry', 'Diane', 'Tyler', 'Ruth', 'Aaron', 'Julie',
              'Jose', 'Olivia', 'Adam', 'Joyce', 'Nathan', 'Virginia', 'Henry', 'Victoria',
              'Douglas', 'Kelly', 'Zachary', 'Lauren', 'Peter', 'Christina', 'Kyle', 'Joan',
              'Hiroshi', 'Yuki', 'Kenji', 'Aiko', 'Somchai', 'Anong', 'Priya', 'Rahul', 'Arjun',
              'Ananya', 'Minh', 'Linh']
        WHEN 'last_name' THEN
        ARRAY['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis',
              'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson',
              'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson',
              'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker',
              'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores',
              'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell',
              'Carter', 'Roberts', 'Gomez', 'Phillips', 'Evans', 'Turner', 'Diaz', 'Parker',
              'Cruz', 'Edwards', 'Collins', 'Reyes', 'Stewart', 'Morris', 'Morales', 'Murphy',
              'Cook', 'Rogers', 'Gutierrez', 'Ortiz', 'Morgan', 'Cooper', 'Peterson', 'Bailey',
              'Reed', 'Kelly', 'Howard', 'Ramos', 'Kim', 'Cox', 'Ward', 'Richardson', 'Watson',
              'Brooks', 'Chavez', 'Wood', 'James', 'Bennett', 'Gray', 'Mendoza', 'Ruiz', 'Hughes',
              'Price', 'Alvarez', 'Castillo', 'Sanders', 'Patel', 'Myers', 'Long', 'Ross',
              'Foster', 'Jimenez', 'Powell', 'Jenkins', 'Perry', 'Russell', 'Sullivan', 'Bell',
              'Coleman', 'Butler', 'Henderson', 'Barnes', 'Gonzales', 'Fisher', 'Vasquez',
              'Simmons', 'Romero', 'Jordan', 'Patterson', 'Alexander', 'Hamilton', 'Graham',
              'Reynolds', 'Griffin', 'Wallace', 'Moreno', 'West', 'Cole', 'Hayes', 'Bryant',
              'Herrera', 'Gibson', 'Ellis', 'Tran', 'Medina', 'Aguilar', 'Stevens', 'Murray',
              'Ford', 'Castro', 'Marshall', 'Owens', 'Harrison', 'Fernandez', 'Mcdonald', 'Woods',
              'Washington', 'Kennedy', 'Wells', 'Vargas', 'Henry', 'Chen', 'Freeman', 'Webb',
              'Tucker', 'Guzman', 'Burns', 'Crawford', 'Olson', 'Simpson', 'Porter', 'Hunter',
              'Gordon', 'Mendez', 'Silva', 'Shaw', 'Snyder', 'Mason', 'Dixon', 'Munoz', 'Hunt',
              'Hicks', 'Holmes', 'Palmer', 'Wagner', 'Black', 'Robertson', 'Boyd', 'Rose', 'Stone',
              'Salazar', 'Fox', 'Warren', 'Mills', 'Meyer', 'Rice', 'Schmidt', 'Garza', 'Daniels',
              'Ferguson', 'Nichols', 'Stephens', 'Soto', 'Weaver', 'Gardner', 'Payne', 'Grant',
              'Dunn', 'Kelley', 'Spencer', 'Hawkins', 'Arnold', 'Pierce', 'Vazquez', 'Hansen',
              'Peters', 'Santos', 'Hart', 'Bradley', 'Knight', 'Elliott', 'Cunningham', 'Duncan',
              'Armstrong', 'Hudson', 'Carroll', 'Lane', 'Riley', 'Andrews', 'Alvarado', 'Ray',
              'Delgado', 'Berry', 'Perkins', 'Hoffman', 'Johnston', 'Matthews', 'Pena', 'Richards',
              'Contreras', 'Willis', 'Carpenter', 'Lawrence', 'Sandoval', 'Tanaka', 'Suzuki',
              'Takahashi', 'Watanabe', 'Yamamoto', 'Nakamura', 'Kobayashi', 'Sato', 'Ito', 'Kato',
              'Srisai', 'Wongsa', 'Charoen', 'Sharma', 'Gupta', 'Singh', 'Reddy', 'Pham', 'Hoang',
              'Vu']
        WHEN 'mail_domain' THEN
        ARRAY['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'aol.com',
              'comcast.net', 'att.net', 'protonmail.com', 'live.com']
        WHEN 'practice_word' THEN
        ARRAY['ortho', 'smiles', 'dental', 'orthodontics', 'aligners', 'braces', 'dentistry',
              'smilecare']
        WHEN 'street' THEN
        ARRAY['Main', 'Oak', 'Pine', 'Maple', 'Cedar', 'Elm', 'Washington', 'Lake', 'Hill', 'Park',
              'Sunset', 'River', 'Church', 'Spring', 'Center', 'Highland', 'Forest', 'Meadow',
              'Ridge', 'Valley', 'Harbor', 'Willow', 'Birch', 'Lincoln', 'Jefferson', 'Madison',
              'Franklin', 'Jackson', 'Chestnut', 'Walnut']
        WHEN 'street_kind' THEN
        ARRAY['St', 'Ave', 'Blvd', 'Rd', 'Dr', 'Ln', 'Way', 'Ct', 'Pkwy', 'Pl']
        WHEN 'practice_kind' THEN
        ARRAY['Orthodontics', 'Dental Group', 'Smile Center', 'Family Dentistry', 'Ortho Studio',
              'Dental Care', 'Orthodontic Associates', 'Aligner Clinic']
        WHEN 'city_usa' THEN
        ARRAY['Austin|TX', 'Dallas|TX', 'Houston|TX', 'Phoenix|AZ', 'Denver|CO', 'Seattle|WA',
              'Portland|OR', 'San Diego|CA', 'San Jose|CA', 'Los Angeles|CA', 'Chicago|IL',
              'Columbus|OH', 'Atlanta|GA', 'Miami|FL', 'Orlando|FL', 'Tampa|FL', 'Charlotte|NC',
              'Raleigh|NC', 'Nashville|TN', 'Boston|MA', 'New York|NY', 'Brooklyn|NY',
              'Philadelphia|PA', 'Pittsburgh|PA', 'Detroit|MI', 'Minneapolis|MN', 'Kansas City|MO',
              'Las Vegas|NV', 'Salt Lake City|UT', 'Baltimore|MD']
        WHEN 'city_india' THEN
        ARRAY['Mumbai|Maharashtra', 'Delhi|Delhi', 'Bengaluru|Karnataka', 'Chennai|Tamil Nadu',
              'Hyderabad|Telangana', 'Pune|Maharashtra', 'Kolkata|West Bengal']
        WHEN 'city_japan' THEN
        ARRAY['Tokyo|Tokyo', 'Osaka|Osaka', 'Yokohama|Kanagawa', 'Nagoya|Aichi',
              'Sapporo|Hokkaido', 'Fukuoka|Fukuoka', 'Kobe|Hyogo', 'Kyoto|Kyoto']
        WHEN 'city_thailand' THEN
        ARRAY['Bangkok|Bangkok', 'Chiang Mai|Chiang Mai', 'Phuket|Phuket', 'Pattaya|Chonburi']
        WHEN 'country_other' THEN
        ARRAY['Vietnam|Hanoi|Hanoi', 'Vietnam|Ho Chi Minh City|Ho Chi Minh',
              'Vietnam|Da Nang|Da Nang', 'Australia|Sydney|NSW', 'Australia|Melbourne|VIC',
              'Australia|Brisbane|QLD', 'Philippines|Manila|Metro Manila', 'Singapore|Singapore|',
              'France|Paris|Ile-de-France', 'New Zealand|Auckland|Auckland']
        WHEN 'phrase' THEN
        ARRAY['Please review the upper arch.', 'Looks good, approve.',
              'Can we add attachments on 13 and 23?',
              'Treatment plan updated with IPR between 32 and 42.',
              'Patient reports discomfort on the lower left.',
              'Scan received, starting the design.', 'Refinement requested after stage 12.',
              'Please confirm the extraction of 24.', 'Bite ramps added on the upper incisors.',
              'Case shipped to the office.', 'Question: should we expand the upper arch?',
              'Midline is off by one millimetre.', 'Please reduce the number of stages.',
              'New photos uploaded.', 'Retainer ordered for both arches.',
              'Patient missed the last appointment.', 'Adjusted the torque on the upper canines.',
              'Please send a new scan, the lower is distorted.', 'Approved by the doctor.',
              'Attachments removed from the molars.', 'Overjet corrected in the last stages.',
              'Treatment is on track.', 'Please call the office about the invoice.',
              'Is the lower arch included in this plan?', 'Thank you for the quick turnaround.']
    END
$$;
