package io.keyhold.client;

import java.time.Duration;
import java.time.Instant;

/**
 * The answer to Obtain Lease (KMIP 1.4 section 4.12): how long the client may use the object's material
 * before asking again, and the object's Last Change Date.
 *
 * @param leaseTime      Lease Time
 * @param lastChangeDate Last Change Date
 */
public record Lease(Duration leaseTime, Instant lastChangeDate) {
}
