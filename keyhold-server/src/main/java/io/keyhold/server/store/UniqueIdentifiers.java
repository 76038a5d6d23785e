package io.keyhold.server.store;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Unique Identifiers for new managed objects: time-ordered UUIDs (version 7, RFC 9562 section 5.7), 48 bits
 * of Unix milliseconds followed by 74 random bits, in the usual 36-character form.
 *
 * <p>KMIP leaves the form of a Unique Identifier to the server. The time order matters to the store: a new
 * identifier sorts after the ones before it, so its entries in the identifier indexes (the object table's,
 * the attribute index's, the audit log's list of objects) land on the last pages of each B-tree instead of
 * on a random page each, which a random (version 4) UUID costs every commit in pages written. The 74 random
 * bits keep identifiers unguessable enough that nothing could be learnt from trying them; access control
 * does not rely on it.
 */
public final class UniqueIdentifiers {
    private static final SecureRandom RANDOM = new SecureRandom();

    private UniqueIdentifiers() {
    }

    /** A new identifier, e.g. {@code 019b0a7e-3c41-7d2e-9f43-5be3c2d8a1f0}. */
    public static String next() {
        return next(System.currentTimeMillis(), RANDOM).toString();
    }

    static UUID next(long unixMillis, SecureRandom random) {
        byte[] r = new byte[10];
        random.nextBytes(r);
        long high = (unixMillis & 0xFFFF_FFFF_FFFFL) << 16
                | 0x7000L                                   // version 7
                | ((r[0] & 0x0FL) << 8) | (r[1] & 0xFFL);   // rand_a, 12 bits
        long low = 0x8000_0000_0000_0000L                   // variant 10
                | ((r[2] & 0x3FL) << 56);                   // rand_b, 62 bits
        for (int i = 3; i < 10; i++) {
            low |= (r[i] & 0xFFL) << (8 * (9 - i));
        }
        return new UUID(high, low);
    }
}
