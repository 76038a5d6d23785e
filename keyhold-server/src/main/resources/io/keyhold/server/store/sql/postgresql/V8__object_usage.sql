-- Rotation after a number of uses (the PostgreSQL mirror of sqlite/V8__object_usage.sql).

ALTER TABLE rotation_policy ALTER COLUMN interval_seconds DROP NOT NULL;

ALTER TABLE rotation_policy ADD COLUMN max_uses BIGINT;

CREATE TABLE object_usage (
    uid  TEXT   NOT NULL PRIMARY KEY,
    uses BIGINT NOT NULL
);
