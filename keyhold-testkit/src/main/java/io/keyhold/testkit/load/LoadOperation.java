package io.keyhold.testkit.load;

import java.util.Locale;

/** One kind of request the load generator repeats, named as on the command line. */
public enum LoadOperation {
    /** Get of one AES-256 key created during setup (KMIP 1.x/2.x Get). */
    GET("get"),
    /** Create of an AES-256 symmetric key. */
    CREATE("create"),
    /** Locate by Name of one AES-256 key created with that Name during setup. */
    LOCATE("locate"),
    /** Get Attributes (all attributes) of one AES-256 key created during setup. */
    GET_ATTRIBUTES("get-attributes"),
    /** Encrypt of 1 KiB with one activated AES-256 key, a fresh client IV per request. */
    ENCRYPT("encrypt"),
    /** Sign of 64 bytes with one activated RSA-2048 private key, SHA-256 and PKCS#1 v1.5. */
    SIGN("sign"),
    /** Sign of 64 bytes with one activated EC P-256 private key, ECDSA with SHA-256. */
    SIGN_ECDSA("sign-ecdsa"),
    /** Register of a fresh 32-byte AES key (Raw Key Format) for each request. */
    REGISTER("register"),
    /**
     * A new mutually authenticated TLS connection per request with a full handshake (no session resumption),
     * one Discover Versions (Query from KMIP 1.0, which has no Discover Versions), then close.
     */
    HANDSHAKE("handshake"),
    /** As {@link #HANDSHAKE}, but resuming the TLS session of an earlier connection (one client session cache). */
    RESUME("resume"),
    /**
     * N connections opened and held idle for the duration, each proven with one Discover Versions when opened
     * and one more at the end ({@link IdleConnections}).
     */
    IDLE("idle");

    /** The name on the command line and in reports. */
    public final String cliName;

    LoadOperation(String cliName) {
        this.cliName = cliName;
    }

    /** True for the operations that measure connections rather than requests; they cannot be part of a mix. */
    public boolean measuresConnections() {
        return this == HANDSHAKE || this == RESUME || this == IDLE;
    }

    /** The names accepted by {@link #parse}, for messages: "get, create, ... or register". */
    public static String names() {
        StringBuilder sb = new StringBuilder();
        LoadOperation[] all = values();
        for (int i = 0; i < all.length; i++) {
            sb.append(i == 0 ? "" : i == all.length - 1 ? " or " : ", ").append(all[i].cliName);
        }
        return sb.toString();
    }

    /** @throws IllegalArgumentException when the name is none of {@link #names()} */
    public static LoadOperation parse(String name) {
        for (LoadOperation op : values()) {
            if (op.cliName.equals(name.trim().toLowerCase(Locale.ROOT))) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown operation '" + name + "' (expected: " + names()
                + ", or mix:OP=WEIGHT,...)");
    }
}
