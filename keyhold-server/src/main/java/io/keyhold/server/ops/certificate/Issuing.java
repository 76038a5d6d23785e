package io.keyhold.server.ops.certificate;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CertificateRequestType;
import io.keyhold.protocol.spec.CertificateType;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.crypto.KeyMaterial;
import io.keyhold.server.crypto.KeyUse;
import io.keyhold.server.crypto.pki.CertificateAuthority;
import io.keyhold.server.crypto.pki.CertificationRequests;
import io.keyhold.server.crypto.pki.IssueParameters;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.object.Certificates;
import io.keyhold.server.ops.object.NewObjects;
import io.keyhold.server.ops.object.Payloads;
import io.keyhold.server.ops.object.RequestAttributes;
import io.keyhold.server.store.StoredObject;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/**
 * What Certify and Re-certify share: reading the certificate request of the payload, the subject a
 * client names in its attributes, and issuing a certificate as a new Certificate object with the
 * attributes Register derives from certificates ({@link Certificates}).
 */
final class Issuing {
    /** Attributes naming the subject: the server derives them from the certificate, so they are taken out. */
    private static final List<Integer> SUBJECT_TAGS = List.of(Tag.X_509_CERTIFICATE_SUBJECT, Tag.CERTIFICATE_SUBJECT);

    private final CaObjects ca;
    private final SecureRandom random;

    Issuing(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
        this.ca = new CaObjects(random);
    }

    /** The request's Certificate Request (1.x) or Certificate Request Value (2.x), verified; empty when absent. */
    static Optional<CertificationRequests.CertificationRequest> request(TtlvItem payload) throws KmipException {
        if (payload.child(Tag.CERTIFICATE_REQUEST_UNIQUE_IDENTIFIER).isPresent()) {
            throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "Certificate Request objects are not stored by this"
                    + " server: send the request itself as Certificate Request Value");
        }
        Optional<TtlvItem> value = Payloads.optional(payload, Tag.CERTIFICATE_REQUEST_VALUE, ItemType.BYTE_STRING)
                .or(() -> payload.child(Tag.CERTIFICATE_REQUEST).filter(i -> i.type() == ItemType.BYTE_STRING));
        Optional<TtlvItem> type = Payloads.optional(payload, Tag.CERTIFICATE_REQUEST_TYPE, ItemType.ENUMERATION);
        if (value.isEmpty()) {
            if (type.isPresent()) {
                throw new KmipException(ResultReason.MISSING_DATA, "Certificate Request Type is given but the"
                        + " Certificate Request Value is missing");
            }
            return Optional.empty();
        }
        if (type.isEmpty()) {
            throw new KmipException(ResultReason.MISSING_DATA, "Certificate Request Type is missing");
        }
        int t = type.get().enumValue();
        if (t == CertificateRequestType.PKCS_10.value()) {
            return Optional.of(CertificationRequests.pkcs10(value.get().bytesValue()));
        }
        if (t == CertificateRequestType.PEM.value()) {
            return Optional.of(CertificationRequests.pem(value.get().bytesValue()));
        }
        String name = CertificateRequestType.fromValue(t).map(CertificateRequestType::specName).orElse("0x" + Integer.toHexString(t));
        throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "Certificate Request Type " + name
                + " is not supported (PKCS#10 and PEM are)");
    }

    /** The subject the client names with X.509 Certificate Subject (or 1.x Certificate Subject), if any. */
    static Optional<X500Principal> subject(OperationContext context, TtlvItem payload) throws KmipException {
        for (KmipAttribute a : given(context, payload)) {
            TtlvItem v = a.value();
            try {
                if (v.tag() == Tag.X_509_CERTIFICATE_SUBJECT) {
                    Optional<TtlvItem> dn = v.child(Tag.SUBJECT_DISTINGUISHED_NAME).filter(i -> i.type() == ItemType.BYTE_STRING);
                    if (dn.isPresent()) {
                        return Optional.of(new X500Principal(dn.get().bytesValue()));
                    }
                } else if (v.tag() == Tag.CERTIFICATE_SUBJECT) {
                    Optional<TtlvItem> dn = v.child(Tag.CERTIFICATE_SUBJECT_DISTINGUISHED_NAME)
                            .filter(i -> i.type() == ItemType.TEXT_STRING);
                    if (dn.isPresent()) {
                        return Optional.of(new X500Principal(dn.get().textValue()));
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new KmipException(ResultReason.INVALID_FIELD, "the certificate subject is not a distinguished name");
            }
        }
        return Optional.empty();
    }

    /** The client's attributes for the new certificate, without the subject attributes. */
    static List<KmipAttribute> clientAttributes(OperationContext context, TtlvItem payload) throws KmipException {
        TtlvItem cleaned = withoutSubject(context, payload);
        return context.read(tx -> RequestAttributes.read(context, tx, cleaned, ObjectType.CERTIFICATE.value()));
    }

    private static List<KmipAttribute> given(OperationContext context, TtlvItem payload) throws KmipException {
        if (context.atLeast(KmipVersion.V2_0)) {
            Optional<TtlvItem> a = Payloads.optional(payload, Tag.ATTRIBUTES, ItemType.STRUCTURE);
            return a.isPresent() ? AttributeMapping.fromAttributes(a.get()) : List.of();
        }
        Optional<TtlvItem> t = Payloads.optional(payload, Tag.TEMPLATE_ATTRIBUTE, ItemType.STRUCTURE);
        return t.isPresent() ? AttributeMapping.fromTemplateAttribute(t.get()) : List.of();
    }

    private static TtlvItem withoutSubject(OperationContext context, TtlvItem payload) {
        int container = context.atLeast(KmipVersion.V2_0) ? Tag.ATTRIBUTES : Tag.TEMPLATE_ATTRIBUTE;
        List<TtlvItem> top = new ArrayList<>();
        for (TtlvItem c : payload.children()) {
            if (c.tag() != container || !c.isStructure()) {
                top.add(c);
                continue;
            }
            List<TtlvItem> kept = new ArrayList<>();
            for (TtlvItem a : c.children()) {
                if (!isSubject(a)) {
                    kept.add(a);
                }
            }
            top.add(TtlvItem.structure(c.tag(), kept));
        }
        return TtlvItem.structure(payload.tag(), top);
    }

    private static boolean isSubject(TtlvItem attribute) {
        if (SUBJECT_TAGS.contains(attribute.tag())) {
            return true;
        }
        if (attribute.tag() == Tag.ATTRIBUTE) {
            String name = attribute.child(Tag.ATTRIBUTE_NAME).filter(n -> n.type() == ItemType.TEXT_STRING)
                    .map(TtlvItem::textValue).orElse("");
            return name.equals("X.509 Certificate Subject") || name.equals("Certificate Subject");
        }
        return false;
    }

    /** The JCA key algorithm of a stored public key, from its Cryptographic Algorithm. */
    static PublicKey publicKey(StoredObject publicKeyObject) throws KmipException {
        int alg = KeyMaterial.algorithm(publicKeyObject).orElseThrow(() -> new KmipException(ResultReason.INVALID_FIELD,
                "the Public Key has no Cryptographic Algorithm"));
        String jca;
        if (alg == CryptographicAlgorithm.RSA.value()) {
            jca = "RSA";
        } else if (alg == CryptographicAlgorithm.EC.value() || alg == CryptographicAlgorithm.ECDSA.value()
                || alg == CryptographicAlgorithm.ECDH.value()) {
            jca = "EC";
        } else if (alg == CryptographicAlgorithm.ED25519.value()) {
            jca = "Ed25519";
        } else if (alg == CryptographicAlgorithm.ED448.value()) {
            jca = "Ed448";
        } else {
            throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "public keys of algorithm "
                    + CryptographicAlgorithm.fromValue(alg).map(CryptographicAlgorithm::specName).orElse("0x" + Integer.toHexString(alg))
                    + " cannot be certified");
        }
        return KeyMaterial.publicKey(publicKeyObject, jca);
    }

    /** The X.509 certificate of a Certificate object. */
    static X509Certificate certificate(StoredObject certificateObject) throws KmipException {
        TtlvItem object = certificateObject.object();
        if (object == null) {
            throw new KmipException(ResultReason.OBJECT_DESTROYED, "the certificate has been destroyed");
        }
        int type = object.child(Tag.CERTIFICATE_TYPE).map(TtlvItem::enumValue).orElse(-1);
        if (type != CertificateType.X_509.value()) {
            throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "only X.509 certificates are supported");
        }
        try {
            return CertificateAuthority.parse(object.child(Tag.CERTIFICATE_VALUE).orElseThrow().bytesValue());
        } catch (CertificateException | RuntimeException e) {
            throw new KmipException(ResultReason.INVALID_FIELD, "the Certificate Value is not a DER X.509 certificate");
        }
    }

    /**
     * Issues a certificate valid from now for {@link CertificateAuthority#CERTIFICATE_VALIDITY} and builds
     * (does not store) its Certificate object with the client's attributes.
     */
    StoredObject issue(OperationContext context, X500Principal subject, PublicKey key, List<KmipAttribute> client)
            throws KmipException {
        CaObjects.Ca authority = ca.get(context);
        KeyUse.require(authority.keyObject(), KeyUse.Purpose.PROTECT, CryptographicUsageMask.CERTIFICATE_SIGN,
                context.now());
        Instant now = context.clock().instant();
        IssueParameters parameters;
        try {
            parameters = new IssueParameters(subject, key, now, now.plus(CertificateAuthority.CERTIFICATE_VALIDITY));
        } catch (IllegalArgumentException e) {
            throw new KmipException(ResultReason.INVALID_FIELD, e.getMessage());
        }
        byte[] der;
        try {
            der = CertificateAuthority.issue(parameters, authority.privateKey(), authority.certificate(), random);
        } catch (GeneralSecurityException e) {
            throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "the certificate could not be signed");
        }
        TtlvItem object = TtlvItem.structure(Tag.CERTIFICATE,
                TtlvItem.enumeration(Tag.CERTIFICATE_TYPE, CertificateType.X_509.value()),
                TtlvItem.bytes(Tag.CERTIFICATE_VALUE, der));
        List<TtlvItem> derived = Certificates.attributes(object, context.version());
        return NewObjects.build(context, ObjectType.CERTIFICATE.value(), object, client, derived);
    }

    /** The server's CA certificate, made on first use. */
    X509Certificate caCertificate(OperationContext context) throws KmipException {
        return ca.get(context).certificate();
    }
}
