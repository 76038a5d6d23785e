-- Managed objects and the index of their attribute values that Locate queries (the PostgreSQL mirror of
-- sqlite/V1__objects.sql: same tables and columns, PostgreSQL's types).

CREATE TABLE managed_object (
    seq            BIGINT   GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- storage order: oldest first
    uid            TEXT     NOT NULL UNIQUE,
    owner          TEXT     NOT NULL,
    object_type    INTEGER  NOT NULL,
    state          INTEGER,                            -- NULL for objects without a State
    storage_status INTEGER  NOT NULL,                  -- 0 on-line, 1 archived
    attributes     BYTEA    NOT NULL,                  -- TTLV: Attributes { Attribute { Name, Index, value } ... }
    object         BYTEA                               -- TTLV object structure, sealed; NULL once destroyed
);

CREATE INDEX managed_object_owner ON managed_object (owner, seq);
CREATE INDEX managed_object_type_state ON managed_object (object_type, state, seq);
CREATE INDEX managed_object_state ON managed_object (state, seq);

-- One row per attribute instance. value_key is the value's TTLV encoding without its tag (ValueKeys.key);
-- value_num its number for numeric types (ValueKeys.number), else NULL.
CREATE TABLE attribute_value (
    seq       BIGINT   NOT NULL REFERENCES managed_object (seq) ON DELETE CASCADE,
    name      TEXT     NOT NULL,
    idx       INTEGER  NOT NULL,
    value_key BYTEA    NOT NULL,
    value_num BIGINT
);

CREATE INDEX attribute_value_key ON attribute_value (name, value_key, seq);
CREATE INDEX attribute_value_num ON attribute_value (name, value_num, seq);
CREATE INDEX attribute_value_object ON attribute_value (seq, name);
