package io.keyhold.server.tls;

import io.keyhold.server.auth.Identity;
import io.keyhold.server.config.ServerConfig.ClientIdentity;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/** Takes the client's {@link Identity} from its certificate: the Common Name, or the whole subject. */
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
}
