package io.keyhold.server.security;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * Master keys kept as AES-256 secret key entries of one PKCS#12 key store, all under the same passphrase.
 * A new key is added by writing the whole store to a temporary file beside it and renaming that over the
 * old one, so a server reading the store concurrently sees either the old or the new file, never half of one.
 * The passphrase stays in memory for as long as the source lives, because the store is read again when a
 * new key appears.
 */
public final class Pkcs12MasterKeySource implements MasterKeySource {
    private static final int KEY_BITS = 256;

    private final Path keystore;
    private final char[] passphrase;

    public Pkcs12MasterKeySource(Path keystore, char[] passphrase) {
        this.keystore = keystore;
        this.passphrase = passphrase.clone();
    }

    @Override
    public String description() {
        return "key store " + keystore;
    }

    @Override
    public synchronized List<MasterKey> load(String baseName) throws MasterKeyException {
        if (!Files.exists(keystore)) {
            return List.of(); // keyhold master-key init creates it
        }
        KeyStore ks = Pkcs12MasterKey.load(keystore, passphrase);
        List<MasterKey> out = new ArrayList<>();
        try {
            for (String alias : Collections.list(ks.aliases())) {
                if (!(alias.equals(baseName) || alias.startsWith(baseName + "-")) || !ks.isKeyEntry(alias)) {
                    continue;
                }
                Key key = ks.getKey(alias, passphrase);
                if (key instanceof SecretKey secret) {
                    out.add(AesGcmMasterKey.of(alias, secret));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new MasterKeyException("master key store " + keystore + ": an entry cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
        return out;
    }

    @Override
    public synchronized MasterKey create(String name) throws MasterKeyException {
        try {
            KeyStore ks;
            if (Files.exists(keystore)) {
                ks = Pkcs12MasterKey.load(keystore, passphrase);
            } else {
                ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
            }
            if (ks.containsAlias(name)) {
                throw new MasterKeyException("master key store " + keystore + " already has an entry " + name);
            }
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(KEY_BITS, new SecureRandom());
            SecretKey key = generator.generateKey();
            ks.setEntry(name, new KeyStore.SecretKeyEntry(key), new KeyStore.PasswordProtection(passphrase));
            Path dir = keystore.toAbsolutePath().getParent();
            Path temporary = dir.resolve(keystore.getFileName() + ".new");
            Files.deleteIfExists(temporary);
            try (OutputStream out = Pkcs12MasterKey.openPrivate(temporary)) {
                ks.store(out, passphrase);
            }
            Files.move(temporary, keystore, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return AesGcmMasterKey.of(name, key);
        } catch (IOException e) {
            throw new MasterKeyException("master key store " + keystore + " cannot be written ("
                    + e.getClass().getSimpleName() + ")");
        } catch (GeneralSecurityException e) {
            throw new MasterKeyException("master key " + name + " cannot be generated in " + keystore + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }
}
