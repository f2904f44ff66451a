-- Single-column foreign keys of the target database that point at a table's single-column
-- primary key (whatever its name): the referencing table (schema, name), its column, the
-- referenced table (schema, name), and the referencing table's own single-column primary key
-- (NULL if it has none), which names its rows in a refusal.
-- ferry's own schema is left out: its records point at nothing of the application's.
SELECT rn.nspname, r.relname, a.attname, fn.nspname, f.relname, rk.attname
FROM pg_constraint c
JOIN pg_class r ON r.oid = c.conrelid
JOIN pg_namespace rn ON rn.oid = r.relnamespace
JOIN pg_class f ON f.oid = c.confrelid
JOIN pg_namespace fn ON fn.oid = f.relnamespace
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
JOIN pg_constraint fk ON fk.conrelid = c.confrelid AND fk.contype = 'p'
  AND fk.conkey = c.confkey
LEFT JOIN pg_constraint rp ON rp.conrelid = c.conrelid AND rp.contype = 'p'
  AND cardinality(rp.conkey) = 1
LEFT JOIN pg_attribute rk ON rk.attrelid = c.conrelid AND rk.attnum = rp.conkey[1]
WHERE c.contype = 'f' AND cardinality(c.conkey) = 1
  AND rn.nspname <> 'ferry' AND fn.nspname <> 'ferry'
