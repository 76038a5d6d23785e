-- rotation_policy: server-side rotation policies (keyhold rotation policy add). An object matches a policy
-- when each filter column that is not NULL equals its attribute: object_group its Object Group, object_type
-- its Object Type, cryptographic_algorithm its Cryptographic Algorithm (enumeration values). Matching
-- objects are rotated interval_seconds after their last rotation; grace_seconds after a rotation the
-- replaced object is revoked (Superseded); NULL: never. created_at: POSIX seconds.
CREATE TABLE rotation_policy (
    name                    TEXT    NOT NULL PRIMARY KEY,
    object_group            TEXT,
    object_type             INTEGER,
    cryptographic_algorithm INTEGER,
    interval_seconds        INTEGER NOT NULL,
    grace_seconds           INTEGER,
    created_at              INTEGER NOT NULL
) WITHOUT ROWID;
