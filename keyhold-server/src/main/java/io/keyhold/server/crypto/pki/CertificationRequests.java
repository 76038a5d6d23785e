package io.keyhold.server.crypto.pki;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Base64;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * Reads PKCS#10 certification requests (RFC 2986), DER or PEM, and checks their self-signature: a request
 * that cannot be read or whose signature does not verify is refused with Invalid CSR (the dispatcher
 * answers Invalid Field to 1.x clients).
 */
public final class CertificationRequests {
    private static final int MAX_BYTES = 64 * 1024;

    private CertificationRequests() {}

    /** The subject and public key of a verified request. */
    public record CertificationRequest(X500Principal subject, PublicKey publicKey) {}

    /** A DER-encoded PKCS#10 request. */
    public static CertificationRequest pkcs10(byte[] der) throws KmipException {
        if (der.length == 0 || der.length > MAX_BYTES) {
            throw invalid("the PKCS#10 request is " + der.length + " bytes (expected: 1 to " + MAX_BYTES + ")");
        }
        JcaPKCS10CertificationRequest request;
        try {
            request = new JcaPKCS10CertificationRequest(der);
        } catch (IOException | RuntimeException e) {
            throw invalid("the Certificate Request is not a DER-encoded PKCS#10 request");
        }
        PublicKey key;
        try {
            key = request.getPublicKey();
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            throw invalid("the PKCS#10 request's public key cannot be read");
        }
        boolean verified;
        try {
            ContentVerifierProvider verifier = new JcaContentVerifierProviderBuilder().build(key);
            verified = request.isSignatureValid(verifier);
        } catch (OperatorCreationException | PKCSException | RuntimeException e) {
            verified = false;
        }
        if (!verified) {
            throw invalid("the PKCS#10 request's signature does not verify with its public key");
        }
        X500Principal subject;
        try {
            subject = new X500Principal(request.getSubject().getEncoded(ASN1Encoding.DER));
        } catch (IOException | RuntimeException e) {
            throw invalid("the PKCS#10 request's subject cannot be read");
        }
        return new CertificationRequest(subject, key);
    }

    /** A PEM-encoded ("-----BEGIN CERTIFICATE REQUEST-----") PKCS#10 request. */
    public static CertificationRequest pem(byte[] pem) throws KmipException {
        String text = new String(pem, StandardCharsets.US_ASCII);
        int begin = text.indexOf("-----BEGIN ");
        int bodyStart = begin < 0 ? -1 : text.indexOf("-----", begin + 11);
        int end = text.indexOf("-----END ");
        if (begin < 0 || bodyStart < 0 || end < bodyStart) {
            throw invalid("the Certificate Request is not PEM-encoded");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(bodyStart + 5, end));
        } catch (IllegalArgumentException e) {
            throw invalid("the PEM Certificate Request is not valid Base64");
        }
        return pkcs10(der);
    }

    private static KmipException invalid(String message) {
        return new KmipException(ResultReason.INVALID_CSR, message);
    }
}
