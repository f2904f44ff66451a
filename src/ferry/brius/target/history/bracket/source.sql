SELECT id, name, project_id, type
FROM dispatch_bracket
ORDER BY id
