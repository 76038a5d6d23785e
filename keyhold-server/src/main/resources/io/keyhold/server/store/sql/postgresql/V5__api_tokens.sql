-- API tokens of the HTTPS listener (the PostgreSQL mirror of sqlite/V5__api_tokens.sql). Only the SHA-256
-- of a token's secret part is stored.

CREATE TABLE api_tokens (
    id           TEXT    NOT NULL PRIMARY KEY,
    identity     TEXT    NOT NULL,
    secret_hash  BYTEA   NOT NULL,
    scope        TEXT    NOT NULL,
    description  TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    expires_at   BIGINT,
    revoked_at   BIGINT,
    last_used_at BIGINT
);

CREATE INDEX api_tokens_identity ON api_tokens (identity, created_at);
