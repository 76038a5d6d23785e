package io.keyhold.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM private keys in the forms OpenSSL writes: PKCS#8, PKCS#1 (RSA) and SEC1 (EC). */
class PemTest {
    @TempDir
    Path dir;

    private Path write(String label, byte[] der) throws IOException {
        Path f = dir.resolve(label.replace(' ', '_') + ".key");
        Files.writeString(f, "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + label + "-----\n", StandardCharsets.US_ASCII);
        return f;
    }

    /** The contents of the OCTET STRING that ends a PKCS#8 PrivateKeyInfo (the PKCS#1 or SEC1 key). */
    private static byte[] innerKey(byte[] pkcs8) {
        // PrivateKeyInfo ::= SEQUENCE { version, algorithm, privateKey OCTET STRING }: walk the three elements
        int p = headerLength(pkcs8, 0);
        p = skip(pkcs8, p);
        p = skip(pkcs8, p);
        int content = p + headerLength(pkcs8, p);
        return Arrays.copyOfRange(pkcs8, content, skip(pkcs8, p));
    }

    private static int headerLength(byte[] b, int p) {
        int len = b[p + 1] & 0xFF;
        return len < 0x80 ? 2 : 2 + (len & 0x7F);
    }

    private static int skip(byte[] b, int p) {
        int len = b[p + 1] & 0xFF;
        int h = 2;
        if (len >= 0x80) {
            int n = len & 0x7F;
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (b[p + 2 + i] & 0xFF);
            }
            h += n;
        }
        return p + h + len;
    }

    @Test
    void rsa_pkcs8_and_pkcs1() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        PrivateKey key = g.generateKeyPair().getPrivate();
        assertThat(Pem.privateKey(write("PRIVATE KEY", key.getEncoded())).getEncoded()).isEqualTo(key.getEncoded());
        PrivateKey fromPkcs1 = Pem.privateKey(write("RSA PRIVATE KEY", innerKey(key.getEncoded())));
        assertThat(fromPkcs1.getAlgorithm()).isEqualTo("RSA");
        assertThat(fromPkcs1.getEncoded()).isEqualTo(key.getEncoded());
    }

    @Test
    void ec_pkcs8_and_sec1WithNamedCurve() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        java.security.interfaces.ECPrivateKey key = (java.security.interfaces.ECPrivateKey) g.generateKeyPair().getPrivate();
        assertThat(Pem.privateKey(write("PRIVATE KEY", key.getEncoded())).getAlgorithm()).isEqualTo("EC");
        // SEC1 as OpenSSL writes it: version 1, the private value, [0] the curve (prime256v1)
        byte[] d = key.getS().toByteArray();
        byte[] d32 = new byte[32];
        int n = Math.min(32, d.length);
        System.arraycopy(d, d.length - n, d32, 32 - n, n);
        byte[] sec1 = Pem.sequence(HexFormat.of().parseHex("020101"), Pem.tlv(0x04, d32),
                Pem.tlv(0xA0, HexFormat.of().parseHex("06082a8648ce3d030107")));
        java.security.interfaces.ECPrivateKey read = (java.security.interfaces.ECPrivateKey) Pem.privateKey(write("EC PRIVATE KEY", sec1));
        assertThat(read.getS()).isEqualTo(key.getS());
        assertThat(read.getParams().getCurve()).isEqualTo(key.getParams().getCurve());

        byte[] withoutCurve = Pem.sequence(HexFormat.of().parseHex("020101"), Pem.tlv(0x04, d32));
        assertThatThrownBy(() -> Pem.privateKey(write("EC PRIVATE KEY", withoutCurve)))
                .isInstanceOf(IOException.class).hasMessageContaining("does not name its curve");
    }

    @Test
    void encryptedOrMissingKeys_areRefusedWithTheFileNamed() throws Exception {
        Path encrypted = write("ENCRYPTED PRIVATE KEY", new byte[] {0x30, 0x00});
        assertThatThrownBy(() -> Pem.privateKey(encrypted)).isInstanceOf(IOException.class)
                .hasMessageContaining(encrypted.toString()).hasMessageContaining("encrypted");
        Path legacy = dir.resolve("legacy.key");
        Files.writeString(legacy, "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n"
                + "-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> Pem.privateKey(legacy)).hasMessageContaining("encrypted");
        Path none = dir.resolve("none.pem");
        Files.writeString(none, "nothing here\n");
        assertThatThrownBy(() -> Pem.privateKey(none)).hasMessageContaining("no PEM private key");
        assertThatThrownBy(() -> ClientTls.fromDirectory(dir.resolve("missing"))).isInstanceOf(IOException.class)
                .hasMessageContaining("ca.pem");
    }

    @Test
    void serverAddresses_parse() {
        assertThat(ServerAddress.parse("kms.example.com")).isEqualTo(new ServerAddress("kms.example.com", 5696));
        assertThat(ServerAddress.parse("10.0.0.1:15696")).isEqualTo(new ServerAddress("10.0.0.1", 15696));
        assertThat(ServerAddress.parse("[::1]:5697")).isEqualTo(new ServerAddress("::1", 5697));
        assertThat(ServerAddress.parse("[::1]:5697").toString()).isEqualTo("[::1]:5697");
        assertThatThrownBy(() -> ServerAddress.parse("host:port")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a number");
        assertThatThrownBy(() -> ServerAddress.parse("host:70000")).isInstanceOf(IllegalArgumentException.class);
    }
}
