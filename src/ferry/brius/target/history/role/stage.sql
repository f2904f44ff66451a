CREATE TEMP TABLE stage_role (
    id integer,
    name text,
    abbrev text,
    type integer,
    sort_order integer,
    user_id integer,
    group_id integer
) ON COMMIT DROP
