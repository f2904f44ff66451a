-- Key ranges of an unfinished entity that workers migrate at once (see ferry/engine/slices.py).
-- Rows exist only while the entity is unfinished; each slice's checkpoint is written in the
-- transaction of each of its batches, like the entity's summary checkpoint.
CREATE TABLE ferry.slices (
    entity         text NOT NULL,
    operation      text NOT NULL,
    slice          integer NOT NULL,
    key_after      bigint,   -- exclusive lower bound; NULL: from the first key
    key_last       bigint,   -- inclusive upper bound; NULL: to the last key
    checkpoint_key bigint,   -- last key committed in this slice; NULL: none yet
    run_id         bigint NOT NULL,
    PRIMARY KEY (entity, operation, slice)
);
