CREATE TEMP TABLE stage_category (
    id integer,
    name text,
    parent_id integer
) ON COMMIT DROP
