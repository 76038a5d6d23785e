package io.keyhold.client;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The client side of the mutual TLS that KMIP requires (KMIP 1.4 and 2.1 Profiles, TLS 1.2 or later): the CA
 * certificates the server's certificate must chain to, and the client certificate and key the server
 * identifies the client by. Immutable.
 *
 * <p>By default the server's certificate must also name the host the client connected to (its Subject
 * Alternative Names, as HTTPS checks them); {@link #withHostnameVerification(boolean)} turns that off for
 * servers whose certificates do not name them.
 */
public final class ClientTls {
    /** The TLS versions offered unless told otherwise. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final SSLContext context;
    private final KeyManager[] keyManagers;
    private final TrustManager[] trustManagers;
    private final boolean hostnameVerification;
    private final List<String> protocols;

    private ClientTls(SSLContext context, KeyManager[] keyManagers, TrustManager[] trustManagers,
                      boolean hostnameVerification, List<String> protocols) {
        this.context = Objects.requireNonNull(context, "context");
        this.keyManagers = keyManagers;
        this.trustManagers = trustManagers;
        this.hostnameVerification = hostnameVerification;
        this.protocols = List.copyOf(protocols);
        if (this.protocols.isEmpty()) {
            throw new IllegalArgumentException("no TLS protocol version given");
        }
    }

    /**
     * From a certificate directory as {@code keyhold dev} writes it: {@code ca.pem}, {@code client.pem} and
     * {@code client.key}.
     *
     * @throws IOException when a file is missing or cannot be read (the message names it)
     */
    public static ClientTls fromDirectory(Path directory) throws IOException {
        return fromFiles(directory.resolve("ca.pem"), directory.resolve("client.pem"), directory.resolve("client.key"));
    }

    /**
     * From PEM files: the trusted CA certificate(s), the client certificate (possibly followed by its chain)
     * and its unencrypted private key (PKCS#8, PKCS#1 RSA or SEC1 EC).
     *
     * @throws IOException when a file is missing or cannot be read (the message names it)
     */
    public static ClientTls fromFiles(Path caCertificates, Path clientCertificate, Path clientKey) throws IOException {
        List<X509Certificate> cas = Pem.certificates(caCertificates);
        List<X509Certificate> chain = Pem.certificates(clientCertificate);
        PrivateKey key = Pem.privateKey(clientKey);
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                trust.setCertificateEntry("ca" + i, cas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            char[] password = new char[0];
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", key, password, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return new ClientTls(context, kmf.getKeyManagers(), tmf.getTrustManagers(), true, DEFAULT_PROTOCOLS);
        } catch (GeneralSecurityException | IOException e) {
            throw new IOException("cannot use " + clientCertificate + " and " + clientKey + " (trusting " + caCertificates
                    + ") for TLS: " + e.getMessage(), e);
        }
    }

    /** From an already initialised context (a PKCS#12 or PKCS#11 key store, for example). */
    public static ClientTls fromSslContext(SSLContext context) {
        return new ClientTls(context, null, null, true, DEFAULT_PROTOCOLS);
    }

    /** The same settings, checking (true, the default) or not checking that the server certificate names the host. */
    public ClientTls withHostnameVerification(boolean verify) {
        return new ClientTls(context, keyManagers, trustManagers, verify, protocols);
    }

    /** The same settings offering only these TLS versions ("TLSv1.3", "TLSv1.2"). */
    public ClientTls withProtocols(String... protocols) {
        return new ClientTls(context, keyManagers, trustManagers, hostnameVerification, List.of(protocols));
    }

    public SSLContext sslContext() {
        return context;
    }

    /**
     * A new context with the same certificate, key and trusted CAs but its own, empty, session cache (to
     * measure full handshakes, for example). Only for settings read from files.
     *
     * @throws IllegalStateException for settings made {@link #fromSslContext from a context}
     */
    public SSLContext newSslContext() throws GeneralSecurityException {
        if (keyManagers == null) {
            throw new IllegalStateException("made from an SSLContext: its key and trust managers are not known");
        }
        SSLContext fresh = SSLContext.getInstance("TLS");
        fresh.init(keyManagers, trustManagers, null);
        return fresh;
    }

    public boolean hostnameVerification() {
        return hostnameVerification;
    }

    public List<String> protocols() {
        return protocols;
    }
}
