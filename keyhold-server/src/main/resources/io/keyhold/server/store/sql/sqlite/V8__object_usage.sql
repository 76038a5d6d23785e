-- Rotation after a number of uses.

-- rotation_policy gains max_uses: matching objects are also rotated once they have been used that many
-- times (NULL: no usage limit); interval_seconds may now be NULL (no time limit). At least one of the two
-- is set, which the server checks. SQLite cannot drop a NOT NULL constraint, so the table is rebuilt.
CREATE TABLE rotation_policy_v8 (
    name                    TEXT    NOT NULL PRIMARY KEY,
    object_group            TEXT,
    object_type             INTEGER,
    cryptographic_algorithm INTEGER,
    interval_seconds        INTEGER,
    grace_seconds           INTEGER,
    created_at              INTEGER NOT NULL,
    max_uses                INTEGER
) WITHOUT ROWID;

INSERT INTO rotation_policy_v8 (name, object_group, object_type, cryptographic_algorithm, interval_seconds,
                                grace_seconds, created_at, max_uses)
SELECT name, object_group, object_type, cryptographic_algorithm, interval_seconds, grace_seconds, created_at, NULL
FROM rotation_policy;

DROP TABLE rotation_policy;

ALTER TABLE rotation_policy_v8 RENAME TO rotation_policy;

-- object_usage: how many times each object (uid, its Unique Identifier) has been used as the key of a
-- cryptographic operation (Encrypt, Decrypt, Sign, Signature Verify, MAC, MAC Verify). Each node counts in
-- memory and adds its counts here now and then (uses = uses + delta), so the counts of every node add up.
-- No row: not used yet (or not counted yet).
CREATE TABLE object_usage (
    uid  TEXT    NOT NULL PRIMARY KEY,
    uses INTEGER NOT NULL
) WITHOUT ROWID;
