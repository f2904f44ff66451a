SELECT id, name, abbrev, type, "order" AS sort_order, user_id, group_id
FROM dispatch_role
ORDER BY id
