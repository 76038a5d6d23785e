-- Tickets of Login and Delegated Login, and the Object Defaults and Constraints (the PostgreSQL mirror of
-- sqlite/V6__server_state.sql). Only the SHA-256 of a ticket value is stored.

CREATE TABLE login_ticket (
    lookup          BYTEA   NOT NULL PRIMARY KEY,
    hash            BYTEA   NOT NULL,
    identity        TEXT    NOT NULL,
    rights          TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    expires_at      BIGINT  NOT NULL,
    requests_left   BIGINT,
    operations_left BIGINT
);

CREATE INDEX login_ticket_identity ON login_ticket (identity, expires_at);
CREATE INDEX login_ticket_expires ON login_ticket (expires_at);

CREATE TABLE creation_rule (
    kind        INTEGER NOT NULL,
    object_type BIGINT  NOT NULL,
    value       BYTEA   NOT NULL,
    changed_at  BIGINT  NOT NULL,
    PRIMARY KEY (kind, object_type)
);
