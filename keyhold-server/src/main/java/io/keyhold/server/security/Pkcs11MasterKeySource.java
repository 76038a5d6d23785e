package io.keyhold.server.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.ProviderException;
import java.security.Security;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * Master keys held by a PKCS#11 token (an HSM, or SoftHSM2 for tests), reached through the JDK's SunPKCS11
 * provider. Keys are AES-256 token objects labelled with their name, generated inside the token as
 * sensitive and not extractable; wrap and unwrap are AES-GCM operations the token performs, with the
 * object's Unique Identifier as associated data, exactly as for a key store key. The key bytes never
 * reach this process.
 *
 * <p>The PIN stays in memory for as long as the source lives, because the token is listed again when a
 * new key appears.
 */
public final class Pkcs11MasterKeySource implements MasterKeySource {
    private static final int KEY_BYTES = 32;

    private final String where;
    private final Provider provider;
    private final char[] pin;

    private Pkcs11MasterKeySource(String where, Provider provider, char[] pin) {
        this.where = where;
        this.provider = provider;
        this.pin = pin.clone();
    }

    /**
     * Loads the PKCS#11 library and logs in to the token of one slot.
     *
     * @param library       the PKCS#11 module, such as /usr/lib/softhsm/libsofthsm2.so
     * @param slot          the slot id, or null to choose by {@code slotListIndex}
     * @param slotListIndex the index among the slots that hold a token, used when {@code slot} is null
     */
    public static Pkcs11MasterKeySource open(Path library, Long slot, int slotListIndex, char[] pin)
            throws MasterKeyException {
        String where = "PKCS#11 token " + (slot != null ? "in slot " + slot : "at slot list index " + slotListIndex)
                + " of " + library;
        if (!Files.isRegularFile(library)) {
            throw new MasterKeyException("PKCS#11 library " + library + " does not exist");
        }
        Provider base = Security.getProvider("SunPKCS11");
        if (base == null) {
            throw new MasterKeyException("this Java runtime has no SunPKCS11 provider (module jdk.crypto.cryptoki)");
        }
        String config = "--name = keyhold\n"
                + "library = \"" + library.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n"
                + (slot != null ? "slot = " + slot + "\n" : "slotListIndex = " + slotListIndex + "\n")
                + "attributes(generate, CKO_SECRET_KEY, CKK_AES) = {\n"
                + "  CKA_SENSITIVE = true\n"
                + "  CKA_EXTRACTABLE = false\n"
                + "}\n";
        Provider provider;
        try {
            provider = base.configure(config);
        } catch (ProviderException | IllegalArgumentException e) {
            throw new MasterKeyException(where + " cannot be opened (" + reason(e) + ")");
        }
        Pkcs11MasterKeySource source = new Pkcs11MasterKeySource(where, provider, pin);
        source.keyStore(); // logs in now, so a wrong PIN is reported at start-up
        return source;
    }

    @Override
    public boolean inProcess() {
        return false;
    }

    /** The SunPKCS11 instance logged in to the token. */
    Provider provider() {
        return provider;
    }

    @Override
    public String description() {
        return where;
    }

    @Override
    public synchronized List<MasterKey> load(String baseName) throws MasterKeyException {
        KeyStore ks = keyStore();
        List<MasterKey> out = new ArrayList<>();
        try {
            for (String label : Collections.list(ks.aliases())) {
                if (!(label.equals(baseName) || label.startsWith(baseName + "-")) || !ks.isKeyEntry(label)) {
                    continue;
                }
                Key key = ks.getKey(label, null);
                if (key instanceof SecretKey secret && "AES".equalsIgnoreCase(secret.getAlgorithm())) {
                    out.add(AesGcmMasterKey.inToken(label, secret, provider));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new MasterKeyException(where + ": a key cannot be read (" + reason(e) + ")");
        }
        return out;
    }

    /**
     * Generates the key inside the token (a session object, sensitive and not extractable, as the provider
     * configuration asks) and stores it as a token object under {@code name}; the token copies the object,
     * so the key bytes never leave it.
     */
    @Override
    public synchronized MasterKey create(String name) throws MasterKeyException {
        KeyStore ks = keyStore();
        try {
            if (ks.containsAlias(name)) {
                throw new MasterKeyException(where + " already has a key labelled " + name);
            }
            KeyGenerator generator = KeyGenerator.getInstance("AES", provider);
            generator.init(KEY_BYTES * 8);
            SecretKey session = generator.generateKey();
            ks.setEntry(name, new KeyStore.SecretKeyEntry(session), null);
            Key stored = ks.getKey(name, null);
            if (!(stored instanceof SecretKey secret)) {
                throw new MasterKeyException(where + ": the new key " + name + " cannot be found after storing it");
            }
            return AesGcmMasterKey.inToken(name, secret, provider);
        } catch (GeneralSecurityException | ProviderException e) {
            throw new MasterKeyException(where + ": master key " + name + " cannot be generated (" + reason(e) + ")");
        }
    }

    /** The token's keys as a key store, read now; the first call logs in. */
    private KeyStore keyStore() throws MasterKeyException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS11", provider);
            ks.load(null, pin);
            return ks;
        } catch (IOException e) {
            String why = reason(e);
            if (why.startsWith("CKR_PIN")) {
                throw new MasterKeyException(where + ": login refused (" + why + "): check the PIN");
            }
            throw new MasterKeyException(where + ": login failed (" + why + ")");
        } catch (GeneralSecurityException | ProviderException e) {
            throw new MasterKeyException(where + " cannot be read (" + reason(e) + ")");
        }
    }

    /** The PKCS#11 return code (CKR_...) in a failure's causes, else the innermost exception's class. */
    private static String reason(Throwable e) {
        Throwable innermost = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.startsWith("CKR_")) {
                return message.split("\\s")[0];
            }
            innermost = t;
        }
        return innermost.getClass().getSimpleName();
    }
}
