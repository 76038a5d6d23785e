-- Which master key wraps new data keys. Recorded here, not in the configuration, so that every process
-- using the database (servers, keyhold master-key rotate) agrees on it; see docs/security.md.

CREATE TABLE master_key_state (
    singleton      INTEGER PRIMARY KEY CHECK (singleton = 1),
    current_key_id TEXT    NOT NULL,  -- MasterKey.id(): name and fingerprint, never key material
    rotating       INTEGER NOT NULL,  -- 1 while a rotation still re-wraps data keys under the current key
    changed_at     TEXT    NOT NULL
);
