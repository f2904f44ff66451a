-- Columns whose legacy types are not documented travel as one jsonb object.
SELECT id, task_name, text_name, action_name, status, duration, category_id,
       jsonb_build_object('function', "function", 'predefined', predefined,
                          'read_only', read_only, 'extensions', extensions, 'alerts', alerts,
                          'separate', separate) AS extra
FROM dispatch_template
ORDER BY id
