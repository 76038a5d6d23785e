package io.keyhold.server.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.util.Base64;
import java.util.Set;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * A master key kept as an AES-256 secret key entry of a PKCS#12 key store. The passphrase protects both
 * the store and the entry.
 */
public final class Pkcs12MasterKey {
    /** The alias used when the configuration names none. */
    public static final String DEFAULT_ALIAS = "keyhold-master";

    private Pkcs12MasterKey() {}

    /** Opens the key store and returns the AES-256 key under {@code alias}. */
    public static MasterKey open(Path keystore, char[] passphrase, String alias) throws MasterKeyException {
        KeyStore ks = load(keystore, passphrase);
        try {
            if (!ks.containsAlias(alias)) {
                throw new MasterKeyException("master key store " + keystore + " has no entry " + alias);
            }
            java.security.Key key = ks.getKey(alias, passphrase);
            if (!(key instanceof SecretKey secret)) {
                throw new MasterKeyException("entry " + alias + " of master key store " + keystore
                        + " is not a secret key");
            }
            return AesGcmMasterKey.of(alias, secret);
        } catch (UnrecoverableKeyException e) {
            throw new MasterKeyException("entry " + alias + " of master key store " + keystore
                    + " cannot be recovered: wrong passphrase");
        } catch (GeneralSecurityException e) {
            throw new MasterKeyException("entry " + alias + " of master key store " + keystore + " cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /** Reads a PKCS#12 key store; errors say which file and whether the passphrase is wrong. */
    static KeyStore load(Path keystore, char[] passphrase) throws MasterKeyException {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, passphrase);
            return ks;
        } catch (NoSuchFileException e) {
            throw new MasterKeyException("master key store " + keystore + " does not exist"
                    + " (create it with keyhold master-key init)");
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || e.getCause() instanceof javax.crypto.BadPaddingException
                    || String.valueOf(e.getMessage()).contains("password")) {
                throw new MasterKeyException("master key store " + keystore
                        + " cannot be opened: wrong passphrase or not a PKCS#12 file");
            }
            throw new MasterKeyException("master key store " + keystore + " cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        } catch (GeneralSecurityException e) {
            throw new MasterKeyException("master key store " + keystore + " cannot be opened ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * For development only: opens the key store if both files exist, or creates a new AES-256 key in a new
     * key store with a random passphrase written to {@code passphraseFile} (both files 0600 where the file
     * system has POSIX permissions).
     */
    public static MasterKey createForDevelopment(Path keystore, Path passphraseFile) throws MasterKeyException {
        try {
            if (Files.exists(keystore) && Files.exists(passphraseFile)) {
                return open(keystore, Files.readString(passphraseFile, StandardCharsets.UTF_8).strip().toCharArray(),
                        DEFAULT_ALIAS);
            }
            SecureRandom random = new SecureRandom();
            byte[] secret = new byte[24];
            random.nextBytes(secret);
            char[] passphrase = Base64.getUrlEncoder().withoutPadding().encodeToString(secret).toCharArray();
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256, random);
            SecretKey key = generator.generateKey();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setEntry(DEFAULT_ALIAS, new KeyStore.SecretKeyEntry(key), new KeyStore.PasswordProtection(passphrase));
            writePrivate(passphraseFile, (new String(passphrase) + "\n").getBytes(StandardCharsets.UTF_8));
            try (OutputStream out = openPrivate(keystore)) {
                ks.store(out, passphrase);
            }
            return AesGcmMasterKey.of(DEFAULT_ALIAS, key);
        } catch (FileAlreadyExistsException e) {
            throw new MasterKeyException("development master key: " + e.getFile()
                    + " exists without its companion file; remove it or restore the other");
        } catch (IOException e) {
            throw new MasterKeyException("development master key in " + keystore.getParent() + " cannot be written ("
                    + e.getClass().getSimpleName() + ")");
        } catch (GeneralSecurityException e) {
            throw new MasterKeyException("development master key cannot be generated (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static void writePrivate(Path file, byte[] content) throws IOException {
        try (OutputStream out = openPrivate(file)) {
            out.write(content);
        }
    }

    static OutputStream openPrivate(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
        } else {
            Files.createFile(file);
        }
        return Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
