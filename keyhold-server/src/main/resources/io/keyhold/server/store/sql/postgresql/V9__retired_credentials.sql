-- Retired client link credentials: TLS client certificates that Re-Provision replaced (the PostgreSQL
-- mirror of sqlite/V9__retired_credentials.sql). Every node refuses a certificate recorded here.

CREATE TABLE retired_credentials (
    fingerprint       TEXT    NOT NULL PRIMARY KEY,
    identity          TEXT    NOT NULL,
    retired_at        BIGINT  NOT NULL,
    retrievable_until BIGINT  NOT NULL
);

CREATE INDEX retired_credentials_retired_at ON retired_credentials (retired_at, fingerprint);

CREATE TABLE retired_credential_replacements (
    fingerprint       TEXT    NOT NULL REFERENCES retired_credentials (fingerprint),
    position          INTEGER NOT NULL,
    unique_identifier TEXT    NOT NULL,
    PRIMARY KEY (fingerprint, position)
);
