package io.keyhold.testkit.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.spec.KmipVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadOptionsTest {
    @TempDir
    Path dir;
    String ca;
    String cert;
    String key;

    @BeforeEach
    void files() throws Exception {
        ca = Files.writeString(dir.resolve("ca.pem"), "x").toString();
        cert = Files.writeString(dir.resolve("client.pem"), "x").toString();
        key = Files.writeString(dir.resolve("client.key"), "x").toString();
    }

    @Test
    void parse_fullCommandLine_keepsEverySetting() {
        LoadOptions o = LoadOptions.parse(new String[] {"--host", "127.0.0.2", "--port", "5697", "--ca", ca,
                "--cert", cert, "--key", key, "--op", "create", "--connections", "8", "--duration", "20",
                "--warmup", "3", "--kmip-version", "2.0", "--tls-protocol", "TLSv1.3",
                "--cipher-suite", "TLS_AES_128_GCM_SHA256", "--json"});

        assertThat(o.host()).isEqualTo("127.0.0.2");
        assertThat(o.port()).isEqualTo(5697);
        assertThat(o.op()).isEqualTo(LoadOptions.Op.CREATE);
        assertThat(o.connections()).isEqualTo(8);
        assertThat(o.durationSeconds()).isEqualTo(20);
        assertThat(o.warmupSeconds()).isEqualTo(3);
        assertThat(o.kmipVersion()).isEqualTo(KmipVersion.V2_0);
        assertThat(o.tlsProtocol()).isEqualTo("TLSv1.3");
        assertThat(o.cipherSuite()).isEqualTo("TLS_AES_128_GCM_SHA256");
        assertThat(o.json()).isTrue();
    }

    @Test
    void parse_defaults() {
        LoadOptions o = LoadOptions.parse(new String[] {"--ca", ca, "--p12", cert, "--password", "changeit"});

        assertThat(o.op()).isEqualTo(LoadOptions.Op.GET);
        assertThat(o.kmipVersion()).isEqualTo(KmipVersion.V1_2);
        assertThat(o.connections()).isEqualTo(1);
        assertThat(o.tlsProtocol()).isNull();
        assertThat(o.json()).isFalse();
    }

    @Test
    void parse_badValues_nameTheOption() {
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--ca", ca, "--cert", cert, "--key", key, "--op", "locate"}))
                .hasMessage("--op locate (expected: get, create, encrypt, sign-ecdsa or sign-rsa)");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--ca", ca, "--cert", cert, "--key", key, "--kmip-version", "3.0"}))
                .hasMessage("--kmip-version 3.0 (expected: 1.0 .. 2.1)");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--ca", ca, "--cert", cert, "--key", key, "--connections", "0"}))
                .hasMessage("--connections 0 (expected: 1 .. 10000)");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--ca", ca, "--cert", cert, "--key", key, "--tls-protocol", "TLSv1.1"}))
                .hasMessage("--tls-protocol TLSv1.1 (expected: TLSv1.2 or TLSv1.3)");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--ca", dir.resolve("missing.pem").toString()}))
                .hasMessageEndingWith("missing.pem: file not found or not readable");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--ca", ca, "--port"}))
                .hasMessage("--port needs a value");
    }

    @Test
    void parse_credentials_requireOneCompleteSet() {
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--cert", cert, "--key", key}))
                .hasMessage("--ca is required");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--ca", ca, "--cert", cert}))
                .hasMessage("--cert and --key (or --p12 and --password) are required");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--ca", ca, "--p12", cert}))
                .hasMessage("--p12 needs --password");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--ca", ca, "--p12", cert, "--password", "p", "--key", key}))
                .hasMessage("give either --p12 or --cert/--key, not both");
    }

    @Test
    void parse_cryptoOps_andCipher() {
        String[] base = {"--ca", ca, "--cert", cert, "--key", key};
        LoadOptions signRsa = LoadOptions.parse(concat(base, "--op", "sign-rsa"));
        LoadOptions signEc = LoadOptions.parse(concat(base, "--op", "SIGN-ECDSA"));
        LoadOptions cbc = LoadOptions.parse(concat(base, "--op", "encrypt", "--kmip-version", "1.4", "--cipher", "cbc"));

        assertThat(signRsa.op()).isEqualTo(LoadOptions.Op.SIGN_RSA);
        assertThat(signEc.op()).isEqualTo(LoadOptions.Op.SIGN_ECDSA);
        assertThat(cbc.op()).isEqualTo(LoadOptions.Op.ENCRYPT);
        assertThat(cbc.effectiveCipher()).isEqualTo(KmipRequests.CipherMode.CBC);
    }

    @Test
    void encrypt_defaultCipher_isGcmFromKmip14_andCbcBefore() {
        String[] base = {"--ca", ca, "--cert", cert, "--key", key, "--op", "encrypt"};

        assertThat(LoadOptions.parse(concat(base, "--kmip-version", "1.4")).effectiveCipher()).isEqualTo(KmipRequests.CipherMode.GCM);
        assertThat(LoadOptions.parse(concat(base, "--kmip-version", "2.0")).effectiveCipher()).isEqualTo(KmipRequests.CipherMode.GCM);
        assertThat(LoadOptions.parse(concat(base, "--kmip-version", "1.2")).effectiveCipher()).isEqualTo(KmipRequests.CipherMode.CBC);
        assertThat(LoadOptions.parse(concat(base, "--kmip-version", "1.4")).cipher()).isNull();
    }

    @Test
    void cipher_badCombinations_areRefused() {
        String[] base = {"--ca", ca, "--cert", cert, "--key", key};

        assertThatThrownBy(() -> LoadOptions.parse(concat(base, "--op", "encrypt", "--cipher", "gcm", "--kmip-version", "1.2")))
                .hasMessage("--cipher gcm needs --kmip-version 1.4 or later (the Authenticated Encryption Tag came in KMIP 1.4)");
        assertThatThrownBy(() -> LoadOptions.parse(concat(base, "--op", "get", "--cipher", "cbc")))
                .hasMessage("--cipher applies to --op encrypt only");
        assertThatThrownBy(() -> LoadOptions.parse(concat(base, "--op", "encrypt", "--cipher", "ctr")))
                .hasMessage("--cipher ctr (expected: gcm or cbc)");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
