-- One row per auth_user with what the profile tool needed from the user's patient row (the
-- lowest-id one if a user has several) and the user's highest auth group.
SELECT u.id, u.username, u.password, u.first_name, u.last_name, u.email,
       u.is_superuser, u.is_staff, u.is_active, u.date_joined, u.last_login,
       p.id AS patient_id, p.suffix, p.sex, p.birthdate, p.archived, p.suspended,
       g.top_group
FROM auth_user AS u
LEFT JOIN (
    SELECT DISTINCT ON (user_id) user_id, id, suffix, sex, birthdate, archived, suspended
    FROM dispatch_patient
    ORDER BY user_id, id
) AS p ON p.user_id = u.id
LEFT JOIN (
    SELECT user_id, max(group_id) AS top_group
    FROM auth_user_groups
    GROUP BY user_id
) AS g ON g.user_id = u.id
ORDER BY u.id
