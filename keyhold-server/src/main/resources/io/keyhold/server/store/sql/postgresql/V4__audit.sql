-- The audit log (the PostgreSQL mirror of sqlite/V4__audit.sql): one record per request batch item,
-- chained by SHA-256 (docs/audit.md). Every node appends to the one chain while holding the store's write
-- lock, so sequence numbers have no gaps and the chain never forks.

CREATE TABLE audit_record (
    sequence         BIGINT  PRIMARY KEY,        -- 1, 2, 3, ... without gaps: the chain order
    time_millis      BIGINT  NOT NULL,           -- POSIX milliseconds
    identity         TEXT    NOT NULL,
    source_address   TEXT    NOT NULL,
    protocol_version TEXT,
    operation        TEXT,
    object_count     BIGINT  NOT NULL,
    result_status    TEXT    NOT NULL,
    result_reason    TEXT,
    detail           TEXT,
    previous_hash    BYTEA   NOT NULL,
    hash             BYTEA   NOT NULL,
    UNIQUE (previous_hash)                       -- a record has one successor: no fork of the chain
);

CREATE INDEX audit_record_time ON audit_record (time_millis, sequence);
CREATE INDEX audit_record_identity ON audit_record (identity, time_millis, sequence);

CREATE TABLE audit_object (
    sequence BIGINT  NOT NULL REFERENCES audit_record (sequence),
    position INTEGER NOT NULL,
    uid      TEXT    NOT NULL,
    PRIMARY KEY (sequence, position)
);

CREATE INDEX audit_object_uid ON audit_object (uid, sequence);

CREATE TABLE audit_head (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    sequence BIGINT  NOT NULL,
    hash     BYTEA   NOT NULL
);
