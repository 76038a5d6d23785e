package io.keyhold.client;

import static io.keyhold.client.FakeKmipServer.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.spec.CredentialType;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.QueryFunction;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.pki.DevPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retries, timeouts, negotiation and credentials, against a scripted server. */
class FailureModesTest {
    @TempDir
    static Path dir;
    private static ClientTls tls;

    @BeforeAll
    static void pki() throws Exception {
        DevPki.ensure(dir);
        tls = ClientTls.fromDirectory(dir);
    }

    private static TtlvItem getAnswer(String uid) {
        return TtlvItem.structure(Tag.RESPONSE_PAYLOAD,
                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid),
                TtlvItem.structure(Tag.SYMMETRIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                        TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.RAW.value()),
                        TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, new byte[16])))));
    }

    private static KmipClient.Builder client(FakeKmipServer server) {
        return KmipClient.builder().servers(server.address()).tls(tls).version(KmipVersion.V2_1)
                .requestTimeout(Duration.ofSeconds(10));
    }

    @Test
    void get_isSentAgain_whenTheServerClosedThePooledConnection() throws Exception {
        // every connection is closed by the server right after its first answer
        try (FakeKmipServer server = new FakeKmipServer(dir,
                (r, c, n) -> new FakeKmipServer.Answer(getAnswer("k1"), true));
             KmipClient kmip = client(server).build()) {
            assertThat(kmip.get("k1").uniqueIdentifier()).isEqualTo("k1");
            assertThat(kmip.get("k1").uniqueIdentifier()).isEqualTo("k1");
            assertThat(kmip.get("k1").value()).hasSize(16);
            assertThat(server.connections()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void get_isSentAgain_afterTheConnectionBrokeOnceSent_create_isNot() throws Exception {
        // the first request on the first connection is read and left unanswered (connection closed)
        try (FakeKmipServer server = new FakeKmipServer(dir,
                (r, c, n) -> n == 0 ? new FakeKmipServer.Close() : new FakeKmipServer.Answer(getAnswer("k1"), false));
             KmipClient kmip = client(server).build()) {
            assertThat(kmip.get("k1").uniqueIdentifier()).isEqualTo("k1");
            assertThat(server.requests()).hasSize(2);
        }
        try (FakeKmipServer server = new FakeKmipServer(dir,
                (r, c, n) -> n == 0 ? new FakeKmipServer.Close() : ok(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "k2")));
             KmipClient kmip = client(server).build()) {
            assertThatThrownBy(() -> kmip.create(SymmetricKeySpec.aes(128)))
                    .isInstanceOfSatisfying(KmipTransportException.class, e -> {
                        assertThat(e).isNotInstanceOf(KmipTimeoutException.class);
                        assertThat(e.mayHaveExecuted()).isTrue();
                        assertThat(e.getMessage()).contains("Create", "may have carried it out");
                    });
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void healthyIdleConnection_passesTheCheck_andIsReused() throws Exception {
        try (FakeKmipServer server = new FakeKmipServer(dir, (r, c, n) -> new FakeKmipServer.Answer(getAnswer("k1"), false));
             KmipClient kmip = client(server).build()) {
            kmip.get("k1");
            Thread.sleep(ServerPool.CHECK_AFTER_IDLE_NANOS / 1_000_000 + 300);
            kmip.get("k1");
            kmip.get("k1");
            assertThat(server.requests()).hasSize(3);
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void retries_zero_meansGetIsNotSentAgain() throws Exception {
        try (FakeKmipServer server = new FakeKmipServer(dir,
                (r, c, n) -> n == 0 ? new FakeKmipServer.Close() : new FakeKmipServer.Answer(getAnswer("k1"), false));
             KmipClient kmip = client(server).retries(0).build()) {
            assertThatThrownBy(() -> kmip.get("k1")).isInstanceOf(KmipTransportException.class);
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void noAnswer_timesOutWithinTheRequestTimeout_withoutRetry() throws Exception {
        try (FakeKmipServer server = new FakeKmipServer(dir, (r, c, n) -> new FakeKmipServer.Hang());
             KmipClient kmip = client(server).requestTimeout(Duration.ofMillis(500)).build()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> kmip.get("k1"))
                    .isInstanceOfSatisfying(KmipTimeoutException.class, e -> {
                        assertThat(e.getMessage()).contains("Get", "request timeout");
                        assertThat(e.mayHaveExecuted()).isTrue();
                    });
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(ms).isBetween(400L, 5_000L);
            assertThat(server.requests()).hasSize(1);
        }
    }

    @Test
    void allConnectionsBusy_timesOut() throws Exception {
        try (FakeKmipServer server = new FakeKmipServer(dir, (r, c, n) -> new FakeKmipServer.Hang());
             KmipClient kmip = client(server).maxConnectionsPerServer(1).requestTimeout(Duration.ofMillis(800)).build()) {
            Thread busy = new Thread(() -> {
                try {
                    kmip.get("k1");
                } catch (Exception expected) {
                    // times out too
                }
            });
            busy.start();
            Thread.sleep(300);
            assertThatThrownBy(() -> kmip.get("k2"))
                    .isInstanceOfSatisfying(KmipTimeoutException.class, e -> {
                        assertThat(e.getMessage()).contains("no free connection");
                        assertThat(e.mayHaveExecuted()).isFalse();
                    });
            busy.join(5_000);
        }
    }

    @Test
    void negotiation_usesTheHighestVersionBothSupport() throws Exception {
        TtlvItem versions = TtlvItem.structure(Tag.RESPONSE_PAYLOAD, pv(1, 4), pv(1, 2), pv(1, 0));
        try (FakeKmipServer server = new FakeKmipServer(dir,
                (r, c, n) -> r.batchItems().get(0).operation().orElseThrow() == Operation.DISCOVER_VERSIONS
                        ? new FakeKmipServer.Answer(versions, false) : ok());
             KmipClient kmip = KmipClient.builder().servers(server.address()).tls(tls).negotiateVersion().build()) {
            kmip.query(QueryFunction.QUERY_OPERATIONS);
            assertThat(kmip.version()).isEqualTo(KmipVersion.V1_4);
            List<RequestMessage> seen = server.requests();
            assertThat(seen).hasSize(2);
            // the client offered every version it knows, newest first
            assertThat(seen.get(0).batchItems().get(0).payload().childrenWith(Tag.PROTOCOL_VERSION)).hasSize(KmipVersion.KNOWN.size())
                    .first().isEqualTo(pv(2, 1));
            assertThat(seen.get(1).header().protocolVersion()).isEqualTo(KmipVersion.V1_4);
            assertThat(seen.get(1).batchItems().get(0).operation()).contains(Operation.QUERY);
        }
    }

    @Test
    void negotiation_noCommonVersion_fails() throws Exception {
        TtlvItem versions = TtlvItem.structure(Tag.RESPONSE_PAYLOAD, pv(3, 0));
        try (FakeKmipServer server = new FakeKmipServer(dir, (r, c, n) -> new FakeKmipServer.Answer(versions, false));
             KmipClient kmip = KmipClient.builder().servers(server.address()).tls(tls).build()) {
            assertThatThrownBy(kmip::version).isInstanceOf(KmipTransportException.class)
                    .hasMessageContaining("supports none of KMIP");
        }
    }

    @Test
    void credentials_areSentInEveryHeader() throws Exception {
        try (FakeKmipServer server = new FakeKmipServer(dir, (r, c, n) -> ok());
             KmipClient kmip = client(server).credentials("alice", "wonderland").build()) {
            kmip.activate("k1");
            kmip.activate("k2");
            assertThat(server.requests()).hasSize(2).allSatisfy(r -> {
                TtlvItem credential = r.header().authentication().child(Tag.CREDENTIAL).orElseThrow();
                assertThat(credential.child(Tag.CREDENTIAL_TYPE).orElseThrow().enumValue())
                        .isEqualTo(CredentialType.USERNAME_AND_PASSWORD.value());
                TtlvItem value = credential.child(Tag.CREDENTIAL_VALUE).orElseThrow();
                assertThat(value.child(Tag.USERNAME).orElseThrow().textValue()).isEqualTo("alice");
                assertThat(value.child(Tag.PASSWORD).orElseThrow().textValue()).isEqualTo("wonderland");
            });
        }
    }

    @Test
    void hostnameVerification_refusesACertificateNotNamingTheHost_unlessTurnedOff() throws Exception {
        // the development server certificate names localhost, 127.0.0.1 and ::1, not 127.0.0.2
        try (FakeKmipServer server = new FakeKmipServer(dir, java.net.InetAddress.getByName("127.0.0.2"), (r, c, n) -> ok())) {
            try (KmipClient strict = client(server).build()) {
                assertThatThrownBy(() -> strict.activate("k1")).isInstanceOfSatisfying(KmipTransportException.class, e -> {
                    assertThat(e.mayHaveExecuted()).isFalse();
                    assertThat(e.getMessage()).contains("127.0.0.2");
                });
            }
            try (KmipClient lenient = KmipClient.builder().servers(server.address())
                    .tls(tls.withHostnameVerification(false)).version(KmipVersion.V2_1).build()) {
                lenient.activate("k1");
            }
            assertThat(server.requests()).hasSize(1);
        }
    }

    private static TtlvItem pv(int major, int minor) {
        return TtlvItem.structure(Tag.PROTOCOL_VERSION, TtlvItem.integer(Tag.PROTOCOL_VERSION_MAJOR, major),
                TtlvItem.integer(Tag.PROTOCOL_VERSION_MINOR, minor));
    }
}
