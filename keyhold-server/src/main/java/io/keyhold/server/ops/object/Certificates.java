package io.keyhold.server.ops.object;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CertificateType;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.DigitalSignatureAlgorithm;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.VersionRules;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.io.ByteArrayInputStream;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The attributes the server derives from a registered X.509 certificate (KMIP 1.4 sections 3.6-3.9 and
 * 3.38-3.41, 2.1 sections 4.8-4.10, 4.60-4.62): Certificate Type and Length, the X.509 Certificate
 * Identifier, Subject and Issuer (1.1 and later), the 1.x Certificate Identifier, Subject and Issuer
 * (where the version still has them), the Certificate Attributes of 1.4 and later (Certificate Subject CN,
 * O, OU, Email, C, ST, L, UID, Serial Number, Title, DC and DN Qualifier, and the same of the issuer: one
 * instance per name component of that kind, in the order of the name), Digital Signature Algorithm, and the
 * Cryptographic Algorithm and Length of its public key.
 */
public final class Certificates {
    private static final VersionRules RULES = VersionRules.standard();
    private static final Map<String, DigitalSignatureAlgorithm> SIGNATURES = Map.ofEntries(
            Map.entry("1.2.840.113549.1.1.2", DigitalSignatureAlgorithm.MD2_WITH_RSA_ENCRYPTION),
            Map.entry("1.2.840.113549.1.1.4", DigitalSignatureAlgorithm.MD5_WITH_RSA_ENCRYPTION),
            Map.entry("1.2.840.113549.1.1.5", DigitalSignatureAlgorithm.SHA_1_WITH_RSA_ENCRYPTION),
            Map.entry("1.2.840.113549.1.1.14", DigitalSignatureAlgorithm.SHA_224_WITH_RSA_ENCRYPTION),
            Map.entry("1.2.840.113549.1.1.11", DigitalSignatureAlgorithm.SHA_256_WITH_RSA_ENCRYPTION),
            Map.entry("1.2.840.113549.1.1.12", DigitalSignatureAlgorithm.SHA_384_WITH_RSA_ENCRYPTION),
            Map.entry("1.2.840.113549.1.1.13", DigitalSignatureAlgorithm.SHA_512_WITH_RSA_ENCRYPTION),
            Map.entry("1.2.840.113549.1.1.10", DigitalSignatureAlgorithm.RSASSA_PSS),
            Map.entry("1.2.840.10040.4.3", DigitalSignatureAlgorithm.DSA_WITH_SHA_1),
            Map.entry("2.16.840.1.101.3.4.3.1", DigitalSignatureAlgorithm.DSA_WITH_SHA224),
            Map.entry("2.16.840.1.101.3.4.3.2", DigitalSignatureAlgorithm.DSA_WITH_SHA256),
            Map.entry("1.2.840.10045.4.1", DigitalSignatureAlgorithm.ECDSA_WITH_SHA_1),
            Map.entry("1.2.840.10045.4.3.1", DigitalSignatureAlgorithm.ECDSA_WITH_SHA224),
            Map.entry("1.2.840.10045.4.3.2", DigitalSignatureAlgorithm.ECDSA_WITH_SHA256),
            Map.entry("1.2.840.10045.4.3.3", DigitalSignatureAlgorithm.ECDSA_WITH_SHA384),
            Map.entry("1.2.840.10045.4.3.4", DigitalSignatureAlgorithm.ECDSA_WITH_SHA512));

    private Certificates() {}

    /**
     * Attribute values for a Certificate object structure.
     *
     * @throws KmipException Invalid Field when the Certificate Value is not a DER X.509 certificate
     */
    public static List<TtlvItem> attributes(TtlvItem certificate, KmipVersion version) throws KmipException {
        int type = Payloads.required(certificate, Tag.CERTIFICATE_TYPE, io.keyhold.protocol.ttlv.ItemType.ENUMERATION).enumValue();
        byte[] value = Payloads.required(certificate, Tag.CERTIFICATE_VALUE, io.keyhold.protocol.ttlv.ItemType.BYTE_STRING).bytesValue();
        List<TtlvItem> out = new ArrayList<>();
        out.add(TtlvItem.enumeration(Tag.CERTIFICATE_TYPE, type));
        add(out, TtlvItem.integer(Tag.CERTIFICATE_LENGTH, value.length), version);
        if (type != CertificateType.X_509.value()) {
            return out;
        }
        X509Certificate x509;
        try {
            x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(value));
        } catch (CertificateException | RuntimeException e) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Certificate Value is not a DER-encoded X.509 certificate");
        }
        byte[] issuerDn = x509.getIssuerX500Principal().getEncoded();
        byte[] subjectDn = x509.getSubjectX500Principal().getEncoded();
        add(out, TtlvItem.structure(Tag.X_509_CERTIFICATE_IDENTIFIER,
                TtlvItem.bytes(Tag.ISSUER_DISTINGUISHED_NAME, issuerDn),
                TtlvItem.bytes(Tag.CERTIFICATE_SERIAL_NUMBER, x509.getSerialNumber().toByteArray())), version);
        add(out, TtlvItem.structure(Tag.X_509_CERTIFICATE_SUBJECT, withAlternatives(
                TtlvItem.bytes(Tag.SUBJECT_DISTINGUISHED_NAME, subjectDn), Tag.SUBJECT_ALTERNATIVE_NAME,
                List.of())), version);
        add(out, TtlvItem.structure(Tag.X_509_CERTIFICATE_ISSUER, withAlternatives(
                TtlvItem.bytes(Tag.ISSUER_DISTINGUISHED_NAME, issuerDn), Tag.ISSUER_ALTERNATIVE_NAME,
                List.of())), version);
        String issuer = x509.getIssuerX500Principal().getName();
        String subject = x509.getSubjectX500Principal().getName();
        add(out, TtlvItem.structure(Tag.CERTIFICATE_IDENTIFIER,
                TtlvItem.text(Tag.ISSUER, issuer),
                TtlvItem.text(Tag.SERIAL_NUMBER, x509.getSerialNumber().toString())), version);
        add(out, TtlvItem.structure(Tag.CERTIFICATE_SUBJECT, withAlternatives(
                TtlvItem.text(Tag.CERTIFICATE_SUBJECT_DISTINGUISHED_NAME, subject), Tag.CERTIFICATE_SUBJECT_ALTERNATIVE_NAME,
                alternativeNames(subjectAlternatives(x509)))), version);
        add(out, TtlvItem.structure(Tag.CERTIFICATE_ISSUER, withAlternatives(
                TtlvItem.text(Tag.CERTIFICATE_ISSUER_DISTINGUISHED_NAME, issuer), Tag.CERTIFICATE_ISSUER_ALTERNATIVE_NAME,
                alternativeNames(issuerAlternatives(x509)))), version);
        nameComponents(out, subjectDn, SUBJECT_COMPONENTS, version);
        nameComponents(out, issuerDn, ISSUER_COMPONENTS, version);
        DigitalSignatureAlgorithm signature = SIGNATURES.get(x509.getSigAlgOID());
        if (signature != null && RULES.hasValue(DigitalSignatureAlgorithm.SPEC_NAME, signature.value(), version)) {
            add(out, TtlvItem.enumeration(Tag.DIGITAL_SIGNATURE_ALGORITHM, signature.value()), version);
        }
        if (x509.getPublicKey() instanceof RSAPublicKey rsa) {
            out.add(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.RSA.value()));
            out.add(TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, rsa.getModulus().bitLength()));
        } else if (x509.getPublicKey() instanceof ECPublicKey ec) {
            int ecAlgorithm = RULES.hasValue(CryptographicAlgorithm.SPEC_NAME, CryptographicAlgorithm.EC.value(), version)
                    ? CryptographicAlgorithm.EC.value() : CryptographicAlgorithm.ECDSA.value();
            out.add(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, ecAlgorithm));
            out.add(TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, ec.getParams().getCurve().getField().getFieldSize()));
        }
        return out;
    }

    /** Name component kinds (X.520 and RFC 4519 attribute types) and the attribute tags that carry them. */
    private static final Map<ASN1ObjectIdentifier, Integer> SUBJECT_COMPONENTS = Map.ofEntries(
            Map.entry(BCStyle.CN, Tag.CERTIFICATE_SUBJECT_CN), Map.entry(BCStyle.O, Tag.CERTIFICATE_SUBJECT_O),
            Map.entry(BCStyle.OU, Tag.CERTIFICATE_SUBJECT_OU), Map.entry(BCStyle.EmailAddress, Tag.CERTIFICATE_SUBJECT_EMAIL),
            Map.entry(BCStyle.C, Tag.CERTIFICATE_SUBJECT_C), Map.entry(BCStyle.ST, Tag.CERTIFICATE_SUBJECT_ST),
            Map.entry(BCStyle.L, Tag.CERTIFICATE_SUBJECT_L), Map.entry(BCStyle.UID, Tag.CERTIFICATE_SUBJECT_UID),
            Map.entry(BCStyle.SERIALNUMBER, Tag.CERTIFICATE_SUBJECT_SERIAL_NUMBER), Map.entry(BCStyle.T, Tag.CERTIFICATE_SUBJECT_TITLE),
            Map.entry(BCStyle.DC, Tag.CERTIFICATE_SUBJECT_DC), Map.entry(BCStyle.DN_QUALIFIER, Tag.CERTIFICATE_SUBJECT_DN_QUALIFIER));
    private static final Map<ASN1ObjectIdentifier, Integer> ISSUER_COMPONENTS = Map.ofEntries(
            Map.entry(BCStyle.CN, Tag.CERTIFICATE_ISSUER_CN), Map.entry(BCStyle.O, Tag.CERTIFICATE_ISSUER_O),
            Map.entry(BCStyle.OU, Tag.CERTIFICATE_ISSUER_OU), Map.entry(BCStyle.EmailAddress, Tag.CERTIFICATE_ISSUER_EMAIL),
            Map.entry(BCStyle.C, Tag.CERTIFICATE_ISSUER_C), Map.entry(BCStyle.ST, Tag.CERTIFICATE_ISSUER_ST),
            Map.entry(BCStyle.L, Tag.CERTIFICATE_ISSUER_L), Map.entry(BCStyle.UID, Tag.CERTIFICATE_ISSUER_UID),
            Map.entry(BCStyle.SERIALNUMBER, Tag.CERTIFICATE_ISSUER_SERIAL_NUMBER), Map.entry(BCStyle.T, Tag.CERTIFICATE_ISSUER_TITLE),
            Map.entry(BCStyle.DC, Tag.CERTIFICATE_ISSUER_DC), Map.entry(BCStyle.DN_QUALIFIER, Tag.CERTIFICATE_ISSUER_DN_QUALIFIER));

    /** One attribute per name component the table knows, as text, in the order of the DER name. */
    private static void nameComponents(List<TtlvItem> out, byte[] derName, Map<ASN1ObjectIdentifier, Integer> tags,
            KmipVersion version) {
        X500Name name = X500Name.getInstance(derName);
        for (RDN rdn : name.getRDNs()) {
            for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                Integer tag = tags.get(atv.getType());
                if (tag != null) {
                    add(out, TtlvItem.text(tag, IETFUtils.valueToString(atv.getValue())), version);
                }
            }
        }
    }

    private static void add(List<TtlvItem> out, TtlvItem attribute, KmipVersion version) {
        if (RULES.hasTag(attribute.tag(), version)) {
            out.add(attribute);
        }
    }

    private static List<TtlvItem> withAlternatives(TtlvItem first, int alternativeTag, List<String> names) {
        List<TtlvItem> c = new ArrayList<>();
        c.add(first);
        for (String n : names) {
            c.add(TtlvItem.text(alternativeTag, n));
        }
        return c;
    }

    private static Collection<List<?>> subjectAlternatives(X509Certificate x509) {
        try {
            return x509.getSubjectAlternativeNames();
        } catch (CertificateException e) {
            return null;
        }
    }

    private static Collection<List<?>> issuerAlternatives(X509Certificate x509) {
        try {
            return x509.getIssuerAlternativeNames();
        } catch (CertificateException e) {
            return null;
        }
    }

    private static List<String> alternativeNames(Collection<List<?>> names) {
        List<String> out = new ArrayList<>();
        if (names != null) {
            for (List<?> n : names) {
                if (n.size() >= 2 && n.get(1) instanceof String s) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
