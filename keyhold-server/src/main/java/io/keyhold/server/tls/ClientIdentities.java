package io.keyhold.server.tls;

import io.keyhold.server.auth.Identity;
import io.keyhold.server.config.ServerConfig.ClientIdentity;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Takes the client's {@link Identity} from its certificate ({@code tls.client_identity}): the Common Name,
 * the whole subject, or one Subject Alternative Name of a chosen type. A certificate that does not name
 * exactly one identity of the chosen kind is refused, rather than guessing which of several is meant.
 */
final class ClientIdentities {
    private ClientIdentities() {
    }

    static Identity of(SSLSession session, ClientIdentity mode) throws SSLPeerUnverifiedException {
        Certificate[] chain = session.getPeerCertificates();
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
            throw new SSLPeerUnverifiedException("no X.509 client certificate");
        }
        return of(cert, mode);
    }

    static Identity of(X509Certificate cert, ClientIdentity mode) throws SSLPeerUnverifiedException {
        switch (mode) {
            case SAN_EMAIL:
                return alternativeName(cert, 1, "e-mail (rfc822Name)");
            case SAN_DNS:
                return alternativeName(cert, 2, "DNS name");
            case SAN_URI:
                return alternativeName(cert, 6, "URI");
            default:
                break;
        }
        X500Principal subject = cert.getSubjectX500Principal();
        if (mode == ClientIdentity.SUBJECT) {
            String dn = subject.getName(X500Principal.RFC2253);
            if (dn.isEmpty()) {
                throw new SSLPeerUnverifiedException("the client certificate's subject is empty");
            }
            return new Identity(dn);
        }
        X500Name name;
        try {
            name = X500Name.getInstance(subject.getEncoded());
        } catch (IllegalArgumentException e) {
            throw new SSLPeerUnverifiedException("the client certificate's subject cannot be read");
        }
        RDN[] cns = name.getRDNs(BCStyle.CN);
        if (cns.length != 1 || cns[0].isMultiValued()) {
            throw new SSLPeerUnverifiedException("the client certificate's subject has " + cns.length
                    + " Common Names (expected: exactly 1)");
        }
        ASN1Encodable value = cns[0].getFirst().getValue();
        String cn = value instanceof ASN1String text ? text.getString() : IETFUtils.valueToString(value);
        if (cn.isEmpty()) {
            throw new SSLPeerUnverifiedException("the client certificate's Common Name is empty");
        }
        return new Identity(cn);
    }

    /** The only Subject Alternative Name of the given GeneralName type (RFC 5280: 1 email, 2 DNS, 6 URI). */
    private static Identity alternativeName(X509Certificate cert, int type, String label) throws SSLPeerUnverifiedException {
        Collection<List<?>> names;
        try {
            names = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new SSLPeerUnverifiedException("the client certificate's Subject Alternative Names cannot be read");
        }
        List<String> found = new ArrayList<>();
        if (names != null) {
            for (List<?> entry : names) {
                if (entry.size() >= 2 && entry.get(0) instanceof Integer t && t == type && entry.get(1) instanceof String v) {
                    found.add(v);
                }
            }
        }
        if (found.size() != 1) {
            throw new SSLPeerUnverifiedException("the client certificate has " + found.size() + " " + label
                    + " Subject Alternative Names (expected: exactly 1 for tls.client_identity)");
        }
        if (found.get(0).isEmpty()) {
            throw new SSLPeerUnverifiedException("the client certificate's " + label + " Subject Alternative Name is empty");
        }
        return new Identity(found.get(0));
    }
}
