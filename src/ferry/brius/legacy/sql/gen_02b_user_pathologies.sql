-- Pathologies of people (REFERENCE 5.2 "Users / doctors", 8 calibration sheet), injected into the
-- users s_user plans and the auth_user rows above synthetic.id_floor('user_ids'). Each injection
-- picks exactly quota(knob, population) rows by a seeded shuffle of the eligible ones, changes
-- them, and records them in synthetic.pathology. Eligibility keeps classes apart where one
-- would hide another (a test account given an invalid email would no longer look like one).

-- Test and internal accounts among doctor candidates: mostly @brius.com, a few
-- @mechanodontics.com, at least one with 'demo' in its name and email.
WITH chosen AS (
    SELECT id, rn, q FROM (
        SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.test_account', id), id) AS rn,
               synthetic.quota('test_account', synthetic.n('doctor_candidates')) AS q
        FROM s_user WHERE kind = 'doctor'
    ) AS p WHERE rn <= q
), variant AS (
    SELECT id, CASE WHEN rn <= greatest(1, round(0.03 * q)) THEN 'mechanodontics_domain'
                    WHEN rn <= greatest(1, round(0.03 * q)) + greatest(1, round(0.01 * q))
                        THEN 'name_marker'
                    ELSE 'brius_domain' END AS v
    FROM chosen
), upd AS (
    UPDATE auth_user AS a
    SET email = CASE v.v WHEN 'brius_domain' THEN split_part(a.email, '@', 1) || '@brius.com'
                         WHEN 'mechanodontics_domain'
                             THEN split_part(a.email, '@', 1) || '@mechanodontics.com'
                         ELSE 'demo.' || split_part(a.email, '@', 1) || '@gmail.com' END,
        first_name = CASE WHEN v.v = 'name_marker' THEN 'Demo' ELSE a.first_name END
    FROM variant AS v WHERE a.id = v.id
    RETURNING a.id, v.v
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'auth_user', id, 'test_account', v FROM upd;

CREATE OR REPLACE TEMP VIEW s_candidate AS
SELECT id FROM s_user WHERE kind = 'doctor' OR patient_doctor;

CREATE OR REPLACE TEMP VIEW s_tested AS
SELECT legacy_id AS id FROM synthetic.pathology
WHERE source_table = 'auth_user' AND class = 'test_account';

WITH upd AS (
    UPDATE auth_user SET is_active = false
    WHERE id IN (SELECT id FROM s_candidate
                 ORDER BY synthetic.r('inject.inactive', id), id
                 LIMIT synthetic.quota('inactive_doctor', synthetic.n('doctor_candidates')))
    RETURNING id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'auth_user', id, 'inactive_account', 'is_active' FROM upd;

WITH upd AS (
    UPDATE auth_user SET last_login = NULL
    WHERE id IN (SELECT id FROM s_candidate
                 ORDER BY synthetic.r('inject.never_logged_in', id), id
                 LIMIT synthetic.quota('never_logged_in', synthetic.n('doctor_candidates')))
    RETURNING id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'auth_user', id, 'never_logged_in', 'last_login' FROM upd;

INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'auth_user', id, 'patient_doctor', '' FROM s_user WHERE patient_doctor;

-- Duplicate emails: `excess` copies over about excess/9 source accounts; the first source is
-- shared by 11 accounts when there are enough copies (REFERENCE: one address x11).
WITH pick AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.duplicate_email', id), id) AS rn
    FROM s_user WHERE kind = 'doctor' AND id NOT IN (SELECT id FROM s_tested)
), g AS (
    SELECT q AS excess, greatest(1, round(q / 9.0))::integer AS groups
    FROM (SELECT synthetic.quota('duplicate_email', synthetic.n('doctor_candidates')) AS q) AS x
), src AS (
    SELECT pick.id, pick.rn AS grp FROM pick, g WHERE pick.rn <= g.groups
), copies AS (
    SELECT pick.id,
           CASE WHEN g.groups = 1 OR pick.rn - g.groups <= 10 THEN 1
                ELSE 2 + (pick.rn - g.groups - 11) % (g.groups - 1) END AS grp
    FROM pick, g WHERE pick.rn > g.groups AND pick.rn <= g.groups + g.excess
), upd AS (
    UPDATE auth_user AS a SET email = s.email
    FROM copies AS c JOIN src ON src.grp = c.grp JOIN auth_user AS s ON s.id = src.id
    WHERE a.id = c.id
    RETURNING a.id, src.id AS source
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'auth_user', id, 'duplicate_email', source::text FROM upd;

-- Duplicate first+last names: one name shared by 11 accounts, one by 6, the rest by about 3.
WITH pick AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.duplicate_name', id), id) AS rn
    FROM s_user
    WHERE kind = 'doctor' AND id NOT IN (SELECT id FROM s_tested)
      AND id NOT IN (SELECT legacy_id FROM synthetic.pathology WHERE class = 'duplicate_email')
      AND id NOT IN (SELECT detail::integer FROM synthetic.pathology WHERE class = 'duplicate_email')
), g AS (
    SELECT q AS excess,
           CASE WHEN q <= 10 THEN 1 WHEN q <= 15 THEN 2
                ELSE 2 + ceil((q - 15) / 2.8)::integer END AS groups
    FROM (SELECT synthetic.quota('duplicate_name', synthetic.n('doctor_candidates')) AS q) AS x
), src AS (
    SELECT pick.id, pick.rn AS grp FROM pick, g WHERE pick.rn <= g.groups
), copies AS (
    SELECT pick.id,
           CASE WHEN c <= 10 THEN 1 WHEN c <= 15 THEN 2
                ELSE 3 + (c - 16) % greatest(g.groups - 2, 1) END AS grp
    FROM pick, g, LATERAL (SELECT pick.rn - g.groups AS c) AS cc
    WHERE pick.rn > g.groups AND pick.rn <= g.groups + g.excess
), upd AS (
    UPDATE auth_user AS a SET first_name = s.first_name, last_name = s.last_name
    FROM copies AS c JOIN src ON src.grp = c.grp JOIN auth_user AS s ON s.id = src.id
    WHERE a.id = c.id
    RETURNING a.id, src.id AS source
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'auth_user', id, 'duplicate_name', source::text FROM upd;

CREATE OR REPLACE TEMP VIEW s_duplicated AS
SELECT legacy_id AS id FROM synthetic.pathology
WHERE source_table = 'auth_user' AND class IN ('duplicate_email', 'duplicate_name')
UNION
SELECT detail::integer FROM synthetic.pathology
WHERE source_table = 'auth_user' AND class IN ('duplicate_email', 'duplicate_name');

-- Doctor accounts that carry a practice name instead of a person (unique by id).
WITH upd AS (
    UPDATE auth_user
    SET first_name = synthetic.pick(synthetic.pool('street'), synthetic.r('org.street', id)) || ' '
                     || synthetic.pick(ARRAY['Dental', 'Smiles', 'Orthodontics'], synthetic.r('org.word', id)),
        last_name = 'Practice #' || id
    WHERE id IN (SELECT id FROM s_user
                 WHERE kind = 'doctor' AND id NOT IN (SELECT id FROM s_tested)
                   AND id NOT IN (SELECT id FROM s_duplicated)
                 ORDER BY synthetic.r('inject.organisation', id), id
                 LIMIT synthetic.quota('organisation_name', synthetic.n('doctor_candidates')))
    RETURNING id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'auth_user', id, 'organisation_name', '' FROM upd;

-- A second group for some users (the migration picks the highest group id).
WITH pick AS (
    SELECT g.user_id, g.group_id,
           row_number() OVER (ORDER BY synthetic.r('inject.multiple_groups', g.user_id), g.user_id) AS rn
    FROM auth_user_groups AS g
    WHERE g.user_id IN (SELECT user_id FROM auth_user_groups GROUP BY user_id HAVING count(*) = 1)
      AND g.user_id > synthetic.id_floor('user_ids')
), ins AS (
    INSERT INTO auth_user_groups (id, user_id, group_id)
    SELECT (SELECT max(id) FROM auth_user_groups) + rn, user_id,
           CASE group_id WHEN 1 THEN 2 WHEN 2 THEN 5 WHEN 11 THEN 4 ELSE 11 END
    FROM pick
    WHERE rn <= synthetic.quota('multiple_groups', (SELECT count(*) FROM auth_user WHERE id > synthetic.id_floor('user_ids')))
    RETURNING user_id, group_id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'auth_user', user_id, 'multiple_groups', group_id::text FROM ins;

-- Emails that fail the target's format check, in five shapes.
WITH chosen AS (
    SELECT id, rn FROM (
        SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.invalid_email', id), id) AS rn
        FROM auth_user
        WHERE id > synthetic.id_floor('user_ids')
          AND id NOT IN (SELECT id FROM s_tested) AND id NOT IN (SELECT id FROM s_duplicated)
    ) AS p
    WHERE rn <= synthetic.quota('invalid_email', (SELECT count(*) FROM auth_user WHERE id > synthetic.id_floor('user_ids')))
), upd AS (
    UPDATE auth_user AS a
    SET email = CASE c.rn % 5
                    WHEN 1 THEN regexp_replace(a.email, '\.', '''')
                    WHEN 2 THEN regexp_replace(a.email, '\.', ' ')
                    WHEN 3 THEN regexp_replace(a.email, '\.[a-z]+$', '')
                    WHEN 4 THEN 'null'
                    ELSE replace(a.email, '@', '@@') END
    FROM chosen AS c WHERE a.id = c.id
    RETURNING a.id, (ARRAY['double_at', 'apostrophe', 'inner_space', 'no_tld', 'literal_null'])[1 + c.rn % 5] AS v
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'auth_user', id, 'invalid_email', v FROM upd;

CREATE OR REPLACE TEMP VIEW s_email_touched AS
SELECT legacy_id AS id FROM synthetic.pathology
WHERE source_table = 'auth_user' AND class IN ('invalid_email', 'blank_email')
UNION SELECT id FROM s_tested UNION SELECT id FROM s_duplicated;

WITH upd AS (
    UPDATE auth_user SET email = ''
    WHERE id IN (SELECT id FROM auth_user
                 WHERE id > synthetic.id_floor('user_ids') AND id NOT IN (SELECT id FROM s_email_touched)
                 ORDER BY synthetic.r('inject.blank_email', id), id
                 LIMIT synthetic.quota('blank_email', (SELECT count(*) FROM auth_user WHERE id > synthetic.id_floor('user_ids'))))
    RETURNING id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'auth_user', id, 'blank_email', '' FROM upd;

-- Typo domains: still a valid format, so they migrate as they are.
WITH chosen AS (
    SELECT id, rn FROM (
        SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.typo', id), id) AS rn
        FROM auth_user
        WHERE (email LIKE '%@gmail.com' OR email LIKE '%@yahoo.com')
          AND id > synthetic.id_floor('user_ids') AND id NOT IN (SELECT id FROM s_email_touched)
    ) AS p
    WHERE rn <= synthetic.quota('typo_email_domain', (SELECT count(*) FROM auth_user WHERE id > synthetic.id_floor('user_ids')))
), upd AS (
    UPDATE auth_user AS a
    SET email = CASE WHEN a.email LIKE '%@yahoo.com' THEN replace(a.email, '@yahoo.com', '@yaho.com')
                     WHEN c.rn % 2 = 0 THEN replace(a.email, '@gmail.com', '@gmial.com')
                     ELSE replace(a.email, '@gmail.com', '@gmai.com') END
    FROM chosen AS c WHERE a.id = c.id
    RETURNING a.id, split_part(a.email, '@', 2) AS v
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'auth_user', id, 'typo_email_domain', v FROM upd;

-- Blank names ('' or spaces), first, last or both.
WITH chosen AS (
    SELECT id, rn FROM (
        SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.blank_name', id), id) AS rn
        FROM auth_user
        WHERE id > synthetic.id_floor('user_ids')
          AND id NOT IN (SELECT id FROM s_tested) AND id NOT IN (SELECT id FROM s_duplicated)
          AND id NOT IN (SELECT legacy_id FROM synthetic.pathology WHERE class = 'organisation_name')
    ) AS p
    WHERE rn <= synthetic.quota('blank_name', (SELECT count(*) FROM auth_user WHERE id > synthetic.id_floor('user_ids')))
), upd AS (
    UPDATE auth_user AS a
    SET first_name = CASE c.rn % 4 WHEN 1 THEN '' WHEN 3 THEN '' WHEN 0 THEN '  ' ELSE a.first_name END,
        last_name = CASE c.rn % 4 WHEN 2 THEN '' WHEN 3 THEN '' ELSE a.last_name END
    FROM chosen AS c WHERE a.id = c.id
    RETURNING a.id, (ARRAY['first_spaces', 'first_name', 'last_name', 'both'])[1 + c.rn % 4] AS v
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'auth_user', id, 'blank_name', v FROM upd;
