package io.keyhold.server.ops.certificate;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CertificateRequestType;
import io.keyhold.protocol.spec.CertificateType;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.LinkType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.RecommendedCurve;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.State;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.auth.Identity;
import io.keyhold.server.auth.LinkCredential;
import io.keyhold.server.auth.RetiredCredentials;
import io.keyhold.server.config.ConfigException;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.crypto.CryptoPolicy;
import io.keyhold.server.crypto.pki.CertificateAuthority;
import io.keyhold.server.crypto.pki.CertificationRequests;
import io.keyhold.server.ops.OperationContext;
import io.keyhold.server.ops.OperationHandler;
import io.keyhold.server.ops.keys.KeyPairObjects;
import io.keyhold.server.ops.object.Certificates;
import io.keyhold.server.ops.object.NewObjects;
import io.keyhold.server.ops.object.Payloads;
import io.keyhold.server.store.LocateQuery;
import io.keyhold.server.store.RetiredCredential;
import io.keyhold.server.store.StorageStatus;
import io.keyhold.server.store.StoredObject;
import io.keyhold.server.tls.ClientCertificates;
import io.keyhold.server.tls.ReProvisionCa;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.interfaces.RSAKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Re-Provision (KMIP 2.1 section 6.1.48): the client replaces its link-level credential, the TLS client
 * certificate of the connection the request arrived on, with
 * <ul>
 *   <li>a Certificate it sends, which must be one the KMIP listener accepts (it validates to
 *   {@code tls.trusted_cas}, no CRL revokes it) and which names the same identity; the answer is the
 *   Unique Identifier of that certificate, now stored;</li>
 *   <li>or a certificate the server issues for the Certificate Request it sends (PKCS#10, DER or PEM),
 *   signed by the {@code reprovision} CA, with the subject and Subject Alternative Names of the current
 *   certificate (so that it names the same identity whatever {@code tls.client_identity} reads) and the
 *   request's public key; the answer is that certificate's Unique Identifier;</li>
 *   <li>or, with neither, a key pair the server makes (of the current certificate's algorithm and size) and
 *   a certificate for it; the answer is the Private Key's Unique Identifier. The Private Key and the Public
 *   Key link to each other and to the certificate (Certificate Link), the certificate to the Public Key.</li>
 * </ul>
 * The new objects belong to the client. In the same transaction the current certificate is retired
 * ({@link RetiredCredentials}): from then on every request it authenticates is refused with Permission
 * Denied, except Get, Get Attributes and Get Attribute List of the new objects during
 * {@code reprovision.retrieval_window}, and after that window the TLS listeners refuse it at the handshake.
 *
 * <p>Re-Provision fails with Permission Denied when the connection has no client certificate, when the
 * request speaks for another identity than the certificate's (a password credential or a ticket), when the
 * certificate has expired, is revoked by a configured CRL, is no longer trusted, was replaced already, or is
 * stored as a Certificate object in the Compromised or Destroyed Compromised state.
 */
final class ReProvisionHandler implements OperationHandler {
    private static final EnumSet<State> COMPROMISED = EnumSet.of(State.COMPROMISED, State.DESTROYED_COMPROMISED);

    private final ServerConfig.Tls tls;
    private final ServerConfig.ReProvision settings;
    private final RetiredCredentials retired;
    private final SecureRandom random;
    private final CryptoPolicy policy;

    ReProvisionHandler(ServerConfig.Tls tls, ServerConfig.ReProvision settings, RetiredCredentials retired,
                       SecureRandom random, CryptoPolicy policy) {
        this.tls = Objects.requireNonNull(tls, "tls");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.retired = Objects.requireNonNull(retired, "retired");
        this.random = Objects.requireNonNull(random, "random");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    @Override
    public Operation operation() {
        return Operation.RE_PROVISION;
    }

    @Override
    public TtlvItem handle(OperationContext context, TtlvItem payload) throws KmipException {
        LinkCredential current = context.request().session().linkCredential();
        if (current == null) {
            throw new KmipException(ResultReason.PERMISSION_DENIED, "Re-Provision replaces the TLS client certificate"
                    + " of the connection, and this connection has none");
        }
        if (context.inBatchTransaction()) {
            throw new KmipException(ResultReason.INVALID_MESSAGE, "Re-Provision cannot be part of a batch whose"
                    + " changes are undone on failure (Batch Error Continuation Option Undo): send it on its own");
        }
        Optional<TtlvItem> certificate = payload.child(Tag.CERTIFICATE);
        Optional<TtlvItem> request = payload.child(Tag.CERTIFICATE_REQUEST)
                .or(() -> payload.child(Tag.CERTIFICATE_REQUEST_VALUE));
        if (certificate.isPresent() && request.isPresent()) {
            throw new KmipException(ResultReason.INVALID_FIELD, "give a Certificate Request or a Certificate, not both");
        }
        ClientCertificates rules = clientRules();
        Identity identity = requireCurrent(context, rules, current);

        List<StoredObject> made = new ArrayList<>();
        String answer;
        if (certificate.isPresent()) {
            X509Certificate given = given(certificate.get());
            requireUsable(rules, identity, current, given, "the Certificate");
            made.add(certificateObject(context, given));
            answer = made.get(0).uniqueIdentifier();
        } else if (request.isPresent()) {
            PublicKey key = requestedKey(payload, request.get());
            StoredObject issued = certificateObject(context, issue(rules, identity, current, key,
                    context.clock().instant()));
            made.add(issued);
            answer = issued.uniqueIdentifier();
        } else {
            made.addAll(keyPairAndCertificate(context, rules, identity, current));
            answer = made.get(0).uniqueIdentifier();
        }

        Instant now = Instant.ofEpochSecond(context.now());
        RetiredCredential retirement = new RetiredCredential(current.fingerprint(), identity.name(), now,
                now.plus(settings.retrievalWindow()), made.stream().map(StoredObject::uniqueIdentifier).toList());
        context.auditDetail("replaced client certificate SHA-256 " + current.fingerprint());
        context.write(tx -> {
            if (!tx.insertRetiredCredential(retirement)) {
                throw new KmipException(ResultReason.PERMISSION_DENIED, "this client certificate was replaced already");
            }
            for (StoredObject o : made) {
                tx.insert(o);
            }
            return null;
        });
        retired.retired(retirement);
        return Payloads.response(Payloads.uniqueIdentifier(answer));
    }

    private ClientCertificates clientRules() throws KmipException {
        try {
            return ClientCertificates.load(tls);
        } catch (ConfigException e) {
            throw new KmipException(ResultReason.GENERAL_FAILURE, "the server cannot read its trusted CA certificates now");
        }
    }

    /** The identity of the current certificate, after the checks the specification asks for. */
    private Identity requireCurrent(OperationContext context, ClientCertificates rules, LinkCredential current)
            throws KmipException {
        Identity identity;
        try {
            identity = rules.identity(current.certificate());
        } catch (SSLPeerUnverifiedException e) {
            throw new KmipException(ResultReason.PERMISSION_DENIED, "the client certificate names no identity: "
                    + e.getMessage());
        }
        if (!identity.equals(context.identity())) {
            throw new KmipException(ResultReason.PERMISSION_DENIED, "Re-Provision must be sent by the client whose"
                    + " certificate it replaces, not for another identity (a password credential or a ticket)");
        }
        if (retired.find(current).isPresent()) {
            throw new KmipException(ResultReason.PERMISSION_DENIED, "this client certificate was replaced already");
        }
        Date now = Date.from(context.clock().instant());
        if (current.certificate().getNotAfter().before(now)) {
            throw new KmipException(ResultReason.PERMISSION_DENIED, "the client certificate expired on "
                    + current.certificate().getNotAfter().toInstant() + ": it cannot be re-provisioned");
        }
        try {
            rules.verify(current.chain());
        } catch (CertificateException e) {
            throw new KmipException(ResultReason.PERMISSION_DENIED, "the client certificate is no longer accepted ("
                    + e.getMessage() + "): it cannot be re-provisioned");
        }
        if (compromised(context, current.certificate())) {
            throw new KmipException(ResultReason.PERMISSION_DENIED, "the client certificate is stored in the"
                    + " Compromised state: it cannot be re-provisioned");
        }
        return identity;
    }

    /** Whether a stored Certificate object with this certificate's issuer and serial number is compromised. */
    private static boolean compromised(OperationContext context, X509Certificate certificate) throws KmipException {
        TtlvItem type = TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.CERTIFICATE.value());
        List<LocateQuery.Criterion> x509 = List.of(new LocateQuery.Equals("Object Type", type),
                new LocateQuery.Equals("X.509 Certificate Identifier", TtlvItem.structure(Tag.X_509_CERTIFICATE_IDENTIFIER,
                        TtlvItem.bytes(Tag.ISSUER_DISTINGUISHED_NAME, certificate.getIssuerX500Principal().getEncoded()),
                        TtlvItem.bytes(Tag.CERTIFICATE_SERIAL_NUMBER, certificate.getSerialNumber().toByteArray()))));
        List<LocateQuery.Criterion> legacy = List.of(new LocateQuery.Equals("Object Type", type),
                new LocateQuery.Equals("Certificate Identifier", TtlvItem.structure(Tag.CERTIFICATE_IDENTIFIER,
                        TtlvItem.text(Tag.ISSUER, certificate.getIssuerX500Principal().getName()),
                        TtlvItem.text(Tag.SERIAL_NUMBER, certificate.getSerialNumber().toString()))));
        return context.read(tx -> {
            for (List<LocateQuery.Criterion> criteria : List.of(x509, legacy)) {
                for (String uid : tx.locate(new LocateQuery(null, criteria, EnumSet.allOf(StorageStatus.class), 0, -1))) {
                    Optional<StoredObject> o = tx.get(uid);
                    if (o.isPresent() && State.fromValue(o.get().state()).filter(COMPROMISED::contains).isPresent()) {
                        return true;
                    }
                }
            }
            return false;
        });
    }

    /** The X.509 certificate of the request's Certificate structure. */
    private static X509Certificate given(TtlvItem certificate) throws KmipException {
        if (!certificate.isStructure()) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Certificate must be a structure of Certificate Type and"
                    + " Certificate Value");
        }
        int type = Payloads.required(certificate, Tag.CERTIFICATE_TYPE, ItemType.ENUMERATION).enumValue();
        if (type != CertificateType.X_509.value()) {
            throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "only an X.509 certificate can be a TLS client"
                    + " credential");
        }
        byte[] der = Payloads.required(certificate, Tag.CERTIFICATE_VALUE, ItemType.BYTE_STRING).bytesValue();
        try {
            return CertificateAuthority.parse(der);
        } catch (CertificateException | RuntimeException e) {
            throw new KmipException(ResultReason.INVALID_FIELD, "the Certificate Value is not a DER X.509 certificate");
        }
    }

    /**
     * Refuses a new certificate that the KMIP listener would not accept for this client: not trusted, revoked,
     * not valid now, naming another identity, the current certificate itself or one replaced before.
     */
    private void requireUsable(ClientCertificates rules, Identity identity, LinkCredential current,
                               X509Certificate next, String what) throws KmipException {
        String fingerprint = LinkCredential.fingerprint(next);
        if (fingerprint.equals(current.fingerprint())) {
            throw new KmipException(ResultReason.INVALID_FIELD, what + " is the current client certificate");
        }
        try {
            rules.verify(List.of(next));
        } catch (CertificateException e) {
            throw new KmipException(ResultReason.INVALID_FIELD, what + " would not be accepted by the KMIP listener: "
                    + e.getMessage());
        }
        Identity named;
        try {
            named = rules.identity(next);
        } catch (SSLPeerUnverifiedException e) {
            throw new KmipException(ResultReason.INVALID_FIELD, what + " names no client identity: " + e.getMessage());
        }
        if (!named.equals(identity)) {
            throw new KmipException(ResultReason.INVALID_FIELD, what + " names the client \"" + named
                    + "\", not \"" + identity + "\": Re-Provision replaces a client's certificate with one of its own");
        }
        if (retired.find(fingerprint).isPresent()) {
            throw new KmipException(ResultReason.INVALID_FIELD, what + " was replaced by an earlier Re-Provision");
        }
    }

    private static StoredObject certificateObject(OperationContext context, X509Certificate certificate)
            throws KmipException {
        byte[] der;
        try {
            der = certificate.getEncoded();
        } catch (CertificateException e) {
            throw new KmipException(ResultReason.INVALID_FIELD, "the certificate cannot be encoded");
        }
        TtlvItem object = TtlvItem.structure(Tag.CERTIFICATE,
                TtlvItem.enumeration(Tag.CERTIFICATE_TYPE, CertificateType.X_509.value()),
                TtlvItem.bytes(Tag.CERTIFICATE_VALUE, der));
        return NewObjects.build(context, ObjectType.CERTIFICATE.value(), object, List.of(),
                Certificates.attributes(object, context.version()));
    }

    /**
     * The public key of the request's Certificate Request: a byte string (PKCS#10 in DER or PEM, told apart by
     * the Certificate Request Type when given, else by its first bytes) or a Certificate Request structure of
     * Certificate Request Type and Certificate Request Value. Its signature must verify.
     */
    private static PublicKey requestedKey(TtlvItem payload, TtlvItem request) throws KmipException {
        Optional<TtlvItem> type = payload.child(Tag.CERTIFICATE_REQUEST_TYPE);
        TtlvItem value = request;
        if (request.isStructure()) {
            type = request.child(Tag.CERTIFICATE_REQUEST_TYPE);
            value = Payloads.required(request, Tag.CERTIFICATE_REQUEST_VALUE, ItemType.BYTE_STRING);
        }
        if (value.type() != ItemType.BYTE_STRING) {
            throw new KmipException(ResultReason.INVALID_FIELD, "the Certificate Request must be a byte string");
        }
        byte[] bytes = value.bytesValue();
        boolean pem;
        if (type.isPresent()) {
            int t = type.get().type() == ItemType.ENUMERATION ? type.get().enumValue() : -1;
            if (t == CertificateRequestType.PKCS_10.value()) {
                pem = false;
            } else if (t == CertificateRequestType.PEM.value()) {
                pem = true;
            } else {
                throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "only PKCS#10 certificate requests (DER"
                        + " or PEM) can be re-provisioned");
            }
        } else {
            pem = new String(bytes, 0, Math.min(bytes.length, 64), StandardCharsets.US_ASCII).contains("-----BEGIN");
        }
        return (pem ? CertificationRequests.pem(bytes) : CertificationRequests.pkcs10(bytes)).publicKey();
    }

    /** A key pair like the current certificate's and a certificate for it: private key, public key, certificate. */
    private List<StoredObject> keyPairAndCertificate(OperationContext context, ClientCertificates rules,
                                                     Identity identity, LinkCredential current) throws KmipException {
        PublicKey now = current.certificate().getPublicKey();
        int sign = CryptographicUsageMask.SIGN.value();
        int verify = CryptographicUsageMask.VERIFY.value();
        KeyPairObjects.Pair pair;
        if (now instanceof RSAKey rsa) {
            int bits = rsa.getModulus().bitLength();
            int length = bits <= 2048 ? 2048 : bits <= 3072 ? 3072 : 4096;
            pair = KeyPairObjects.generate(context, random, policy, CryptographicAlgorithm.RSA.value(), length, null,
                    sign, verify);
        } else if (now instanceof ECKey ec) {
            int field = ec.getParams().getCurve().getField().getFieldSize();
            RecommendedCurve curve = field <= 256 ? RecommendedCurve.P_256 : field <= 384 ? RecommendedCurve.P_384
                    : RecommendedCurve.P_521;
            pair = KeyPairObjects.generate(context, random, policy, CryptographicAlgorithm.EC.value(), null,
                    curve.value(), sign, verify);
        } else if (now instanceof EdECKey ed) {
            boolean ed448 = ed.getParams().getName().equalsIgnoreCase("Ed448");
            pair = KeyPairObjects.generate(context, random, policy, ed448 ? CryptographicAlgorithm.ED448.value()
                    : CryptographicAlgorithm.ED25519.value(), null, null, sign, verify);
        } else {
            throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "the server cannot make a key pair like the"
                    + " current certificate's (" + now.getAlgorithm() + "): send a Certificate Request instead");
        }
        X509Certificate issued = issue(rules, identity, current, Issuing.publicKey(pair.publicKey()),
                context.clock().instant());
        StoredObject certificate = Links.add(certificateObject(context, issued), LinkType.PUBLIC_KEY_LINK,
                pair.publicKey().uniqueIdentifier());
        StoredObject privateKey = Links.add(pair.privateKey(), LinkType.CERTIFICATE_LINK,
                certificate.uniqueIdentifier());
        StoredObject publicKey = Links.add(pair.publicKey(), LinkType.CERTIFICATE_LINK, certificate.uniqueIdentifier());
        return List.of(privateKey, publicKey, certificate);
    }

    /**
     * A certificate for the key, signed by the Re-Provision CA, with the current certificate's subject and
     * Subject Alternative Names, usable for TLS client authentication, and checked as a handshake would.
     */
    private X509Certificate issue(ClientCertificates rules, Identity identity, LinkCredential current, PublicKey key,
                                  Instant now) throws KmipException {
        requireStrongEnough(key);
        ReProvisionCa ca;
        try {
            ca = ReProvisionCa.load(settings, rules).orElseThrow(() -> new KmipException(
                    ResultReason.FEATURE_NOT_SUPPORTED, "this server issues no client certificates"
                            + " (reprovision.ca_certificate is not set): send the new Certificate instead"));
        } catch (ConfigException e) {
            throw new KmipException(ResultReason.GENERAL_FAILURE, "the server cannot use its Re-Provision CA now ("
                    + e.setting() + ")");
        }
        X509Certificate issued;
        try {
            issued = sign(ca, current.certificate(), key, now);
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "the new client certificate could not be signed");
        }
        requireUsable(rules, identity, current, issued, "the issued certificate");
        return issued;
    }

    private X509Certificate sign(ReProvisionCa ca, X509Certificate current, PublicKey key, Instant now)
            throws GeneralSecurityException, IOException, OperatorCreationException {
        Instant from = now.minusSeconds(60); // a client whose clock is a little behind still accepts it
        Instant until = from.plus(settings.certificateValidity());
        Instant caUntil = ca.certificate().getNotAfter().toInstant();
        if (until.isAfter(caUntil)) {
            until = caUntil;
        }
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(),
                new BigInteger(127, random).add(BigInteger.ONE), Date.from(from), Date.from(until),
                current.getSubjectX500Principal(), key)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key))
                .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.certificate()));
        Extension names = new JcaX509CertificateHolder(current).getExtension(Extension.subjectAlternativeName);
        if (names != null) {
            b.addExtension(names);
        }
        byte[] der = b.build(new JcaContentSignerBuilder(signatureAlgorithm(ca.privateKey(), ca.certificate()))
                .setSecureRandom(random).build(ca.privateKey())).getEncoded();
        return CertificateAuthority.parse(der);
    }

    private static String signatureAlgorithm(PrivateKey key, X509Certificate ca) throws GeneralSecurityException {
        if (key instanceof RSAKey) {
            return "SHA256withRSA";
        }
        if (ca.getPublicKey() instanceof ECKey ec) {
            int field = ec.getParams().getCurve().getField().getFieldSize();
            return field <= 256 ? "SHA256withECDSA" : field <= 384 ? "SHA384withECDSA" : "SHA512withECDSA";
        }
        if (ca.getPublicKey() instanceof EdECKey ed) {
            return ed.getParams().getName();
        }
        throw new GeneralSecurityException("the Re-Provision CA key is of an unsupported algorithm");
    }

    /** RSA of at least 2048 bits or an EC curve of at least 256 bits, as a TLS client key should be. */
    private static void requireStrongEnough(PublicKey key) throws KmipException {
        if (key instanceof RSAKey rsa && rsa.getModulus().bitLength() < 2048) {
            throw new KmipException(ResultReason.INVALID_FIELD, "the certificate request's RSA key has "
                    + rsa.getModulus().bitLength() + " bits (at least 2048 are needed)");
        }
        if (key instanceof ECKey ec && ec.getParams().getCurve().getField().getFieldSize() < 256) {
            throw new KmipException(ResultReason.INVALID_FIELD, "the certificate request's EC key is on a curve of fewer"
                    + " than 256 bits");
        }
    }
}
