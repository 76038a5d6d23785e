package io.keyhold.server.tls;

import io.keyhold.server.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/** Reads PEM certificates and private keys, with errors that name the setting they came from. */
final class PemFiles {
    private PemFiles() {
    }

    /** Every certificate in a PEM file, in file order; at least one. */
    static List<X509Certificate> certificates(Path file, String setting) throws ConfigException {
        List<X509Certificate> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (var c : cf.generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
        } catch (IOException e) {
            throw new ConfigException(setting, "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        } catch (CertificateException e) {
            throw new ConfigException(setting, file + " is not a valid PEM certificate file");
        }
        if (out.isEmpty()) {
            throw new ConfigException(setting, file + " holds no certificate");
        }
        return out;
    }

    /** The private key in a PEM file: PKCS#8 (plain or encrypted), PKCS#1 RSA or SEC1 EC. */
    static PrivateKey privateKey(Path file, String password, String setting) throws ConfigException {
        Object o;
        try (Reader r = Files.newBufferedReader(file); PEMParser parser = new PEMParser(r)) {
            o = parser.readObject();
            while (o != null && !isKey(o)) {
                o = parser.readObject();
            }
        } catch (IOException e) {
            throw new ConfigException(setting, file + " is not a valid PEM private key file");
        }
        if (o == null) {
            throw new ConfigException(setting, file + " holds no private key");
        }
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try {
            if (o instanceof PKCS8EncryptedPrivateKeyInfo enc) {
                if (password == null) {
                    throw new ConfigException(setting, file + " is encrypted; set tls.private_key_password");
                }
                var decryptor = new JceOpenSSLPKCS8DecryptorProviderBuilder().build(password.toCharArray());
                return converter.getPrivateKey(enc.decryptPrivateKeyInfo(decryptor));
            }
            if (o instanceof PEMEncryptedKeyPair enc) {
                if (password == null) {
                    throw new ConfigException(setting, file + " is encrypted; set tls.private_key_password");
                }
                return converter.getKeyPair(enc.decryptKeyPair(new JcePEMDecryptorProviderBuilder()
                        .build(password.toCharArray()))).getPrivate();
            }
            if (o instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            return converter.getPrivateKey((PrivateKeyInfo) o);
        } catch (PKCSException | OperatorCreationException | IOException e) {
            throw new ConfigException(setting, "cannot decrypt or read the key in " + file
                    + " (wrong tls.private_key_password?)");
        }
    }

    private static boolean isKey(Object o) {
        return o instanceof PrivateKeyInfo || o instanceof PEMKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo
                || o instanceof PEMEncryptedKeyPair;
    }

    /** True when the private key belongs to the public key: a test signature verifies. */
    static boolean matches(PrivateKey key, PublicKey publicKey) {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (alg == null) {
            return true; // cannot check; the handshake will tell
        }
        try {
            byte[] data = new byte[32];
            new SecureRandom().nextBytes(data);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(data);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(publicKey);
            v.update(data);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
