-- Server-side rotation policies (the PostgreSQL mirror of sqlite/V7__rotation_policy.sql).

CREATE TABLE rotation_policy (
    name                    TEXT    NOT NULL PRIMARY KEY,
    object_group            TEXT,
    object_type             BIGINT,
    cryptographic_algorithm BIGINT,
    interval_seconds        BIGINT  NOT NULL,
    grace_seconds           BIGINT,
    created_at              BIGINT  NOT NULL
);
