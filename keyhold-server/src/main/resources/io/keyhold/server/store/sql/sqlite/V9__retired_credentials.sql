-- Retired client link credentials: TLS client certificates that Re-Provision replaced. Every node sharing
-- the database refuses a certificate recorded here; until retrievable_until it may still Get the objects
-- of its replacement, and nothing else.

-- fingerprint: SHA-256 of the certificate's DER encoding, lowercase hex. identity: the identity the
-- certificate named. Times are POSIX seconds. Rows are only ever added; nodes poll those retired since the
-- last retired_at they have seen.
CREATE TABLE retired_credentials (
    fingerprint       TEXT    NOT NULL PRIMARY KEY,
    identity          TEXT    NOT NULL,
    retired_at        INTEGER NOT NULL,
    retrievable_until INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX retired_credentials_retired_at ON retired_credentials (retired_at, fingerprint);

-- The Unique Identifiers of the objects that replaced a retired credential (its certificate, and its
-- private and public key when the server made them), in order from position 0; none for a credential
-- replaced without new objects.
CREATE TABLE retired_credential_replacements (
    fingerprint       TEXT    NOT NULL REFERENCES retired_credentials (fingerprint),
    position          INTEGER NOT NULL,
    unique_identifier TEXT    NOT NULL,
    PRIMARY KEY (fingerprint, position)
) WITHOUT ROWID;
