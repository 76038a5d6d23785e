-- Server-wide state that every node of a cluster must share: the tickets of Login and Delegated Login, and
-- the Object Defaults (Set Defaults) and Constraints (Set Constraints) that Create, Create Key Pair and
-- Register apply.

-- login_ticket: one row per ticket. Only the SHA-256 of a ticket value is stored; a ticket is found by the
-- first 16 bytes of that hash (lookup) and the whole hash is then compared in constant time.
-- rights: JSON {"rights":[{"operations":[...],"objects":[...],"groups":[...]}]} as io.keyhold.server.auth.Tickets
-- writes it; {"rights":[]} for a ticket of Login. Times are POSIX milliseconds; the ticket works before
-- expires_at only. requests_left NULL: no Request Count; operations_left NULL: no Usage Limits.
CREATE TABLE login_ticket (
    lookup          BLOB    NOT NULL PRIMARY KEY,
    hash            BLOB    NOT NULL,
    identity        TEXT    NOT NULL,
    rights          TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    requests_left   INTEGER,
    operations_left INTEGER
) WITHOUT ROWID;

CREATE INDEX login_ticket_identity ON login_ticket (identity, expires_at);
CREATE INDEX login_ticket_expires ON login_ticket (expires_at);

-- creation_rule: kind 0 is the Object Defaults of one Object Type (object_type), value an Attributes
-- structure of Attribute structures (name, index, value) as the managed_object attributes column holds
-- them; kind 1 is the Constraints structure as Set Constraints gave it (object_type 0). Values are TTLV.
-- changed_at: POSIX seconds.
CREATE TABLE creation_rule (
    kind        INTEGER NOT NULL,
    object_type INTEGER NOT NULL,
    value       BLOB    NOT NULL,
    changed_at  INTEGER NOT NULL,
    PRIMARY KEY (kind, object_type)
) WITHOUT ROWID;
