-- The rows of the users planned in s_user (auth_user, groups, settings, agents). Shared by
-- generation (every user) and `legacy mutate` (the users a period adds): ids continue after
-- synthetic.id_floor(...), times come from the period when there is one.

INSERT INTO auth_user (id, password, last_login, is_superuser, username, first_name, last_name,
                       email, is_staff, is_active, date_joined)
SELECT u.id,
       'pbkdf2_sha256$260000$' || left(md5('salt' || u.id), 12) || '$'
           || encode(decode(md5('fake-password' || u.id), 'hex'), 'base64'),
       CASE WHEN u.kind IN ('patient', 'other') AND NOT u.patient_doctor
                 AND synthetic.r('user.never', u.id) < 0.4 THEN NULL
            ELSE joined + synthetic.r('user.login', u.id) * (synthetic.clock() - joined) END,
       u.kind = 'staff' AND u.k <= 2,
       CASE WHEN synthetic.r('user.username', u.id) < 0.3 THEN email
            ELSE lower(first) || '.' || lower(last_letters) || u.id END,
       first, last, email,
       u.kind IN ('staff', 'technician'),
       CASE WHEN u.kind = 'doctor' OR u.patient_doctor THEN true
            ELSE synthetic.r('user.active', u.id) >= 0.04 END,
       joined
FROM s_user AS u
CROSS JOIN LATERAL (
    SELECT (u.id * 7919) % 33264 AS slot, (u.id - 1) / 33264 AS cycle
) AS b
CROSS JOIN LATERAL (
    SELECT (synthetic.pool('first_name'))[1 + b.slot / 252] AS first,
           (synthetic.pool('last_name'))[1 + b.slot % 252]
               || CASE WHEN b.cycle > 0 THEN ' ' || to_char(b.cycle + 1, 'FMRN') ELSE '' END AS last,
           lower((synthetic.pool('last_name'))[1 + b.slot % 252])
               || CASE WHEN b.cycle > 0 THEN lower(to_char(b.cycle + 1, 'FMRN')) ELSE '' END
               AS last_letters,
           coalesce(synthetic.period_time('user_ids', u.id),
                    synthetic.ts_at(u.id::double precision / synthetic.n('user_ids')))
               + synthetic.r('user.joined', u.id) * interval '2 days' AS joined
) AS n
CROSS JOIN LATERAL (
    SELECT lower(n.first) || '.' || n.last_letters || u.id || '@'
           || CASE WHEN u.kind IN ('technician', 'staff') THEN 'brius.com'
                   WHEN u.kind = 'doctor' AND synthetic.r('user.practice', u.id) < 0.4
                       THEN n.last_letters
                            || synthetic.pick(synthetic.pool('practice_word'),
                                              synthetic.r('user.practice_word', u.id))
                            || '.com'
                   ELSE synthetic.pick(synthetic.pool('mail_domain'), synthetic.r('user.domain', u.id))
              END AS email
) AS e
WHERE u.kind <> 'deleted';

-- Groups: 1 patient, 2 doctor (about a third of doctor candidates), 11 technician, staff by role.
INSERT INTO auth_user_groups (id, user_id, group_id)
SELECT synthetic.id_floor('user_groups') + row_number() OVER (ORDER BY id), id, group_id
FROM (
    SELECT id,
           CASE kind
               WHEN 'patient' THEN CASE WHEN synthetic.r('group.patient', id) < 0.97 THEN 1 END
               WHEN 'doctor' THEN CASE WHEN synthetic.r('group.doctor', id) < 0.34 THEN 2 END
               WHEN 'technician' THEN 11
               WHEN 'staff' THEN (ARRAY[4, 5, 6, 3, 7])[1 + k % 5]
               WHEN 'other' THEN CASE WHEN synthetic.r('group.other', id) < 0.5 THEN 1 END
           END AS group_id
    FROM s_user
) AS g
WHERE group_id IS NOT NULL;

-- Doctor candidates: 97% of doctor users have a usersetting row (the others get an office link
-- in gen_03), and so do the patient users that are also doctors.
INSERT INTO dispatch_usersetting (id, user_id, language, timezone, notifications, preferences)
SELECT synthetic.id_floor('usersettings') + row_number() OVER (ORDER BY id), id,
       synthetic.pick(ARRAY['en', 'en', 'en', 'en', 'ja', 'th', 'en-au'], synthetic.r('setting.lang', id)),
       synthetic.pick(ARRAY['America/New_York', 'America/Chicago', 'America/Denver',
                            'America/Los_Angeles', 'Asia/Tokyo', 'Asia/Bangkok', 'Asia/Kolkata'],
                      synthetic.r('setting.tz', id)),
       synthetic.r('setting.notify', id) < 0.8,
       CASE WHEN synthetic.r('setting.prefs', id) < 0.5 THEN NULL
            ELSE '{"digest": "daily", "units": "mm"}' END
FROM s_user
WHERE (kind = 'doctor' AND synthetic.r('user.usersetting', id) < 0.97) OR patient_doctor;

INSERT INTO dispatch_doctorsetting (id, user_id, clinical_preferences, sq_customer_id,
                                    promised_payment, credit, tier_finish, tier_type,
                                    installment_payments, baa_agreed_at, eula_agreed_at,
                                    company_account)
SELECT synthetic.id_floor('doctorsettings') + row_number() OVER (ORDER BY u.id), u.id,
       CASE WHEN synthetic.r('doctorsetting.prefs', u.id) < 0.3 THEN NULL
            ELSE '{"ipr": ' || (synthetic.r('doctorsetting.ipr', u.id) < 0.5)::text
                 || ', "attachments": true}' END,
       CASE WHEN synthetic.r('doctorsetting.sq', u.id) < 0.4 THEN NULL
            ELSE 'FAKE-SQ-' || upper(left(md5('sq' || u.id), 10)) END,
       synthetic.r('doctorsetting.promised', u.id) < 0.1,
       round((synthetic.r('doctorsetting.credit', u.id) * 500)::numeric, 2),
       synthetic.pick(ARRAY['2024-12', '2025-06', NULL], synthetic.r('doctorsetting.finish', u.id)),
       synthetic.pick(ARRAY['gold', 'silver', 'bronze', NULL], synthetic.r('doctorsetting.tier', u.id)),
       synthetic.ri('doctorsetting.installments', u.id, 4),
       CASE WHEN synthetic.r('doctorsetting.baa', u.id) < 0.6 THEN a.date_joined + interval '3 days' END,
       CASE WHEN synthetic.r('doctorsetting.eula', u.id) < 0.8 THEN a.date_joined + interval '1 day' END,
       synthetic.r('doctorsetting.company', u.id) < 0.05
FROM s_user AS u
JOIN auth_user AS a ON a.id = u.id
WHERE u.kind = 'doctor' AND synthetic.r('user.doctorsetting', u.id) < 0.85;

-- dispatch_agent: two rows, for two technicians (REFERENCE 1.2).
INSERT INTO dispatch_agent (id, user_id, department, position, phone, status, created_at, updated_at)
SELECT u.k, u.id, 'Production', (ARRAY['Lead technician', 'Technician'])[u.k],
       '+1 555 010 ' || lpad(u.k::text, 4, '0'), 1, a.date_joined, a.date_joined + interval '30 days'
FROM s_user AS u
JOIN auth_user AS a ON a.id = u.id
WHERE u.kind = 'technician' AND u.k <= 2;
