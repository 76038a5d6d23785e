package io.keyhold.server.ops.certificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.message.ResponseMessage;
import io.keyhold.protocol.spec.BatchErrorContinuationOption;
import io.keyhold.protocol.spec.CertificateRequestType;
import io.keyhold.protocol.spec.CertificateType;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.QueryFunction;
import io.keyhold.protocol.spec.RevocationReasonCode;
import io.keyhold.protocol.spec.LinkType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.audit.AuditChain;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditRecord;
import io.keyhold.server.audit.AuditVerifier;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.dispatch.DispatcherFixture;
import io.keyhold.server.pki.DevPki;
import io.keyhold.server.testing.KmipAssertions;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import io.keyhold.server.testing.Payloads;
import io.keyhold.server.testing.TestPostgres;
import io.keyhold.server.store.sql.SqlAuditLog;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-Provision over real mutual TLS: each way of getting the new certificate, the old certificate's
 * retrieval-only window, the refusal at the handshake once that window is over (also after a restart), the
 * HTTPS listener's refusal, and the errors that leave the current certificate working.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReProvisionTest {
    private static final KmipVersion V = KmipVersion.V2_1;
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path dir;

    private LiveServer start(boolean withCa, Duration window) throws Exception {
        DevPki.ensure(dir);
        DevPki.Layout pki = new DevPki.Layout(dir);
        ServerConfig.ReProvision settings = new ServerConfig.ReProvision(withCa ? pki.ca() : null,
                withCa ? pki.caKey() : null, null, Duration.ofDays(30), window);
        return LiveServer.start(dir, false, c -> c.withReProvision(settings)
                .withHttp(ServerConfig.Http.on("127.0.0.1", 0)));
    }

    @Test
    void aCertificateRequestIsSignedAndTheOldCertificateMayOnlyFetchIt() throws Exception {
        String certificateUid;
        X509Certificate old;
        try (LiveServer server = start(true, Duration.ofHours(1))) {
            KeyPair next = ec();
            String keyUid;
            old = clientCertificate();
            try (KmipTestClient c = server.client("client1")) {
                keyUid = c.ok(V, Operation.CREATE, Payloads.createAes(V, 256)).child(Tag.UNIQUE_IDENTIFIER).orElseThrow()
                        .textValue();
                TtlvItem answer = c.ok(V, Operation.RE_PROVISION, Payloads.payload(
                        TtlvItem.bytes(Tag.CERTIFICATE_REQUEST, csr(next, "CN=ignored")),
                        TtlvItem.enumeration(Tag.CERTIFICATE_REQUEST_TYPE, CertificateRequestType.PKCS_10.value())));
                certificateUid = answer.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();

                // the same connection may fetch the new certificate, and do nothing else
                X509Certificate issued = certificate(c.ok(V, Operation.GET, Payloads.withUid(certificateUid)));
                assertThat(issued.getSubjectX500Principal()).isEqualTo(old.getSubjectX500Principal());
                assertThat(issued.getPublicKey()).isEqualTo(next.getPublic());
                assertThat(issued.getIssuerX500Principal()).isEqualTo(ca().getSubjectX500Principal());
                assertThat(issued.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.2");
                issued.verify(ca().getPublicKey());
                assertThat(c.call(V, Operation.GET_ATTRIBUTES, Payloads.getAttributes(V, certificateUid))
                        .resultStatus()).isEqualTo(ResultStatus.SUCCESS.value());
                KmipAssertions.fails(c.call(V, Operation.GET, Payloads.withUid(keyUid)), ResultReason.PERMISSION_DENIED);
                KmipAssertions.fails(c.call(V, Operation.CREATE, Payloads.createAes(V, 128)), ResultReason.PERMISSION_DENIED);
                KmipAssertions.fails(c.call(V, Operation.RE_PROVISION, Payloads.payload()), ResultReason.PERMISSION_DENIED);

                // a new connection with the new certificate is the same client, with its objects
                try (KmipTestClient renewed = connect(server, next.getPrivate(), issued)) {
                    assertThat(renewed.call(V, Operation.GET, Payloads.withUid(keyUid)).resultStatus())
                            .isEqualTo(ResultStatus.SUCCESS.value());
                    assertThat(renewed.call(V, Operation.GET, Payloads.withUid(certificateUid)).resultStatus())
                            .isEqualTo(ResultStatus.SUCCESS.value());
                }
            }
            // another connection with the old certificate is let in for the retrieval only
            try (KmipTestClient again = server.client("client1")) {
                assertThat(again.call(V, Operation.GET, Payloads.withUid(certificateUid)).resultStatus())
                        .isEqualTo(ResultStatus.SUCCESS.value());
                KmipAssertions.fails(again.call(V, Operation.QUERY, Payloads.payload()), ResultReason.PERMISSION_DENIED);
            }
            // other clients are not affected
            try (KmipTestClient other = server.client("client2")) {
                assertThat(other.call(V, Operation.CREATE, Payloads.createAes(V, 128)).resultStatus())
                        .isEqualTo(ResultStatus.SUCCESS.value());
            }
        }
        // the audit log names the new certificate and the one it replaced, and its chain verifies
        List<AuditRecord> records = new ArrayList<>();
        AuditVerifier verifier = new AuditVerifier();
        Optional<AuditChain.Head> head;
        try (SqlAuditLog log = SqlAuditLog.open(dir.resolve("keyhold.db"))) {
            head = log.scan(r -> {
                records.add(r);
                return verifier.accept(r);
            });
        }
        assertThat(verifier.finish(head).problem()).isEmpty();
        List<AuditEvent> reProvisions = records.stream().map(AuditRecord::event)
                .filter(e -> e.operation().equals("Re-Provision")).toList();
        assertThat(reProvisions).hasSize(2);
        AuditEvent done = reProvisions.get(0);
        assertThat(done.resultStatus()).isEqualTo("Success");
        assertThat(done.identity()).isEqualTo("client1");
        assertThat(done.uniqueIdentifiers()).contains(certificateUid);
        assertThat(done.detail()).isEqualTo("replaced client certificate SHA-256 "
                + io.keyhold.server.auth.LinkCredential.fingerprint(old));
        assertThat(reProvisions.get(1).resultStatus()).as("the second, refused").isEqualTo("Operation Failed");
        assertThat(reProvisions.get(1).detail()).as("it replaced nothing").isNull();
    }

    @Test
    void withoutParametersTheServerMakesTheKeyPairAndTheCertificate() throws Exception {
        try (LiveServer server = start(true, Duration.ofHours(1))) {
            PrivateKey privateKey;
            X509Certificate issued;
            try (KmipTestClient c = server.client("client1")) {
                String privateUid = c.ok(V, Operation.RE_PROVISION, Payloads.payload())
                        .child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
                TtlvItem got = c.ok(V, Operation.GET, Payloads.payload(Payloads.uid(privateUid),
                        TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.PKCS_8.value())));
                byte[] pkcs8 = got.child(Tag.PRIVATE_KEY).orElseThrow().child(Tag.KEY_BLOCK).orElseThrow()
                        .child(Tag.KEY_VALUE).orElseThrow().child(Tag.KEY_MATERIAL).orElseThrow().bytesValue();
                privateKey = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                String certificateUid = link(c, privateUid, LinkType.CERTIFICATE_LINK);
                String publicUid = link(c, privateUid, LinkType.PUBLIC_KEY_LINK);
                assertThat(link(c, certificateUid, LinkType.PUBLIC_KEY_LINK)).isEqualTo(publicUid);
                issued = certificate(c.ok(V, Operation.GET, Payloads.withUid(certificateUid)));
                assertThat(issued.getSubjectX500Principal()).isEqualTo(clientCertificate().getSubjectX500Principal());
                KmipAssertions.fails(c.call(V, Operation.LOCATE, Payloads.payload()), ResultReason.PERMISSION_DENIED);
            }
            try (KmipTestClient renewed = connect(server, privateKey, issued)) {
                assertThat(renewed.call(V, Operation.CREATE, Payloads.createAes(V, 128)).resultStatus())
                        .isEqualTo(ResultStatus.SUCCESS.value());
            }
        }
    }

    @Test
    void aGivenCertificateReplacesTheCurrentOneEvenWithoutACa() throws Exception {
        try (LiveServer server = start(false, Duration.ofHours(1))) {
            KeyPair next = ec();
            X509Certificate own = signedByCa(next, clientCertificate().getSubjectX500Principal().getName());
            try (KmipTestClient c = server.client("client1")) {
                // what the server cannot do without a CA fails, and leaves the certificate working
                KmipAssertions.fails(c.call(V, Operation.RE_PROVISION, Payloads.payload(
                        TtlvItem.bytes(Tag.CERTIFICATE_REQUEST, csr(next, "CN=client1")))), ResultReason.FEATURE_NOT_SUPPORTED);
                KmipAssertions.fails(c.call(V, Operation.RE_PROVISION, Payloads.payload()), ResultReason.FEATURE_NOT_SUPPORTED);
                // certificates the listener would refuse, or that name another client
                KmipAssertions.fails(c.call(V, Operation.RE_PROVISION, Payloads.payload(certificateItem(
                        selfSigned(next, "CN=client1,O=Keyhold development")))), ResultReason.INVALID_FIELD);
                KmipAssertions.fails(c.call(V, Operation.RE_PROVISION, Payloads.payload(certificateItem(
                        signedByCa(next, "CN=client2,O=Keyhold development")))), ResultReason.INVALID_FIELD);
                KmipAssertions.fails(c.call(V, Operation.RE_PROVISION, Payloads.payload(certificateItem(
                        clientCertificate()))), ResultReason.INVALID_FIELD);
                KmipAssertions.fails(c.call(V, Operation.RE_PROVISION, Payloads.payload(certificateItem(own),
                        TtlvItem.bytes(Tag.CERTIFICATE_REQUEST, csr(next, "CN=client1")))), ResultReason.INVALID_FIELD);
                assertThat(c.call(V, Operation.QUERY, Payloads.payload()).resultStatus())
                        .isEqualTo(ResultStatus.SUCCESS.value());

                String uid = c.ok(V, Operation.RE_PROVISION, Payloads.payload(certificateItem(own)))
                        .child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
                assertThat(certificate(c.ok(V, Operation.GET, Payloads.withUid(uid)))).isEqualTo(own);
                KmipAssertions.fails(c.call(V, Operation.QUERY, Payloads.payload()), ResultReason.PERMISSION_DENIED);
            }
            try (KmipTestClient renewed = connect(server, next.getPrivate(), own)) {
                assertThat(renewed.call(V, Operation.QUERY, Payloads.payload()).resultStatus())
                        .isEqualTo(ResultStatus.SUCCESS.value());
            }
        }
    }

    @Test
    void onceTheWindowIsOverTheOldCertificateIsRefusedAtTheHandshakeOnBothListenersAndAfterARestart()
            throws Exception {
        KeyPair next = ec();
        try (LiveServer server = start(true, Duration.ZERO)) {
            try (KmipTestClient c = server.client("client1")) {
                String uid = c.ok(V, Operation.RE_PROVISION, Payloads.payload(
                        TtlvItem.bytes(Tag.CERTIFICATE_REQUEST, pem(csr(next, "CN=client1")))))
                        .child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
                // the window is over at once: not even the new certificate may be fetched with the old one
                KmipAssertions.fails(c.call(V, Operation.GET, Payloads.withUid(uid)), ResultReason.PERMISSION_DENIED);
            }
            assertRefusedAtHandshake(server);
            HttpClient https = https(server);
            assertThatThrownBy(() -> https.send(HttpRequest.newBuilder(URI.create("https://localhost:"
                    + server.httpsPort() + "/v1/objects")).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
        }
        try (LiveServer restarted = start(true, Duration.ZERO)) {
            assertRefusedAtHandshake(restarted);
        }
    }

    @Test
    void theHttpsListenerRefusesAReplacedCertificateForTheRestApi() throws Exception {
        try (LiveServer server = start(true, Duration.ofHours(1))) {
            HttpClient before = https(server);
            assertThat(before.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.httpsPort()
                    + "/v1/objects")).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(200);
            try (KmipTestClient c = server.client("client1")) {
                c.ok(V, Operation.RE_PROVISION, Payloads.payload(
                        TtlvItem.bytes(Tag.CERTIFICATE_REQUEST, csr(ec(), "CN=client1"))));
            }
            HttpResponse<String> after = https(server).send(HttpRequest.newBuilder(URI.create("https://localhost:"
                    + server.httpsPort() + "/v1/objects")).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(after.statusCode()).isEqualTo(403);
            assertThat(after.body()).contains("Re-Provision");
        }
    }

    @Test
    void aCertificateStoredAsCompromisedCannotBeReProvisioned() throws Exception {
        try (LiveServer server = start(true, Duration.ofHours(1))) {
            try (KmipTestClient c = server.client("client1")) {
                String uid = c.ok(V, Operation.REGISTER, Payloads.payload(
                        TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.CERTIFICATE.value()),
                        Payloads.attributes(V, List.of()), certificateItem(clientCertificate())))
                        .child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
                c.ok(V, Operation.REVOKE, Payloads.payload(Payloads.uid(uid), TtlvItem.structure(Tag.REVOCATION_REASON,
                                TtlvItem.enumeration(Tag.REVOCATION_REASON_CODE, RevocationReasonCode.KEY_COMPROMISE.value())),
                        TtlvItem.dateTime(Tag.COMPROMISE_OCCURRENCE_DATE, Instant.now().getEpochSecond())));
                ResponseBatchItem refused = c.call(V, Operation.RE_PROVISION, Payloads.payload());
                KmipAssertions.fails(refused, ResultReason.PERMISSION_DENIED);
                assertThat(refused.resultMessage()).contains("Compromised");
                // nothing was retired: the certificate still works
                assertThat(c.call(V, Operation.QUERY, Payloads.payload()).resultStatus())
                        .isEqualTo(ResultStatus.SUCCESS.value());
            }
        }
    }

    @Test
    void aBatchWhoseChangesCouldBeUndoneCannotCarryReProvision() throws Exception {
        try (LiveServer server = start(true, Duration.ofHours(1)); KmipTestClient c = server.client("client1")) {
            ResponseMessage m = c.send(new RequestMessage(DispatcherFixture.header(V, 2, null, null, null,
                    BatchErrorContinuationOption.UNDO.value()), List.of(
                    RequestBatchItem.of(Operation.CREATE, Payloads.createAes(V, 128)),
                    RequestBatchItem.of(Operation.RE_PROVISION, Payloads.payload()))));
            KmipAssertions.fails(m.batchItems().get(1), ResultReason.INVALID_MESSAGE);
            assertThat(c.call(V, Operation.QUERY, Payloads.payload()).resultStatus())
                    .as("the certificate still works").isEqualTo(ResultStatus.SUCCESS.value());
        }
    }

    @Test
    void queryListsReProvisionFromKmip20() throws Exception {
        try (LiveServer server = start(true, Duration.ofHours(1)); KmipTestClient c = server.client("client1")) {
            for (KmipVersion version : List.of(KmipVersion.V2_0, KmipVersion.V2_1)) {
                TtlvItem answer = c.ok(version, Operation.QUERY, Payloads.payload(
                        TtlvItem.enumeration(Tag.QUERY_FUNCTION, QueryFunction.QUERY_OPERATIONS.value())));
                assertThat(answer.childrenWith(Tag.OPERATION)).extracting(TtlvItem::enumValue)
                        .contains(Operation.RE_PROVISION.value());
            }
            TtlvItem old = c.ok(KmipVersion.V1_4, Operation.QUERY, Payloads.payload(
                    TtlvItem.enumeration(Tag.QUERY_FUNCTION, QueryFunction.QUERY_OPERATIONS.value())));
            assertThat(old.childrenWith(Tag.OPERATION)).extracting(TtlvItem::enumValue)
                    .doesNotContain(Operation.RE_PROVISION.value());
        }
    }

    @Test
    void onTwoNodesOfOneDatabaseTheOtherNodeRefusesTheReplacedCertificateWithinASecondOrSo() throws Exception {
        DevPki.ensure(dir);
        DevPki.Layout pki = new DevPki.Layout(dir);
        try (TestPostgres postgres = TestPostgres.create()) {
            ServerConfig.Postgres database = new ServerConfig.Postgres(postgres.url(), postgres.user(), null, 2);
            UnaryOperator<ServerConfig> cluster = c -> c.withStorage(c.storage().withPostgres(database))
                    .withReProvision(ServerConfig.ReProvision.withCa(pki.ca(), pki.caKey()));
            try (LiveServer nodeA = LiveServer.start(dir, false, cluster);
                 LiveServer nodeB = LiveServer.start(dir, false, cluster)) {
                KeyPair next = ec();
                X509Certificate issued;
                try (KmipTestClient onB = nodeB.client("client1"); KmipTestClient onA = nodeA.client("client1")) {
                    assertThat(onB.call(V, Operation.QUERY, Payloads.payload()).resultStatus())
                            .isEqualTo(ResultStatus.SUCCESS.value());
                    String uid = onA.ok(V, Operation.RE_PROVISION, Payloads.payload(
                            TtlvItem.bytes(Tag.CERTIFICATE_REQUEST, csr(next, "CN=client1"))))
                            .child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
                    issued = certificate(onA.ok(V, Operation.GET, Payloads.withUid(uid)));

                    // node B read the retired certificates before; it reads them again at most a second later
                    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    int status = onB.call(V, Operation.QUERY, Payloads.payload()).resultStatus();
                    while (status == ResultStatus.SUCCESS.value() && System.nanoTime() < deadline) {
                        Thread.sleep(100);
                        status = onB.call(V, Operation.QUERY, Payloads.payload()).resultStatus();
                    }
                    KmipAssertions.fails(onB.call(V, Operation.QUERY, Payloads.payload()), ResultReason.PERMISSION_DENIED);
                    assertThat(onB.call(V, Operation.GET, Payloads.withUid(uid)).resultStatus())
                            .as("the replacement may still be fetched on the other node").isEqualTo(ResultStatus.SUCCESS.value());
                }
                try (KmipTestClient renewed = connect(nodeB, next.getPrivate(), issued)) {
                    assertThat(renewed.call(V, Operation.QUERY, Payloads.payload()).resultStatus())
                            .isEqualTo(ResultStatus.SUCCESS.value());
                }
            }
        }
    }

    // ---- helpers

    private void assertRefusedAtHandshake(LiveServer server) throws Exception {
        // TLS 1.3 lets the client finish its side before the server has judged the certificate: the refusal
        // shows as a closed connection instead of an answer
        assertThatThrownBy(() -> {
            try (KmipTestClient c = server.client("client1")) {
                c.call(V, Operation.QUERY, Payloads.payload());
            }
        }).isInstanceOf(IOException.class);
    }

    private HttpClient https(LiveServer server) throws Exception {
        DevPki.Layout pki = new DevPki.Layout(dir);
        return HttpClient.newBuilder().sslContext(KmipTestClient.sslContext(pki.clientP12(1), pki.ca()))
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static String link(KmipTestClient c, String uid, LinkType type) throws Exception {
        TtlvItem attributes = c.ok(V, Operation.GET_ATTRIBUTES, Payloads.getAttributes(V, uid, "Link"));
        for (TtlvItem link : attributes.child(Tag.ATTRIBUTES).orElseThrow().children()) {
            if (link.tag() == Tag.LINK && link.child(Tag.LINK_TYPE).orElseThrow().enumValue() == type.value()) {
                return link.child(Tag.LINKED_OBJECT_IDENTIFIER).orElseThrow().textValue();
            }
        }
        throw new AssertionError("no " + type + " on " + uid);
    }

    private X509Certificate clientCertificate() throws Exception {
        return readCertificate(new DevPki.Layout(dir).clientCertificate(1));
    }

    private X509Certificate ca() throws Exception {
        return readCertificate(new DevPki.Layout(dir).ca());
    }

    private static X509Certificate readCertificate(Path pem) throws Exception {
        try (var in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private PrivateKey caKey() throws Exception {
        String pem = Files.readString(new DevPki.Layout(dir).caKey(), StandardCharsets.US_ASCII);
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static byte[] csr(KeyPair pair, String subject) throws Exception {
        return new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), pair.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())).getEncoded();
    }

    private static byte[] pem(byte[] csr) {
        return ("-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder().encodeToString(csr)
                + "\n-----END CERTIFICATE REQUEST-----\n").getBytes(StandardCharsets.US_ASCII);
    }

    private X509Certificate signedByCa(KeyPair pair, String subject) throws Exception {
        X509Certificate ca = ca();
        Instant now = Instant.now();
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(ca,
                BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))),
                new X500Name(subject), pair.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(caKey())));
    }

    private static X509Certificate selfSigned(KeyPair pair, String subject) throws Exception {
        Instant now = Instant.now();
        X500Name name = new X500Name(subject);
        return new JcaX509CertificateConverter().getCertificate(new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
                name, BigInteger.ONE, Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))), name,
                pair.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }

    private static TtlvItem certificateItem(X509Certificate certificate) throws Exception {
        return TtlvItem.structure(Tag.CERTIFICATE,
                TtlvItem.enumeration(Tag.CERTIFICATE_TYPE, CertificateType.X_509.value()),
                TtlvItem.bytes(Tag.CERTIFICATE_VALUE, certificate.getEncoded()));
    }

    private static X509Certificate certificate(TtlvItem getAnswer) throws Exception {
        byte[] der = getAnswer.child(Tag.CERTIFICATE).orElseThrow().child(Tag.CERTIFICATE_VALUE).orElseThrow().bytesValue();
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    /** A connection presenting this key and certificate, trusting the development CA. */
    private KmipTestClient connect(LiveServer server, PrivateKey key, X509Certificate certificate) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("client", key, PASSWORD, new Certificate[] {certificate, ca()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        KeyStore ts = KeyStore.getInstance(KeyStore.getDefaultType());
        ts.load(null, null);
        ts.setCertificateEntry("ca", ca());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return KmipTestClient.connect(server.port(), ctx, null, null);
    }
}
