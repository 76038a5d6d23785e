package io.keyhold.testkit.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the client's {@link SSLContext} for mutual TLS: trusts only the given CA file and presents the
 * client key and certificate from PEM (PKCS#8 key). Hostname verification is not done: a
 * plain {@code SSLSocket} without an endpoint identification algorithm only checks the chain.
 */
final class TlsSetup {
    private static final Pattern PEM_KEY = Pattern.compile(
            "-----BEGIN ([A-Z ]*)PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1PRIVATE KEY-----");

    private TlsSetup() {}

    static SSLContext context(LoadOptions o) throws IOException, GeneralSecurityException {
        return Managers.of(o).newContext();
    }

    /**
     * The client's key and trust managers, read once; each {@link #newContext()} is an {@link SSLContext}
     * with its own, empty, client session cache.
     */
    record Managers(KeyManager[] keyManagers, TrustManager[] trustManagers) {
        static Managers of(LoadOptions o) throws IOException, GeneralSecurityException {
            return managers(o);
        }

        SSLContext newContext() throws GeneralSecurityException {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keyManagers, trustManagers, null);
            return ctx;
        }
    }

    private static Managers managers(LoadOptions o) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int n = 0;
        for (Certificate c : readCertificates(o.ca())) {
            trust.setCertificateEntry("ca" + n++, c);
        }
        if (n == 0) {
            throw new GeneralSecurityException(o.ca() + ": no certificate found");
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);

        char[] password = new char[0];
        Collection<? extends Certificate> chain = readCertificates(o.cert());
        if (chain.isEmpty()) {
            throw new GeneralSecurityException(o.cert() + ": no certificate found");
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", readPrivateKey(o.key()), password, chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);

        return new Managers(kmf.getKeyManagers(), tmf.getTrustManagers());
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

    private static Collection<? extends Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (java.security.cert.CertificateException e) {
            throw new GeneralSecurityException(file + ": not a PEM or DER certificate file", e);
        }
    }

    private static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        Matcher m = PEM_KEY.matcher(text);
        if (!m.find()) {
            throw new GeneralSecurityException(file + ": no PEM private key found");
        }
        if (!m.group(1).isEmpty()) {
            throw new GeneralSecurityException(file + ": '" + m.group(1).trim() + " PRIVATE KEY' is not supported;"
                    + " convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        List<String> tried = new ArrayList<>();
        for (String alg : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
                tried.add(alg);
            }
        }
        throw new GeneralSecurityException(file + ": PKCS#8 key is none of " + tried);
    }
}
