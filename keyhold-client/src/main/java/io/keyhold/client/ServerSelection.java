package io.keyhold.client;

/** The order in which a client with several servers uses them. */
public enum ServerSelection {
    /** The first listed server that is up; the others only when it is not (failover). */
    IN_ORDER,
    /** Each request starts at the next server in turn (load spread), passing over servers that are down. */
    ROUND_ROBIN
}
