package io.keyhold.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.HexFormat;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Pkcs12MasterKeyTest {
    @TempDir
    Path dir;

    private Path p12() {
        return dir.resolve("master-key.p12");
    }

    private Path pass() {
        return dir.resolve("master-key.pass");
    }

    @Test
    void development_writesOwnerOnlyFiles_andOpensWithTheirPassphrase() throws Exception {
        MasterKey created = Pkcs12MasterKey.createForDevelopment(p12(), pass());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p12()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pass()))).isEqualTo("rw-------");
        char[] passphrase = Files.readString(pass(), StandardCharsets.UTF_8).strip().toCharArray();
        assertThat(passphrase.length).isGreaterThanOrEqualTo(32);
        MasterKey opened = Pkcs12MasterKey.open(p12(), passphrase, "keyhold-master");
        assertThat(opened.id()).isEqualTo(created.id()).matches("keyhold-master:[0-9a-f]{8}");
        byte[] aad = "uid-1".getBytes(StandardCharsets.UTF_8);
        assertThat(opened.unwrap(created.wrap(new byte[] {1, 2, 3}, aad), aad)).containsExactly(1, 2, 3);
    }

    @Test
    void development_reusesExistingFiles() throws Exception {
        String first = Pkcs12MasterKey.createForDevelopment(p12(), pass()).id();
        byte[] before = Files.readAllBytes(p12());

        assertThat(Pkcs12MasterKey.createForDevelopment(p12(), pass()).id()).isEqualTo(first);
        assertThat(Files.readAllBytes(p12())).isEqualTo(before);
    }

    @Test
    void development_refusesAKeyStoreWithoutItsPassphraseFile() throws Exception {
        Pkcs12MasterKey.createForDevelopment(p12(), pass());
        Files.delete(pass());

        assertThatThrownBy(() -> Pkcs12MasterKey.createForDevelopment(p12(), pass()))
                .isInstanceOf(MasterKeyException.class).hasMessageContaining("exists without its companion file");
    }

    @Test
    void wrongPassphrase_isRefusedClearly() throws Exception {
        Pkcs12MasterKey.createForDevelopment(p12(), pass());

        assertThatThrownBy(() -> Pkcs12MasterKey.open(p12(), "wrong".toCharArray(), "keyhold-master"))
                .isInstanceOf(MasterKeyException.class)
                .hasMessage("master key store " + p12() + " cannot be opened: wrong passphrase or not a PKCS#12 file");
    }

    @Test
    void missingStoreAndAlias_areNamed() throws Exception {
        Pkcs12MasterKey.createForDevelopment(p12(), pass());
        char[] passphrase = Files.readString(pass()).strip().toCharArray();

        assertThatThrownBy(() -> Pkcs12MasterKey.open(dir.resolve("absent.p12"), passphrase, "keyhold-master"))
                .hasMessage("master key store " + dir.resolve("absent.p12") + " does not exist"
                        + " (create it with keyhold master-key init)");
        assertThatThrownBy(() -> Pkcs12MasterKey.open(p12(), passphrase, "other"))
                .hasMessage("master key store " + p12() + " has no entry other");
    }

    @Test
    void aNonAes256Entry_isRefused() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] pw = "pw".toCharArray();
        ks.setEntry("small", new KeyStore.SecretKeyEntry(new SecretKeySpec(new byte[16], "AES")),
                new KeyStore.PasswordProtection(pw));
        try (var out = Files.newOutputStream(p12())) {
            ks.store(out, pw);
        }

        assertThatThrownBy(() -> Pkcs12MasterKey.open(p12(), pw, "small"))
                .isInstanceOf(MasterKeyException.class).hasMessageContaining("is not an AES-256 secret key");
    }

    @Test
    void wrap_bindsTheAssociatedData_andTheIdRevealsNothingOfTheKey() throws Exception {
        byte[] raw = new byte[32];
        raw[0] = 0x5a;
        MasterKey key = AesGcmMasterKey.of("a", new SecretKeySpec(raw, "AES"));
        byte[] wrapped = key.wrap(new byte[32], "uid-1".getBytes(StandardCharsets.UTF_8));

        assertThat(wrapped).hasSize(12 + 32 + 16);
        assertThat(key.wrap(new byte[32], "uid-1".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(wrapped);
        assertThatThrownBy(() -> key.unwrap(wrapped, "uid-2".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MasterKeyException.class).hasMessageContaining("authentication failed");
        assertThat(key.id()).doesNotContain(HexFormat.of().formatHex(raw, 0, 4));
        MasterKey other = AesGcmMasterKey.of("a", new SecretKeySpec(new byte[32], "AES"));
        assertThat(other.id()).isNotEqualTo(key.id());
        assertThatThrownBy(() -> other.unwrap(wrapped, "uid-1".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MasterKeyException.class);
    }
}
