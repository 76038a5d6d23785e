-- Access control: grants of operations on objects or Object Groups, and the users of Username and
-- Password credentials.

-- One row per granted operation. target_kind 0: target is a Unique Identifier; 1: target is an Object Group
-- name and group_key its value key as attribute_value holds it (ValueKeys.key of the Text String), so that
-- Locate joins grants to objects through the attribute_value_key index. grantee_kind 0: an identity;
-- 1: an identity group of the configuration. operation: a KMIP operation name, or '*' for every operation.
CREATE TABLE access_grant (
    target_kind  INTEGER NOT NULL,
    target       TEXT    NOT NULL,
    group_key    BLOB,
    grantee_kind INTEGER NOT NULL,
    grantee      TEXT    NOT NULL,
    operation    TEXT    NOT NULL,
    granted_at   INTEGER NOT NULL,                      -- POSIX seconds
    PRIMARY KEY (target_kind, target, grantee_kind, grantee, operation)
) WITHOUT ROWID;

CREATE INDEX access_grant_grantee ON access_grant (grantee_kind, grantee, target_kind, target);

-- password_hash: $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash> (unpadded Base64), parameters
-- kept with each hash so that they can be raised without invalidating existing users.
CREATE TABLE credential_user (
    username      TEXT    NOT NULL PRIMARY KEY,
    password_hash TEXT    NOT NULL,
    changed_at    INTEGER NOT NULL                      -- POSIX seconds
) WITHOUT ROWID;
