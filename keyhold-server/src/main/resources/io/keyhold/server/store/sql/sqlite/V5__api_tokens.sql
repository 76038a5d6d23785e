-- API tokens of the HTTPS listener (Authorization: Bearer kh_<id>_<secret>). A token acts as one identity,
-- with that identity's grants, optionally narrowed by a scope as a ticket of Delegated Login is narrowed by
-- its Rights. Only the SHA-256 of the secret part is stored: the token itself is shown once, at creation.

-- scope: JSON {"rights":[{"operations":[...],"objects":[...],"groups":[...]}]} as io.keyhold.server.auth.ApiTokens
-- writes it; {"rights":[]} for a token without restriction. Times are POSIX seconds; expires_at NULL: never.
-- A revoked token keeps its row (revoked_at set) so that listings and audit records can still name it.
CREATE TABLE api_tokens (
    id           TEXT    NOT NULL PRIMARY KEY,
    identity     TEXT    NOT NULL,
    secret_hash  BLOB    NOT NULL,
    scope        TEXT    NOT NULL,
    description  TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    revoked_at   INTEGER,
    last_used_at INTEGER
) WITHOUT ROWID;

CREATE INDEX api_tokens_identity ON api_tokens (identity, created_at);
