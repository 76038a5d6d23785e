package io.keyhold.server.security;

import java.util.List;

/**
 * Where master keys live: a PKCS#12 key store or a PKCS#11 token. A source is read again whenever the
 * {@link MasterKeyRing} meets a key id it does not know, so a key added by {@code keyhold master-key rotate}
 * in another process is found without a restart.
 */
public interface MasterKeySource {

    /** Where the keys are, for messages: "key store /etc/keyhold/master-key.p12". Never a secret. */
    String description();

    /** Every AES-256 master key of the source whose name is {@code baseName} or {@code baseName-<suffix>}. */
    List<MasterKey> load(String baseName) throws MasterKeyException;

    /** Generates a new AES-256 master key named {@code name} in the source; fails if the name is taken. */
    MasterKey create(String name) throws MasterKeyException;

    /**
     * Whether its keys work inside this process (a key store read into memory), rather than in a token
     * reached through a driver, where each use may wait on the device.
     */
    default boolean inProcess() {
        return true;
    }
}
