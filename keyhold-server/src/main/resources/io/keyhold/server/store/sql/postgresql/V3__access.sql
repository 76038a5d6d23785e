-- Access control: grants of operations on objects or Object Groups, and the users of Username and
-- Password credentials (the PostgreSQL mirror of sqlite/V3__access.sql).

CREATE TABLE access_grant (
    target_kind  INTEGER NOT NULL,
    target       TEXT    NOT NULL,
    group_key    BYTEA,
    grantee_kind INTEGER NOT NULL,
    grantee      TEXT    NOT NULL,
    operation    TEXT    NOT NULL,
    granted_at   BIGINT  NOT NULL,                      -- POSIX seconds
    PRIMARY KEY (target_kind, target, grantee_kind, grantee, operation)
);

CREATE INDEX access_grant_grantee ON access_grant (grantee_kind, grantee, target_kind, target);

CREATE TABLE credential_user (
    username      TEXT    NOT NULL PRIMARY KEY,
    password_hash TEXT    NOT NULL,
    changed_at    BIGINT  NOT NULL                      -- POSIX seconds
);
