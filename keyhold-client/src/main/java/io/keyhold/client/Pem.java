package io.keyhold.client;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads PEM certificates and unencrypted private keys: PKCS#8 ({@code PRIVATE KEY}), PKCS#1
 * ({@code RSA PRIVATE KEY}) and SEC1 ({@code EC PRIVATE KEY}, with its curve named in the parameters, as
 * OpenSSL writes it). PKCS#1 and SEC1 keys are wrapped into PKCS#8 for the JDK's key factories.
 */
final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n((?:[A-Za-z0-9-]+: [^\\n]*\\r?\\n)*)([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    /** rsaEncryption, 1.2.840.113549.1.1.1, and its NULL parameters. */
    private static final byte[] RSA_ALGORITHM = hex("300d06092a864886f70d0101010500");
    /** id-ecPublicKey, 1.2.840.10045.2.1. */
    private static final byte[] EC_PUBLIC_KEY_OID = hex("06072a8648ce3d0201");

    private Pem() {}

    /** The X.509 certificates of a PEM file, in file order. */
    static List<X509Certificate> certificates(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            Matcher m = BLOCK.matcher(text);
            while (m.find()) {
                if (m.group(1).equals("CERTIFICATE") || m.group(1).equals("TRUSTED CERTIFICATE")) {
                    out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(decode(file, m.group(3)))));
                }
            }
        } catch (CertificateException e) {
            throw new IOException(file + ": not a valid PEM certificate: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IOException(file + ": no PEM certificate found");
        }
        return out;
    }

    /** The first private key of a PEM file. */
    static PrivateKey privateKey(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String label = m.group(1);
            if (!label.endsWith("PRIVATE KEY")) {
                continue;
            }
            if (label.equals("ENCRYPTED PRIVATE KEY") || m.group(2).contains("ENCRYPTED")) {
                throw new IOException(file + ": the private key is encrypted; give an unencrypted PEM key"
                        + " (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8)");
            }
            byte[] der = decode(file, m.group(3));
            try {
                return switch (label) {
                    case "PRIVATE KEY" -> pkcs8(file, der);
                    case "RSA PRIVATE KEY" -> generate("RSA", wrap(RSA_ALGORITHM, der));
                    case "EC PRIVATE KEY" -> generate("EC", wrap(sequence(EC_PUBLIC_KEY_OID, sec1Curve(file, der)), der));
                    default -> throw new IOException(file + ": '" + label + "' keys are not supported"
                            + " (expected: PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
                };
            } catch (GeneralSecurityException e) {
                throw new IOException(file + ": cannot read the " + label + ": " + e.getMessage(), e);
            }
        }
        throw new IOException(file + ": no PEM private key found");
    }

    private static byte[] decode(Path file, String base64) throws IOException {
        try {
            return Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": malformed PEM base64", e);
        }
    }

    private static PrivateKey pkcs8(Path file, byte[] der) throws IOException {
        List<String> tried = new ArrayList<>();
        for (String alg : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return generate(alg, der);
            } catch (GeneralSecurityException e) {
                tried.add(alg);
            }
        }
        throw new IOException(file + ": the PKCS#8 key is none of " + tried);
    }

    private static PrivateKey generate(String algorithm, byte[] pkcs8) throws InvalidKeySpecException, NoSuchAlgorithmException {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    }

    /** PrivateKeyInfo: version 0, the algorithm identifier, the key as an OCTET STRING. */
    private static byte[] wrap(byte[] algorithmIdentifier, byte[] key) {
        return sequence(hex("020100"), algorithmIdentifier, tlv(0x04, key));
    }

    /** The curve OID (as a whole TLV) in the [0] parameters of a SEC1 ECPrivateKey. */
    private static byte[] sec1Curve(Path file, byte[] der) throws IOException {
        Der seq = new Der(der, 0);
        if (seq.tag != 0x30) {
            throw new IOException(file + ": the EC PRIVATE KEY is not a DER SEQUENCE");
        }
        int p = seq.contentStart;
        while (p < seq.end) {
            Der e = new Der(der, p);
            if (e.tag == 0xA0) {
                Der oid = new Der(der, e.contentStart);
                if (oid.tag != 0x06) {
                    throw new IOException(file + ": the EC PRIVATE KEY has explicit curve parameters; only named curves are supported");
                }
                byte[] out = new byte[oid.end - e.contentStart];
                System.arraycopy(der, e.contentStart, out, 0, out.length);
                return out;
            }
            p = e.end;
        }
        throw new IOException(file + ": the EC PRIVATE KEY does not name its curve; give it as PKCS#8"
                + " (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8)");
    }

    /** One DER element: its tag and where its content starts and the element ends. */
    private static final class Der {
        final int tag;
        final int contentStart;
        final int end;

        Der(byte[] b, int offset) throws IOException {
            if (offset + 2 > b.length) {
                throw new IOException("truncated DER");
            }
            tag = b[offset] & 0xFF;
            int len = b[offset + 1] & 0xFF;
            int p = offset + 2;
            if (len >= 0x80) {
                int n = len & 0x7F;
                if (n == 0 || n > 3 || p + n > b.length) {
                    throw new IOException("unsupported DER length");
                }
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = (len << 8) | (b[p++] & 0xFF);
                }
            }
            if (p + len > b.length) {
                throw new IOException("truncated DER");
            }
            contentStart = p;
            end = p + len;
        }
    }

    static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            content.writeBytes(part);
        }
        return tlv(0x30, content.toByteArray());
    }

    static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }
}
