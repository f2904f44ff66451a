CREATE TEMP TABLE stage_bracket (
    id integer,
    name text,
    project_id integer,
    type integer
) ON COMMIT DROP
