package io.keyhold.server.ops.certificate;

import static io.keyhold.server.ops.certificate.CertFixture.links;
import static io.keyhold.server.ops.certificate.CertFixture.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyhold.protocol.spec.CertificateRequestType;
import io.keyhold.protocol.spec.CertificateType;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.LinkType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.ValidityIndicator;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.crypto.pki.CertificateAuthority;
import io.keyhold.server.store.StoredObject;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Certify, Re-certify and Validate through their handlers, in KMIP 1.4 and 2.1 where the payloads differ. */
class CertificateHandlersTest {
    private static final String SUBJECT = "CN=device-1,O=Example";

    static List<KmipVersion> versions() {
        return List.of(KmipVersion.V1_4, KmipVersion.V2_1);
    }

    private static TtlvItem requestValue(CertFixture f, byte[] der) {
        return TtlvItem.bytes(f.twoX() ? Tag.CERTIFICATE_REQUEST_VALUE : Tag.CERTIFICATE_REQUEST, der);
    }

    private static TtlvItem pkcs10Type() {
        return TtlvItem.enumeration(Tag.CERTIFICATE_REQUEST_TYPE, CertificateRequestType.PKCS_10.value());
    }

    private static X509Certificate certificateOf(StoredObject object) throws Exception {
        return CertificateAuthority.parse(object.object().child(Tag.CERTIFICATE_VALUE).orElseThrow().bytesValue());
    }

    private static String registerPublicKey(CertFixture f, KeyPair pair, TtlvItem... attributes) throws Exception {
        TtlvItem key = TtlvItem.structure(Tag.PUBLIC_KEY, TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.X_509.value()),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, pair.getPublic().getEncoded())),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.RSA.value()),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 2048)));
        return f.runUid(Operation.REGISTER, payload(TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.PUBLIC_KEY.value()),
                f.attributes(attributes), key));
    }

    private static String certifyPkcs10(CertFixture f, KeyPair pair) throws Exception {
        return f.runUid(Operation.CERTIFY, payload(pkcs10Type(), requestValue(f, TestPki.pkcs10(SUBJECT, pair))));
    }

    @ParameterizedTest
    @MethodSource("versions")
    void certify_pkcs10_issuesCertificateSignedByTheCa(KmipVersion version) throws Exception {
        CertFixture f = new CertFixture(version);
        String uid = certifyPkcs10(f, TestPki.EC);

        StoredObject stored = f.stored(uid);
        assertThat(stored.owner()).isEqualTo("client1");
        assertThat(stored.objectType()).isEqualTo(ObjectType.CERTIFICATE.value());
        X509Certificate cert = certificateOf(stored);
        X509Certificate ca = certificateOf(f.caCertificate());
        cert.verify(ca.getPublicKey());
        assertThat(cert.getSubjectX500Principal()).isEqualTo(new X500Principal(SUBJECT));
        assertThat(cert.getIssuerX500Principal()).isEqualTo(CertificateAuthority.CA_SUBJECT);
        assertThat(cert.getPublicKey().getEncoded()).isEqualTo(TestPki.EC.getPublic().getEncoded());
        assertThat(cert.getNotBefore().toInstant()).isEqualTo(Instant.ofEpochSecond(CertFixture.T0));
        assertThat(cert.getNotAfter().toInstant()).isEqualTo(Instant.ofEpochSecond(CertFixture.T0).plus(Duration.ofDays(365)));
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
        // the attributes Register derives from certificates
        assertThat(stored.attribute("Certificate Type").orElseThrow().value().enumValue()).isEqualTo(CertificateType.X_509.value());
        assertThat(stored.attribute(version.compareTo(KmipVersion.V2_0) >= 0 ? "X.509 Certificate Subject" : "Certificate Subject"))
                .isPresent();
        // the CA: self-signed, ten years, EC P-256, owned by nobody a client can be
        ca.verify(ca.getPublicKey());
        assertThat(ca.getNotAfter().toInstant()).isAfter(Instant.ofEpochSecond(CertFixture.T0).plus(Duration.ofDays(3650)));
        assertThat(f.caCertificate().owner()).isEmpty();
    }

    @Test
    void certify_pkcs10WithPublicKeyUid_linksBothWays() throws Exception {
        CertFixture f = new CertFixture(KmipVersion.V2_1);
        String key = registerPublicKey(f, TestPki.RSA);
        String cert = f.runUid(Operation.CERTIFY, payload(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, key), pkcs10Type(),
                requestValue(f, TestPki.pkcs10(SUBJECT, TestPki.RSA))));
        assertThat(links(f.stored(cert), LinkType.PUBLIC_KEY_LINK)).containsExactly(key);
        assertThat(links(f.stored(key), LinkType.CERTIFICATE_LINK)).containsExactly(cert);
    }

    @Test
    void certify_pkcs10ForAnotherKeyThanTheUid_isInvalidField() throws Exception {
        CertFixture f = new CertFixture(KmipVersion.V2_1);
        String key = registerPublicKey(f, TestPki.RSA);
        f.fails(ResultReason.INVALID_FIELD, Operation.CERTIFY, payload(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, key), pkcs10Type(),
                requestValue(f, TestPki.pkcs10(SUBJECT, TestPki.EC))));
    }

    @ParameterizedTest
    @MethodSource("versions")
    void certify_storedPublicKey_takesTheSubjectAttribute(KmipVersion version) throws Exception {
        CertFixture f = new CertFixture(version);
        String key = registerPublicKey(f, TestPki.RSA);
        TtlvItem subject = f.twoX()
                ? TtlvItem.structure(Tag.X_509_CERTIFICATE_SUBJECT, TtlvItem.bytes(Tag.SUBJECT_DISTINGUISHED_NAME,
                        new X500Principal("CN=stored,O=Example").getEncoded()))
                : TtlvItem.structure(Tag.CERTIFICATE_SUBJECT, TtlvItem.text(Tag.CERTIFICATE_SUBJECT_DISTINGUISHED_NAME,
                        "CN=stored,O=Example"));
        String cert = f.runUid(Operation.CERTIFY, payload(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, key),
                f.attributes(subject, TtlvItem.structure(Tag.NAME, TtlvItem.text(Tag.NAME_VALUE, "issued"),
                        TtlvItem.enumeration(Tag.NAME_TYPE, 1)))));
        X509Certificate x509 = certificateOf(f.stored(cert));
        assertThat(x509.getSubjectX500Principal()).isEqualTo(new X500Principal("CN=stored,O=Example"));
        assertThat(x509.getPublicKey().getEncoded()).isEqualTo(TestPki.RSA.getPublic().getEncoded());
        assertThat(f.stored(cert).attribute("Name")).isPresent();
        assertThat(links(f.stored(cert), LinkType.PUBLIC_KEY_LINK)).containsExactly(key);
        assertThat(links(f.stored(key), LinkType.CERTIFICATE_LINK)).containsExactly(cert);
    }

    @Test
    void certify_storedPublicKeyWithoutSubject_isMissingData() throws Exception {
        CertFixture f = new CertFixture(KmipVersion.V2_1);
        String key = registerPublicKey(f, TestPki.RSA);
        f.fails(ResultReason.MISSING_DATA, Operation.CERTIFY, payload(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, key)));
        assertThat(links(f.stored(key), LinkType.CERTIFICATE_LINK)).isEmpty();
    }

    @Test
    void certify_notAPublicKey_isInvalidObjectType() throws Exception {
        CertFixture f = new CertFixture(KmipVersion.V2_1);
        String cert = certifyPkcs10(f, TestPki.EC);
        f.fails(ResultReason.INVALID_OBJECT_TYPE, Operation.CERTIFY, payload(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, cert)));
    }

    @ParameterizedTest
    @MethodSource("versions")
    void certify_tamperedPkcs10_isInvalidCsrAndStoresNothing(KmipVersion version) throws Exception {
        CertFixture f = new CertFixture(version);
        byte[] tampered = TestPki.replace(TestPki.pkcs10(SUBJECT, TestPki.EC), "device-1", "device-2");
        var e = f.fails(ResultReason.INVALID_CSR, Operation.CERTIFY, payload(pkcs10Type(), requestValue(f, tampered)));
        assertThat(e.getMessage()).isEqualTo("the PKCS#10 request's signature does not verify with its public key");
        assertThat(f.objectsOf("client1")).isEmpty();
    }

    @Test
    void certify_garbageRequest_isInvalidCsr() {
        CertFixture f = new CertFixture(KmipVersion.V2_1);
        var e = f.fails(ResultReason.INVALID_CSR, Operation.CERTIFY, payload(pkcs10Type(), requestValue(f, new byte[] {1, 2, 3})));
        assertThat(e.getMessage()).isEqualTo("the Certificate Request is not a DER-encoded PKCS#10 request");
    }

    @Test
    void certify_requestWithoutType_isMissingData_andCrmf_isFeatureNotSupported() throws Exception {
        CertFixture f = new CertFixture(KmipVersion.V2_1);
        byte[] der = TestPki.pkcs10(SUBJECT, TestPki.EC);
        f.fails(ResultReason.MISSING_DATA, Operation.CERTIFY, payload(requestValue(f, der)));
        f.fails(ResultReason.FEATURE_NOT_SUPPORTED, Operation.CERTIFY, payload(
                TtlvItem.enumeration(Tag.CERTIFICATE_REQUEST_TYPE, CertificateRequestType.CRMF.value()), requestValue(f, der)));
        f.fails(ResultReason.FEATURE_NOT_SUPPORTED, Operation.CERTIFY, payload(
                TtlvItem.text(Tag.CERTIFICATE_REQUEST_UNIQUE_IDENTIFIER, "some-request")));
    }

    @Test
    void certify_pemRequest_isAccepted() throws Exception {
        CertFixture f = new CertFixture(KmipVersion.V2_1);
        String pem = "-----BEGIN CERTIFICATE REQUEST-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(TestPki.pkcs10(SUBJECT, TestPki.EC))
                + "\n-----END CERTIFICATE REQUEST-----\n";
        String uid = f.runUid(Operation.CERTIFY, payload(TtlvItem.enumeration(Tag.CERTIFICATE_REQUEST_TYPE,
                CertificateRequestType.PEM.value()), requestValue(f, pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
        assertThat(certificateOf(f.stored(uid)).getSubjectX500Principal()).isEqualTo(new X500Principal(SUBJECT));
    }

    @Test
    void ca_isMadeOnceAndInvisibleToClients() throws Exception {
        CertFixture f = new CertFixture(KmipVersion.V2_1);
        certifyPkcs10(f, TestPki.EC);
        certifyPkcs10(f, TestPki.RSA);
        StoredObject ca = f.caCertificate();
        assertThat(f.objectsOf("")).hasSize(2);
        f.fails(ResultReason.OBJECT_NOT_FOUND, Operation.GET, payload(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, ca.uniqueIdentifier())));
        // the reserved owner "" is one no client can have
        assertThatThrownBy(() -> new Identity("")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void reCertify_linksReplacedAndReplacement_andOffsetSetsTheDates(KmipVersion version) throws Exception {
        CertFixture f = new CertFixture(version);
        String key = registerPublicKey(f, TestPki.RSA);
        String old = f.runUid(Operation.CERTIFY, payload(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, key), pkcs10Type(),
                requestValue(f, TestPki.pkcs10(SUBJECT, TestPki.RSA)), f.attributes(TtlvItem.structure(Tag.NAME,
                        TtlvItem.text(Tag.NAME_VALUE, "device-1 cert"), TtlvItem.enumeration(Tag.NAME_TYPE, 1)))));
        // the old certificate: active from T0+100 to T0+1100
        f.store.write(tx -> {
            StoredObject o = tx.get(old).orElseThrow();
            o = io.keyhold.server.ops.Lifecycle.with(o, TtlvItem.dateTime(Tag.ACTIVATION_DATE, CertFixture.T0 + 100));
            tx.update(io.keyhold.server.ops.Lifecycle.with(o, TtlvItem.dateTime(Tag.DEACTIVATION_DATE, CertFixture.T0 + 1100)));
            return null;
        });
        f.now = CertFixture.T0 + 5000;
        String fresh = f.runUid(Operation.RE_CERTIFY, payload(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, old),
                TtlvItem.interval(Tag.OFFSET, 3600)));

        StoredObject n = f.stored(fresh);
        assertThat(links(n, LinkType.REPLACED_OBJECT_LINK)).containsExactly(old);
        // the Name moves to the new certificate
        assertThat(n.attribute("Name").orElseThrow().value().child(Tag.NAME_VALUE).orElseThrow().textValue())
                .isEqualTo("device-1 cert");
        assertThat(f.stored(old).attribute("Name")).isEmpty();
        assertThat(links(f.stored(old), LinkType.REPLACEMENT_OBJECT_LINK)).containsExactly(fresh);
        assertThat(links(n, LinkType.PUBLIC_KEY_LINK)).containsExactly(key);
        assertThat(links(f.stored(key), LinkType.CERTIFICATE_LINK)).containsExactly(old, fresh);
        assertThat(n.attribute("Initial Date").orElseThrow().value().dateTimeValue()).isEqualTo(CertFixture.T0 + 5000);
        assertThat(n.attribute("Activation Date").orElseThrow().value().dateTimeValue()).isEqualTo(CertFixture.T0 + 5000 + 3600);
        assertThat(n.attribute("Deactivation Date").orElseThrow().value().dateTimeValue()).isEqualTo(CertFixture.T0 + 5000 + 3600 + 1000);
        X509Certificate before = certificateOf(f.stored(old));
        X509Certificate after = certificateOf(n);
        assertThat(after.getSubjectX500Principal()).isEqualTo(before.getSubjectX500Principal());
        assertThat(after.getPublicKey()).isEqualTo(before.getPublicKey());
        assertThat(after.getSerialNumber()).isNotEqualTo(before.getSerialNumber());
        assertThat(after.getNotBefore().toInstant()).isEqualTo(Instant.ofEpochSecond(CertFixture.T0 + 5000));
    }

    @Test
    void reCertify_notACertificate_isInvalidObjectType_andMissingObject_isObjectNotFound() throws Exception {
        CertFixture f = new CertFixture(KmipVersion.V2_1);
        String key = registerPublicKey(f, TestPki.RSA);
        f.fails(ResultReason.INVALID_OBJECT_TYPE, Operation.RE_CERTIFY, payload(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, key)));
        f.fails(ResultReason.OBJECT_NOT_FOUND, Operation.RE_CERTIFY, payload(TtlvItem.text(Tag.UNIQUE_IDENTIFIER, "nope")));
    }

    private static TtlvItem certificateItem(byte[] der) {
        return TtlvItem.structure(Tag.CERTIFICATE, TtlvItem.enumeration(Tag.CERTIFICATE_TYPE, CertificateType.X_509.value()),
                TtlvItem.bytes(Tag.CERTIFICATE_VALUE, der));
    }

    private static ValidityIndicator validity(CertFixture f, TtlvItem... fields) throws Exception {
        int v = f.run(Operation.VALIDATE, payload(fields)).child(Tag.VALIDITY_INDICATOR).orElseThrow().enumValue();
        return ValidityIndicator.fromValue(v).orElseThrow();
    }

    @ParameterizedTest
    @MethodSource("versions")
    void validate_issuedCertificate_isValid_byUidAndByValue(KmipVersion version) throws Exception {
        CertFixture f = new CertFixture(version);
        String uid = certifyPkcs10(f, TestPki.EC);
        byte[] der = f.stored(uid).object().child(Tag.CERTIFICATE_VALUE).orElseThrow().bytesValue();
        byte[] caDer = f.caCertificate().object().child(Tag.CERTIFICATE_VALUE).orElseThrow().bytesValue();
        assertThat(validity(f, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid))).isEqualTo(ValidityIndicator.VALID);
        assertThat(validity(f, certificateItem(der))).isEqualTo(ValidityIndicator.VALID);
        assertThat(validity(f, certificateItem(der), certificateItem(caDer))).isEqualTo(ValidityIndicator.VALID);
        assertThat(validity(f, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid),
                TtlvItem.dateTime(Tag.VALIDITY_DATE, CertFixture.T0 + 86400 * 300))).isEqualTo(ValidityIndicator.VALID);
    }

    @Test
    void validate_tamperedExpiredUnrelatedChains_areInvalid() throws Exception {
        CertFixture f = new CertFixture(KmipVersion.V2_1);
        String uid = certifyPkcs10(f, TestPki.EC);
        byte[] der = f.stored(uid).object().child(Tag.CERTIFICATE_VALUE).orElseThrow().bytesValue();
        // tampered: the subject changed after signing
        byte[] tampered = TestPki.replace(der, "device-1", "device-9");
        assertThat(validity(f, certificateItem(tampered))).isEqualTo(ValidityIndicator.INVALID);
        // expired at the Validity Date: two years on
        assertThat(validity(f, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid),
                TtlvItem.dateTime(Tag.VALIDITY_DATE, CertFixture.T0 + 2 * 365 * 86400L))).isEqualTo(ValidityIndicator.INVALID);
        // not yet valid at the Validity Date: a day before issue
        assertThat(validity(f, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uid),
                TtlvItem.dateTime(Tag.VALIDITY_DATE, CertFixture.T0 - 86400))).isEqualTo(ValidityIndicator.INVALID);
        // unrelated: the leaf followed by a self-signed root that did not issue it
        Instant t0 = Instant.ofEpochSecond(CertFixture.T0);
        X509Certificate root = TestPki.certificate("CN=Other Root", TestPki.RSA.getPublic(), "CN=Other Root",
                TestPki.RSA.getPrivate(), t0.minusSeconds(86400), t0.plusSeconds(86400 * 30), true);
        assertThat(validity(f, certificateItem(der), certificateItem(root.getEncoded()))).isEqualTo(ValidityIndicator.INVALID);
    }

    @Test
    void validate_foreignChainWithItsRoot_isValid_andWithoutAnyKnownAnchor_isUnknown() throws Exception {
        CertFixture f = new CertFixture(KmipVersion.V2_1);
        Instant t0 = Instant.ofEpochSecond(CertFixture.T0);
        X509Certificate root = TestPki.certificate("CN=Other Root", TestPki.RSA.getPublic(), "CN=Other Root",
                TestPki.RSA.getPrivate(), t0.minusSeconds(86400), t0.plusSeconds(86400 * 30), true);
        X509Certificate leaf = TestPki.certificate("CN=leaf", TestPki.EC.getPublic(), "CN=Other Root",
                TestPki.RSA.getPrivate(), t0.minusSeconds(3600), t0.plusSeconds(86400), false);
        assertThat(validity(f, certificateItem(leaf.getEncoded()), certificateItem(root.getEncoded())))
                .isEqualTo(ValidityIndicator.VALID);
        assertThat(validity(f, certificateItem(leaf.getEncoded()))).isEqualTo(ValidityIndicator.UNKNOWN);
    }

    @Test
    void validate_nothingGiven_isMissingData_andGarbage_isInvalidField() {
        CertFixture f = new CertFixture(KmipVersion.V2_1);
        f.fails(ResultReason.MISSING_DATA, Operation.VALIDATE, payload(new ArrayList<>(List.of())));
        f.fails(ResultReason.INVALID_FIELD, Operation.VALIDATE, payload(certificateItem(new byte[] {0x30, 0x03, 1, 2, 3})));
    }
}
