SELECT id, name, parent_id
FROM dispatch_category
ORDER BY id
