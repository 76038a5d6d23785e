-- The audit log: one record per request batch item (and per message refused as a whole), chained by
-- SHA-256 (docs/audit.md). Records are only ever appended.

CREATE TABLE audit_record (
    sequence         INTEGER PRIMARY KEY,        -- 1, 2, 3, ... without gaps: the chain order
    time_millis      INTEGER NOT NULL,           -- POSIX milliseconds
    identity         TEXT    NOT NULL,
    source_address   TEXT    NOT NULL,
    protocol_version TEXT,                       -- NULL when the message could not be read
    operation        TEXT,                       -- NULL for a message refused as a whole
    object_count     INTEGER NOT NULL,           -- distinct objects involved; audit_object lists the first ones
    result_status    TEXT    NOT NULL,
    result_reason    TEXT,
    detail           TEXT,                       -- a short readable note ("access denied"); never a secret
    previous_hash    BLOB    NOT NULL,           -- the hash of record sequence - 1 (the genesis value for 1)
    hash             BLOB    NOT NULL,
    UNIQUE (previous_hash)                       -- a record has one successor: no fork of the chain
);

CREATE INDEX audit_record_time ON audit_record (time_millis, sequence);
CREATE INDEX audit_record_identity ON audit_record (identity, time_millis, sequence);

-- The Unique Identifiers of the objects an item loaded or created, in the order the record hashes them.
CREATE TABLE audit_object (
    sequence INTEGER NOT NULL REFERENCES audit_record (sequence),
    position INTEGER NOT NULL,
    uid      TEXT    NOT NULL,
    PRIMARY KEY (sequence, position)
);

CREATE INDEX audit_object_uid ON audit_object (uid, sequence);

-- The chain's head (one row), updated in the transaction that appends records: a verifier compares it
-- with the last record to find records removed from the end; several writers would take it as the lock
-- that orders their appends.
CREATE TABLE audit_head (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    sequence INTEGER NOT NULL,
    hash     BLOB    NOT NULL
);
