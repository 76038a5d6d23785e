-- The audit chain is kept whole by the primary key on sequence alone. A record's sequence and previous_hash
-- come from the same head (the record before it), so a second record claiming the same predecessor claims
-- the same sequence, which the primary key refuses. The UNIQUE (previous_hash) of V4 repeated that check
-- at the price of an index on random 32-byte values: one more page written for every record appended.
-- SQLite cannot drop a table constraint, so both audit tables are rebuilt, the child first, with their
-- rows, then take the old names back (which also points audit_object's reference at the new table).
-- audit_object becomes a WITHOUT ROWID table, clustered on its primary key: one B-tree fewer to write per
-- record that names objects.

CREATE TABLE audit_record_v10 (
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
    hash             BLOB    NOT NULL
);

INSERT INTO audit_record_v10 (sequence, time_millis, identity, source_address, protocol_version, operation,
    object_count, result_status, result_reason, detail, previous_hash, hash)
SELECT sequence, time_millis, identity, source_address, protocol_version, operation,
    object_count, result_status, result_reason, detail, previous_hash, hash
FROM audit_record ORDER BY sequence;

-- The Unique Identifiers of the objects an item loaded or created, in the order the record hashes them.
CREATE TABLE audit_object_v10 (
    sequence INTEGER NOT NULL REFERENCES audit_record_v10 (sequence),
    position INTEGER NOT NULL,
    uid      TEXT    NOT NULL,
    PRIMARY KEY (sequence, position)
) WITHOUT ROWID;

INSERT INTO audit_object_v10 (sequence, position, uid)
SELECT sequence, position, uid FROM audit_object ORDER BY sequence, position;

DROP TABLE audit_object;
DROP TABLE audit_record;
ALTER TABLE audit_record_v10 RENAME TO audit_record;
ALTER TABLE audit_object_v10 RENAME TO audit_object;

CREATE INDEX audit_record_time ON audit_record (time_millis, sequence);
CREATE INDEX audit_record_identity ON audit_record (identity, time_millis, sequence);
CREATE INDEX audit_object_uid ON audit_object (uid, sequence);
