-- Single-column foreign keys of the target database that point at a table's `id`: the
-- referencing table (schema, name), its column, and the referenced table (schema, name).
-- ferry's own schema is left out: its records point at nothing of the application's.
SELECT rn.nspname, r.relname, a.attname, fn.nspname, f.relname
FROM pg_constraint c
JOIN pg_class r ON r.oid = c.conrelid
JOIN pg_namespace rn ON rn.oid = r.relnamespace
JOIN pg_class f ON f.oid = c.confrelid
JOIN pg_namespace fn ON fn.oid = f.relnamespace
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 AND fa.attname = 'id'
  AND rn.nspname <> 'ferry' AND fn.nspname <> 'ferry'
