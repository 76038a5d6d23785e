package io.keyhold.server.interop;

import static io.keyhold.server.testing.Payloads.attributes;
import static io.keyhold.server.testing.Payloads.createAes;
import static io.keyhold.server.testing.Payloads.payload;
import static io.keyhold.server.testing.Payloads.uid;
import static io.keyhold.server.testing.Payloads.usageMask;
import static io.keyhold.server.testing.Payloads.withUid;
import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.message.ResponseBatchItem;
import io.keyhold.protocol.spec.CertificateRequestType;
import io.keyhold.protocol.spec.CertificateType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.QueryFunction;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.SplitKeyMethod;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.ValidityIndicator;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.testing.KmipTestClient;
import io.keyhold.server.testing.LiveServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Certify, Validate, Create Split Key and Join Split Key over real mutual TLS against the SQLite server,
 * in KMIP 1.4 and 2.1.
 */
class CertificateEndToEndTest {
    private static final List<KmipVersion> VERSIONS = List.of(KmipVersion.V1_4, KmipVersion.V2_1);
    private static LiveServer server;
    private static KeyPair pair;
    private KmipTestClient c;

    @BeforeAll
    static void start() throws Exception {
        server = LiveServer.start();
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        pair = g.generateKeyPair();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void connect() throws Exception {
        c = server.client("client1");
    }

    @AfterEach
    void disconnect() throws Exception {
        c.close();
    }

    private static byte[] pkcs10(String subject) throws Exception {
        return new JcaPKCS10CertificationRequestBuilder(new X500Principal(subject), pair.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())).getEncoded();
    }

    private static TtlvItem certify(KmipVersion v, byte[] request) {
        int valueTag = v.compareTo(KmipVersion.V2_0) >= 0 ? Tag.CERTIFICATE_REQUEST_VALUE : Tag.CERTIFICATE_REQUEST;
        return payload(TtlvItem.enumeration(Tag.CERTIFICATE_REQUEST_TYPE, CertificateRequestType.PKCS_10.value()),
                TtlvItem.bytes(valueTag, request));
    }

    private static String uidOf(TtlvItem response) {
        return response.child(Tag.UNIQUE_IDENTIFIER).orElseThrow().textValue();
    }

    private static void fails(ResponseBatchItem item, ResultReason reason) {
        assertThat(item.resultStatus()).isEqualTo(ResultStatus.OPERATION_FAILED.value());
        assertThat(ResultReason.fromValue(item.resultReason()).orElseThrow()).as(item.resultMessage()).isEqualTo(reason);
    }

    @Test
    void certify_getParseAndValidate() throws Exception {
        for (KmipVersion v : VERSIONS) {
            String subject = "CN=e2e-" + v + ",O=Example";
            String uid = uidOf(c.ok(v, Operation.CERTIFY, certify(v, pkcs10(subject))));
            TtlvItem certificate = c.ok(v, Operation.GET, withUid(uid)).child(Tag.CERTIFICATE).orElseThrow();
            assertThat(certificate.child(Tag.CERTIFICATE_TYPE).orElseThrow().enumValue()).isEqualTo(CertificateType.X_509.value());
            byte[] der = certificate.child(Tag.CERTIFICATE_VALUE).orElseThrow().bytesValue();
            X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            assertThat(x509.getSubjectX500Principal()).as(v.toString()).isEqualTo(new X500Principal(subject));
            assertThat(x509.getPublicKey().getEncoded()).isEqualTo(pair.getPublic().getEncoded());

            TtlvItem byUid = c.ok(v, Operation.VALIDATE, payload(uid(uid)));
            assertThat(byUid.child(Tag.VALIDITY_INDICATOR).orElseThrow().enumValue()).isEqualTo(ValidityIndicator.VALID.value());
            TtlvItem byValue = c.ok(v, Operation.VALIDATE, payload(certificate));
            assertThat(byValue.child(Tag.VALIDITY_INDICATOR).orElseThrow().enumValue()).isEqualTo(ValidityIndicator.VALID.value());
            // two years on, the one-year certificate has expired
            TtlvItem later = c.ok(v, Operation.VALIDATE, payload(uid(uid), TtlvItem.dateTime(Tag.VALIDITY_DATE,
                    x509.getNotAfter().toInstant().getEpochSecond() + 365L * 86400)));
            assertThat(later.child(Tag.VALIDITY_INDICATOR).orElseThrow().enumValue()).isEqualTo(ValidityIndicator.INVALID.value());
        }
    }

    @Test
    void certify_tamperedRequest_isInvalidCsrIn21_andInvalidFieldIn14() throws Exception {
        byte[] der = pkcs10("CN=tamper-me");
        String text = new String(der, StandardCharsets.ISO_8859_1).replace("tamper-me", "tamper-it");
        byte[] tampered = text.getBytes(StandardCharsets.ISO_8859_1);
        fails(c.call(KmipVersion.V2_1, Operation.CERTIFY, certify(KmipVersion.V2_1, tampered)), ResultReason.INVALID_CSR);
        fails(c.call(KmipVersion.V1_4, Operation.CERTIFY, certify(KmipVersion.V1_4, tampered)), ResultReason.INVALID_FIELD);
    }

    @Test
    void createSplitKey3of5_joinWithThree() throws Exception {
        for (KmipVersion v : VERSIONS) {
            String key = uidOf(c.ok(v, Operation.CREATE, createAes(v, 256)));
            byte[] original = material(c.ok(v, Operation.GET, withUid(key)).child(Tag.SYMMETRIC_KEY).orElseThrow());
            TtlvItem created = c.ok(v, Operation.CREATE_SPLIT_KEY, payload(
                    TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()), uid(key),
                    TtlvItem.integer(Tag.SPLIT_KEY_PARTS, 5), TtlvItem.integer(Tag.SPLIT_KEY_THRESHOLD, 3),
                    TtlvItem.enumeration(Tag.SPLIT_KEY_METHOD, SplitKeyMethod.POLYNOMIAL_SHARING_GF_2_8.value())));
            List<String> parts = created.childrenWith(Tag.UNIQUE_IDENTIFIER).stream().map(TtlvItem::textValue).toList();
            assertThat(parts).hasSize(5);
            TtlvItem part = c.ok(v, Operation.GET, withUid(parts.get(2))).child(Tag.SPLIT_KEY).orElseThrow();
            assertThat(part.child(Tag.KEY_PART_IDENTIFIER).orElseThrow().intValue()).isEqualTo(3);

            List<TtlvItem> join = new ArrayList<>();
            join.add(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()));
            for (String p : List.of(parts.get(4), parts.get(0), parts.get(2))) {
                join.add(uid(p));
            }
            join.add(attributes(v, List.of(usageMask(12))));
            String joined = uidOf(c.ok(v, Operation.JOIN_SPLIT_KEY, TtlvItem.structure(Tag.REQUEST_PAYLOAD, join)));
            assertThat(material(c.ok(v, Operation.GET, withUid(joined)).child(Tag.SYMMETRIC_KEY).orElseThrow()))
                    .as(v.toString()).isEqualTo(original);
            fails(c.call(v, Operation.JOIN_SPLIT_KEY, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE,
                    ObjectType.SYMMETRIC_KEY.value()), uid(parts.get(0)), uid(parts.get(1)))), ResultReason.MISSING_DATA);
        }
        // Create Split Key came with KMIP 1.2
        fails(c.call(KmipVersion.V1_1, Operation.CREATE_SPLIT_KEY, payload()), ResultReason.OPERATION_NOT_SUPPORTED);
    }

    @Test
    void query_listsTheOperations() throws Exception {
        TtlvItem p = c.ok(KmipVersion.V1_4, Operation.QUERY, payload(TtlvItem.enumeration(Tag.QUERY_FUNCTION,
                QueryFunction.QUERY_OPERATIONS.value())));
        assertThat(p.childrenWith(Tag.OPERATION)).extracting(TtlvItem::enumValue).contains(Operation.CERTIFY.value(),
                Operation.RE_CERTIFY.value(), Operation.VALIDATE.value(), Operation.CREATE_SPLIT_KEY.value(),
                Operation.JOIN_SPLIT_KEY.value());
    }

    private static byte[] material(TtlvItem object) {
        return object.child(Tag.KEY_BLOCK).orElseThrow().child(Tag.KEY_VALUE).orElseThrow()
                .child(Tag.KEY_MATERIAL).orElseThrow().bytesValue();
    }
}
