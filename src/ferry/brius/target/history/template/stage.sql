CREATE TEMP TABLE stage_template (
    id integer,
    task_name text,
    text_name text,
    action_name text,
    status integer,
    duration integer,
    category_id integer,
    extra jsonb
) ON COMMIT DROP
