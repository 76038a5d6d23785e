package io.keyhold.server.pki;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI for development and tests: a CA, a server certificate for localhost (DNS localhost, IP
 * 127.0.0.1 and ::1; serverAuth) and two client certificates (CN client1 and client2; clientAuth), all RSA
 * 2048 so that the classic RSA cipher suites work too. Certificates and keys are PEM (keys PKCS#8,
 * readable by the owner only); each client also gets a PKCS#12 file with password {@value #P12_PASSWORD}.
 * The CA key is kept as {@code ca.key} so missing files can be issued later. Existing files are never
 * overwritten.
 */
public final class DevPki {
    public static final String P12_PASSWORD = "changeit";
    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    static final Duration LEAF_VALIDITY = Duration.ofDays(825);
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private final SecureRandom random = new SecureRandom();

    /** The files of a development PKI in one directory. */
    public record Layout(Path dir) {
        public Path ca() {
            return dir.resolve("ca.pem");
        }

        public Path caKey() {
            return dir.resolve("ca.key");
        }

        public Path serverCertificate() {
            return dir.resolve("server.pem");
        }

        public Path serverKey() {
            return dir.resolve("server.key");
        }

        /** The certificate of client 1 ("client") or 2 ("client2"). */
        public Path clientCertificate(int client) {
            return dir.resolve(clientName(client) + ".pem");
        }

        public Path clientKey(int client) {
            return dir.resolve(clientName(client) + ".key");
        }

        public Path clientP12(int client) {
            return dir.resolve(clientName(client) + ".p12");
        }

        private static String clientName(int client) {
            if (client != 1 && client != 2) {
                throw new IllegalArgumentException("client " + client + " (expected: 1 or 2)");
            }
            return client == 1 ? "client" : "client2";
        }
    }

    /**
     * Creates whatever is missing in {@code dir} (created too if needed) and returns the files created, in
     * creation order; an empty list when everything was there.
     *
     * @throws IOException when a file cannot be written, or when a certificate must be issued but ca.key is
     *                     missing, or a certificate exists without its key (the message says which)
     */
    public static List<Path> ensure(Path dir) throws IOException {
        return new DevPki().create(new Layout(dir));
    }

    private List<Path> create(Layout f) throws IOException {
        if (Files.exists(f.dir()) && !Files.isDirectory(f.dir())) {
            throw new IOException(f.dir() + " is not a directory");
        }
        Files.createDirectories(f.dir());
        List<Path> created = new ArrayList<>();
        try {
            Issuer ca = null;
            if (!exists(f.ca())) {
                if (exists(f.caKey())) {
                    throw new IOException(f.caKey() + " exists without " + f.ca() + "; remove it to create a new CA");
                }
                KeyPair kp = rsa();
                X509Certificate cert = caCertificate(kp);
                writeKey(f.caKey(), kp.getPrivate(), created);
                writePem(f.ca(), "CERTIFICATE", cert.getEncoded(), created);
                ca = new Issuer(cert, kp.getPrivate());
            }
            boolean needServer = !exists(f.serverCertificate());
            boolean[] needClient = {false, !exists(f.clientCertificate(1)), !exists(f.clientCertificate(2))};
            if (needServer || needClient[1] || needClient[2]) {
                if (ca == null) {
                    ca = loadIssuer(f);
                }
            }
            if (needServer) {
                if (exists(f.serverKey())) {
                    throw new IOException(f.serverKey() + " exists without " + f.serverCertificate()
                            + "; remove it to issue a new server certificate");
                }
                KeyPair kp = rsa();
                X509Certificate cert = leaf(ca, kp.getPublic(), "localhost", true);
                writeKey(f.serverKey(), kp.getPrivate(), created);
                writePem(f.serverCertificate(), "CERTIFICATE", cert.getEncoded(), created);
            } else if (!exists(f.serverKey())) {
                throw new IOException(f.serverCertificate() + " exists without " + f.serverKey());
            }
            for (int client = 1; client <= 2; client++) {
                String cn = "client" + client;
                PrivateKey key;
                X509Certificate cert;
                if (needClient[client]) {
                    if (exists(f.clientKey(client)) || exists(f.clientP12(client))) {
                        throw new IOException(f.clientKey(client) + " or " + f.clientP12(client) + " exists without "
                                + f.clientCertificate(client) + "; remove them to issue a new client certificate");
                    }
                    KeyPair kp = rsa();
                    key = kp.getPrivate();
                    cert = leaf(ca, kp.getPublic(), cn, false);
                    writeKey(f.clientKey(client), key, created);
                    writePem(f.clientCertificate(client), "CERTIFICATE", cert.getEncoded(), created);
                } else {
                    if (!exists(f.clientKey(client))) {
                        throw new IOException(f.clientCertificate(client) + " exists without " + f.clientKey(client));
                    }
                    if (exists(f.clientP12(client))) {
                        continue;
                    }
                    key = readKey(f.clientKey(client));
                    cert = readCertificate(f.clientCertificate(client));
                }
                if (!exists(f.clientP12(client))) {
                    X509Certificate caCert = ca != null ? ca.certificate() : readCertificate(f.ca());
                    writeP12(f.clientP12(client), cn, key, cert, caCert, created);
                }
            }
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot create the development certificates: " + e.getMessage(), e);
        }
        return created;
    }

    private record Issuer(X509Certificate certificate, PrivateKey key) {
    }

    private static boolean exists(Path p) {
        return Files.exists(p);
    }

    private Issuer loadIssuer(Layout f) throws IOException, GeneralSecurityException {
        if (!exists(f.caKey())) {
            throw new IOException("cannot issue the missing certificates: " + f.caKey()
                    + " is missing (remove " + f.ca() + " to start over with a new CA)");
        }
        return new Issuer(readCertificate(f.ca()), readKey(f.caKey()));
    }

    private KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048, random);
        return g.generateKeyPair();
    }

    private X509Certificate caCertificate(KeyPair kp)
            throws GeneralSecurityException, CertIOException, OperatorCreationException {
        X500Name name = new X500Name("CN=Keyhold Development CA,O=Keyhold development");
        Instant now = Instant.now();
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(CA_VALIDITY)), name, kp.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
        return sign(b, kp.getPrivate());
    }

    private X509Certificate leaf(Issuer ca, PublicKey key, String cn, boolean server)
            throws GeneralSecurityException, CertIOException, OperatorCreationException {
        Instant now = Instant.now();
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        X500Name subject = new X500Name("CN=" + cn + ",O=Keyhold development");
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.certificate(), serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(LEAF_VALIDITY)), subject, key)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                .addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth))
                .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key))
                .addExtension(Extension.authorityKeyIdentifier, false,
                        ext.createAuthorityKeyIdentifier(ca.certificate()));
        if (server) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.iPAddress, "::1")}));
        }
        return sign(b, ca.key());
    }

    private BigInteger serial() {
        return new BigInteger(127, random).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
            throws GeneralSecurityException, OperatorCreationException {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withRSA")
                .build(key)));
    }

    private static void writeKey(Path file, PrivateKey key, List<Path> created) throws IOException {
        writePem(file, "PRIVATE KEY", key.getEncoded(), created);
    }

    private static void writePem(Path file, String type, byte[] der, List<Path> created) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        String pem = "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
        write(file, pem.getBytes(StandardCharsets.US_ASCII), type.endsWith("KEY"), created);
    }

    private void writeP12(Path file, String alias, PrivateKey key, X509Certificate cert, X509Certificate caCert,
                          List<Path> created) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(alias, key, P12_PASSWORD.toCharArray(), new X509Certificate[] {cert, caCert});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ks.store(out, P12_PASSWORD.toCharArray());
        write(file, out.toByteArray(), true, created);
    }

    /** Writes a new file (never replacing one), readable by the owner only when {@code secret}. */
    private static void write(Path file, byte[] content, boolean secret, List<Path> created) throws IOException {
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            if (secret) {
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system: the directory's own protection applies
                }
            }
            out.write(content);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " already exists; it is never overwritten", e);
        }
        created.add(file);
    }

    private static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static PrivateKey readKey(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        Matcher m = PEM.matcher(text);
        if (!m.find() || !m.group(1).equals("PRIVATE KEY")) {
            throw new IOException(file + " does not hold a PKCS#8 PEM private key");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(2));
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    }
}
