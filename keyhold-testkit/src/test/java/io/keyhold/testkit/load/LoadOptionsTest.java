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
    Path ca;
    Path cert;
    Path key;

    @BeforeEach
    void files() throws Exception {
        ca = Files.writeString(dir.resolve("ca.pem"), "x");
        cert = Files.writeString(dir.resolve("client.pem"), "x");
        key = Files.writeString(dir.resolve("client.key"), "x");
    }

    private LoadOptions create(String op, String cipher, int connections, Integer duration, Long requests,
                               Integer warmup, String version, String tls) {
        return LoadOptions.create("127.0.0.1", 5696, ca, cert, key, op, cipher, connections, duration, requests, warmup,
                version, tls, null, null, 7);
    }

    @Test
    void create_fullSettings_keepsEverySetting() {
        LoadOptions o = LoadOptions.create("127.0.0.2", 5697, ca, cert, key, "mix:get=8,create=2", null, 8, 20, null, 3,
                "2.0", "TLSv1.3", "TLS_AES_128_GCM_SHA256", 1000, 42);

        assertThat(o.host()).isEqualTo("127.0.0.2");
        assertThat(o.port()).isEqualTo(5697);
        assertThat(o.mix().toString()).isEqualTo("mix:get=8,create=2");
        assertThat(o.connections()).isEqualTo(8);
        assertThat(o.durationSeconds()).isEqualTo(20);
        assertThat(o.requestLimit()).isZero();
        assertThat(o.limitedByRequests()).isFalse();
        assertThat(o.warmupSeconds()).isEqualTo(3);
        assertThat(o.kmipVersion()).isEqualTo(KmipVersion.V2_0);
        assertThat(o.tlsProtocol()).isEqualTo("TLSv1.3");
        assertThat(o.cipherSuite()).isEqualTo("TLS_AES_128_GCM_SHA256");
        assertThat(o.timeoutMillis()).isEqualTo(1000);
        assertThat(o.seed()).isEqualTo(42);
    }

    @Test
    void create_defaults_twentySecondsAfterFiveOfWarmUp() {
        LoadOptions o = create("get", null, 1, null, null, null, "1.2", null);

        assertThat(o.durationSeconds()).isEqualTo(LoadOptions.DEFAULT_DURATION_SECONDS).isEqualTo(20);
        assertThat(o.warmupSeconds()).isEqualTo(5);
        assertThat(o.timeoutMillis()).isEqualTo(30_000);
        assertThat(o.tlsProtocol()).isNull();
        assertThat(o.mix().single()).isTrue();
    }

    @Test
    void create_requests_replaceTheDuration() {
        LoadOptions o = create("get", null, 2, null, 20L, 0, "1.2", null);

        assertThat(o.limitedByRequests()).isTrue();
        assertThat(o.requestLimit()).isEqualTo(20);
        assertThat(o.durationSeconds()).isZero();
    }

    @Test
    void create_badValues_nameTheOption() {
        assertThatThrownBy(() -> create("get", null, 1, 10, 20L, 0, "1.2", null))
                .hasMessage("give either --duration or --requests, not both");
        assertThatThrownBy(() -> create("get", null, 0, null, null, null, "1.2", null))
                .hasMessage("--connections 0 (expected: 1 .. 10000)");
        assertThatThrownBy(() -> create("get", null, 1, 0, null, null, "1.2", null))
                .hasMessage("--duration 0 (expected: 1 .. 86400)");
        assertThatThrownBy(() -> create("get", null, 1, null, -5L, null, "1.2", null))
                .hasMessage("--requests -5 (expected: > 0)");
        assertThatThrownBy(() -> create("get", null, 1, null, 0L, null, "1.2", null))
                .hasMessage("--requests 0 (expected: > 0)");
        assertThatThrownBy(() -> create("get", null, 1, null, null, -1, "1.2", null))
                .hasMessage("--warmup -1 (expected: 0 .. 86400)");
        assertThatThrownBy(() -> create("get", null, 1, null, null, null, "3.0", null))
                .hasMessage("--kmip-version 3.0 (expected: 1.0 .. 2.1)");
        assertThatThrownBy(() -> create("get", null, 1, null, null, null, "x", null))
                .hasMessage("--kmip-version x (expected: 1.0 .. 2.1)");
        assertThatThrownBy(() -> create("get", null, 1, null, null, null, "1.2", "TLSv1.1"))
                .hasMessage("--tls-protocol TLSv1.1 (expected: TLSv1.2 or TLSv1.3)");
        assertThatThrownBy(() -> create("rekey", null, 1, null, null, null, "1.2", null))
                .hasMessage("--op: unknown operation 'rekey' (expected: get, create, locate, get-attributes, encrypt, "
                        + "sign, sign-ecdsa, register, handshake, resume or idle, or mix:OP=WEIGHT,...)");
        assertThatThrownBy(() -> create("mix:get=0", null, 1, null, null, null, "1.2", null))
                .hasMessage("--op: mix weight 0 of get (expected: 1 .. 1000000)");
        assertThatThrownBy(() -> LoadOptions.create("h", 0, ca, cert, key, "get", null, 1, null, null, null, "1.2",
                null, null, null, 1)).hasMessage("port 0 (expected: 1 .. 65535)");
        assertThatThrownBy(() -> LoadOptions.create("h", 1, dir.resolve("missing.pem"), cert, key, "get", null, 1, null,
                null, null, "1.2", null, null, null, 1)).hasMessageEndingWith("missing.pem: file not found or not readable");
    }

    @Test
    void encrypt_defaultCipher_isGcmFromKmip14_andCbcBefore() {
        assertThat(create("encrypt", null, 1, null, null, null, "1.4", null).effectiveCipher()).isEqualTo(KmipRequests.CipherMode.GCM);
        assertThat(create("encrypt", null, 1, null, null, null, "2.0", null).effectiveCipher()).isEqualTo(KmipRequests.CipherMode.GCM);
        assertThat(create("encrypt", null, 1, null, null, null, "1.2", null).effectiveCipher()).isEqualTo(KmipRequests.CipherMode.CBC);
        assertThat(create("encrypt", null, 1, null, null, null, "1.4", null).cipher()).isNull();
        assertThat(create("encrypt", "CBC", 1, null, null, null, "1.4", null).effectiveCipher()).isEqualTo(KmipRequests.CipherMode.CBC);
        assertThat(create("mix:get=1,encrypt=1", "gcm", 1, null, null, null, "1.4", null).cipher()).isEqualTo(KmipRequests.CipherMode.GCM);
    }

    @Test
    void cipher_badCombinations_areRefused() {
        assertThatThrownBy(() -> create("encrypt", "gcm", 1, null, null, null, "1.2", null))
                .hasMessage("--cipher gcm needs --kmip-version 1.4 or later (the Authenticated Encryption Tag came in KMIP 1.4)");
        assertThatThrownBy(() -> create("get", "cbc", 1, null, null, null, "1.2", null))
                .hasMessage("--cipher applies to the encrypt operation only");
        assertThatThrownBy(() -> create("encrypt", "ctr", 1, null, null, null, "1.2", null))
                .hasMessage("--cipher ctr (expected: gcm or cbc)");
    }

    @Test
    void handshakeAndResume_takeRequestsOrDuration_likeTheOtherOperations() {
        LoadOptions h = create("handshake", null, 16, null, 20L, 0, "1.2", null);
        assertThat(h.mix()).isEqualTo(OperationMix.of(LoadOperation.HANDSHAKE));
        assertThat(h.requestLimit()).isEqualTo(20);
        assertThat(h.connections()).isEqualTo(16);
        LoadOptions r = create("resume", null, 1, 10, null, null, "1.0", "TLSv1.2");
        assertThat(r.mix()).isEqualTo(OperationMix.of(LoadOperation.RESUME));
        assertThat(r.durationSeconds()).isEqualTo(10);
        assertThat(r.warmupSeconds()).isEqualTo(LoadOptions.DEFAULT_WARMUP_SECONDS);
    }

    @Test
    void idle_holdsForTheDuration_withoutWarmUp_andRefusesRequestsAndWarmup() {
        LoadOptions o = create("idle", null, 10_000, 30, null, null, "1.2", null);
        assertThat(o.mix()).isEqualTo(OperationMix.of(LoadOperation.IDLE));
        assertThat(o.connections()).isEqualTo(10_000);
        assertThat(o.durationSeconds()).isEqualTo(30);
        assertThat(o.warmupSeconds()).isZero();
        assertThat(create("idle", null, 5, null, null, null, "1.2", null).durationSeconds())
                .isEqualTo(LoadOptions.DEFAULT_DURATION_SECONDS);

        assertThatThrownBy(() -> create("idle", null, 5, null, 20L, null, "1.2", null))
                .hasMessage("--requests does not apply to --op idle (it holds the connections for --duration seconds)");
        assertThatThrownBy(() -> create("idle", null, 5, 10, null, 2, "1.2", null))
                .hasMessage("--warmup does not apply to --op idle");
        assertThatThrownBy(() -> create("idle", null, 10_001, 10, null, null, "1.2", null))
                .hasMessage("--connections 10001 (expected: 1 .. 10000)");
        assertThatThrownBy(() -> create("handshake", "gcm", 1, 10, null, null, "1.4", null))
                .hasMessage("--cipher applies to the encrypt operation only");
    }
}
