package io.keyhold.server.store;

/**
 * A read-write transaction. Its changes become visible to others, and durable, together when the
 * {@link ObjectStore#write} call that provided it returns; if the work throws, none of them happen.
 */
public interface WriteTransaction extends ReadTransaction {

    /** Stores a new object. A Unique Identifier that already exists is a {@link StoreException}. */
    void insert(StoredObject object);

    /** Replaces an existing object (attributes, material, storage status; never the owner). */
    void update(StoredObject object);
}
