package io.keyhold.testkit.load;

import io.keyhold.client.ClientTls;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Security;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * The client's {@link SSLContext} for mutual TLS, from the client library's {@link ClientTls}: trusts only
 * the given CA file and presents the client key (PKCS#8, PKCS#1 or SEC1 PEM) and certificate. Hostname
 * verification is not done: a plain {@code SSLSocket} without an endpoint identification algorithm only
 * checks the chain.
 */
final class TlsSetup {
    private TlsSetup() {}

    static SSLContext context(LoadOptions o) throws IOException, GeneralSecurityException {
        return Managers.of(o).newContext();
    }

    /**
     * The client's certificate, key and trusted CAs, read once by the client library ({@link ClientTls});
     * each {@link #newContext()} is an {@link SSLContext} with its own, empty, client session cache.
     */
    record Managers(ClientTls tls) {
        static Managers of(LoadOptions o) throws IOException {
            return new Managers(ClientTls.fromFiles(o.ca(), o.cert(), o.key()));
        }

        SSLContext newContext() throws GeneralSecurityException {
            return tls.newSslContext();
        }
    }

    /**
     * JDK 24 and later disable the static-RSA suites ({@code TLS_RSA_*}) in {@code jdk.tls.disabledAlgorithms}.
     * When the user asks for one explicitly, lift only that entry so the comparison can use the suite the
     * peer offers. Must run before the first TLS object is created. Returns true when it changed anything.
     */
    static boolean allowStaticRsa(String cipherSuite) {
        if (cipherSuite == null || !cipherSuite.startsWith("TLS_RSA_")) {
            return false;
        }
        String disabled = Security.getProperty("jdk.tls.disabledAlgorithms");
        if (disabled == null) {
            return false;
        }
        List<String> entries = Arrays.stream(disabled.split(",")).map(String::trim).collect(Collectors.toList());
        if (!entries.removeIf(e -> e.equals("TLS_RSA_*"))) {
            return false;
        }
        Security.setProperty("jdk.tls.disabledAlgorithms", String.join(", ", entries));
        return true;
    }
}
