package io.keyhold.server.store;

/** Where an object is kept (KMIP Storage Status Mask): on-line, or moved to archival storage by Archive. */
public enum StorageStatus {
    ONLINE,
    ARCHIVED
}
