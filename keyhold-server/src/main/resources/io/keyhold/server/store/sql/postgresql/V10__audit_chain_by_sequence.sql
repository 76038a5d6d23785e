-- The audit chain is kept whole by the primary key on sequence alone (the PostgreSQL mirror of
-- sqlite/V10__audit_chain_by_sequence.sql). A record's sequence and previous_hash come from the same head
-- (the record before it), so a second record claiming the same predecessor claims the same sequence, which
-- the primary key refuses. The UNIQUE (previous_hash) of V4 repeated that check at the price of an index on
-- random 32-byte values: one more page written for every record appended.

ALTER TABLE audit_record DROP CONSTRAINT audit_record_previous_hash_key;
