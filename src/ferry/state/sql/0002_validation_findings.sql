-- What a validation found, per check: the legacy ids concerned (the first ones of each check),
-- never row values.
CREATE TABLE ferry.validation_findings (
    run_id    bigint NOT NULL REFERENCES ferry.runs,
    entity    text NOT NULL,
    check_name text NOT NULL,
    passed    boolean NOT NULL,
    checked   bigint NOT NULL,
    failed    bigint NOT NULL,
    detail    text NOT NULL,
    legacy_ids bigint[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (run_id, entity, check_name)
);
