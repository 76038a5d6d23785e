package io.keyhold.server.crypto.format;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.RSAPrivateKeySpec;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.DHParameter;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DSAParameter;
import org.bouncycastle.asn1.x9.DomainParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Private Key material in every Key Format Type this server reads and writes, through one canonical form:
 * PKCS#8 PrivateKeyInfo. PKCS#1 (RSA), ECPrivateKey (SEC 1, with the named curve), Transparent RSA / DSA /
 * DH Private Key and Transparent EC (2.x) / ECDSA / ECDH / ECMQV (1.x) Private Key.
 */
final class PrivateForms {
    private PrivateForms() {}

    /** The key as PKCS#8 PrivateKeyInfo, from Key Material stored in the given format. */
    static PrivateKeyInfo decode(int format, TtlvItem material) throws KmipException {
        KeyFormatType f = Forms.known(format);
        try {
            switch (f) {
                case PKCS_8:
                    return PrivateKeyInfo.getInstance(Forms.bytes(material, f));
                case PKCS_1:
                    return rsa(RSAPrivateKey.getInstance(Forms.bytes(material, f)));
                case ECPRIVATEKEY: {
                    ECPrivateKey sec1 = ECPrivateKey.getInstance(Forms.bytes(material, f));
                    Object params = sec1.getParametersObject();
                    if (!(params instanceof ASN1ObjectIdentifier)) {
                        throw new KmipException(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED,
                                "an ECPrivateKey without a named curve cannot be converted");
                    }
                    return ec((ASN1ObjectIdentifier) params, sec1.getKey(), sec1);
                }
                case TRANSPARENT_RSA_PRIVATE_KEY:
                    return transparentRsa(material);
                case TRANSPARENT_EC_PRIVATE_KEY:
                case TRANSPARENT_ECDSA_PRIVATE_KEY:
                case TRANSPARENT_ECDH_PRIVATE_KEY:
                case TRANSPARENT_ECMQV_PRIVATE_KEY: {
                    ASN1ObjectIdentifier curve = Curves.oid(Forms.field(material, Tag.RECOMMENDED_CURVE, ItemType.ENUMERATION).enumValue());
                    BigInteger d = Forms.big(material, Tag.D);
                    return ec(curve, d, null);
                }
                case TRANSPARENT_DSA_PRIVATE_KEY:
                    return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_dsa,
                            new DSAParameter(Forms.big(material, Tag.P), Forms.big(material, Tag.Q), Forms.big(material, Tag.G))),
                            new ASN1Integer(Forms.big(material, Tag.X)));
                case TRANSPARENT_DH_PRIVATE_KEY:
                    return new PrivateKeyInfo(dhAlgorithm(material), new ASN1Integer(Forms.big(material, Tag.X)));
                default:
                    throw Forms.notSupported("a Private Key", format);
            }
        } catch (IllegalArgumentException | ClassCastException | java.io.IOException e) {
            throw Forms.malformed(f);
        }
    }

    /** The Key Material of the key in the wanted format. */
    static TtlvItem encode(int format, PrivateKeyInfo info) throws KmipException {
        KeyFormatType f = Forms.known(format);
        ASN1ObjectIdentifier alg = info.getPrivateKeyAlgorithm().getAlgorithm();
        try {
            switch (f) {
                case PKCS_8:
                    return Forms.material(info);
                case PKCS_1:
                    requireAlgorithm(alg, PKCSObjectIdentifiers.rsaEncryption, f);
                    return Forms.material(RSAPrivateKey.getInstance(info.parsePrivateKey()));
                case ECPRIVATEKEY: {
                    requireAlgorithm(alg, X9ObjectIdentifiers.id_ecPublicKey, f);
                    ASN1ObjectIdentifier curve = curveOf(info);
                    ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
                    return Forms.material(new ECPrivateKey(Curves.orderBits(curve), inner.getKey(), inner.getPublicKey(), curve));
                }
                case TRANSPARENT_RSA_PRIVATE_KEY: {
                    requireAlgorithm(alg, PKCSObjectIdentifiers.rsaEncryption, f);
                    RSAPrivateKey k = RSAPrivateKey.getInstance(info.parsePrivateKey());
                    List<TtlvItem> c = new ArrayList<>();
                    c.add(TtlvItem.bigInteger(Tag.MODULUS, k.getModulus()));
                    c.add(TtlvItem.bigInteger(Tag.PRIVATE_EXPONENT, k.getPrivateExponent()));
                    c.add(TtlvItem.bigInteger(Tag.PUBLIC_EXPONENT, k.getPublicExponent()));
                    if (k.getPrime1().signum() != 0) {
                        c.add(TtlvItem.bigInteger(Tag.P, k.getPrime1()));
                        c.add(TtlvItem.bigInteger(Tag.Q, k.getPrime2()));
                        c.add(TtlvItem.bigInteger(Tag.PRIME_EXPONENT_P, k.getExponent1()));
                        c.add(TtlvItem.bigInteger(Tag.PRIME_EXPONENT_Q, k.getExponent2()));
                        c.add(TtlvItem.bigInteger(Tag.CRT_COEFFICIENT, k.getCoefficient()));
                    }
                    return TtlvItem.structure(Tag.KEY_MATERIAL, c);
                }
                case TRANSPARENT_EC_PRIVATE_KEY:
                case TRANSPARENT_ECDSA_PRIVATE_KEY:
                case TRANSPARENT_ECDH_PRIVATE_KEY:
                case TRANSPARENT_ECMQV_PRIVATE_KEY: {
                    requireAlgorithm(alg, X9ObjectIdentifiers.id_ecPublicKey, f);
                    ASN1ObjectIdentifier curve = curveOf(info);
                    ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
                    return TtlvItem.structure(Tag.KEY_MATERIAL,
                            TtlvItem.enumeration(Tag.RECOMMENDED_CURVE, Curves.curve(curve).value()),
                            TtlvItem.bigInteger(Tag.D, inner.getKey()));
                }
                case TRANSPARENT_DSA_PRIVATE_KEY: {
                    requireAlgorithm(alg, X9ObjectIdentifiers.id_dsa, f);
                    DSAParameter p = DSAParameter.getInstance(info.getPrivateKeyAlgorithm().getParameters());
                    return TtlvItem.structure(Tag.KEY_MATERIAL, TtlvItem.bigInteger(Tag.P, p.getP()),
                            TtlvItem.bigInteger(Tag.Q, p.getQ()), TtlvItem.bigInteger(Tag.G, p.getG()),
                            TtlvItem.bigInteger(Tag.X, ASN1Integer.getInstance(info.parsePrivateKey()).getValue()));
                }
                case TRANSPARENT_DH_PRIVATE_KEY: {
                    List<TtlvItem> c = dhParameters(info.getPrivateKeyAlgorithm(), f);
                    c.add(TtlvItem.bigInteger(Tag.X, ASN1Integer.getInstance(info.parsePrivateKey()).getValue()));
                    return TtlvItem.structure(Tag.KEY_MATERIAL, c);
                }
                default:
                    throw Forms.notSupported("a Private Key", format);
            }
        } catch (IllegalArgumentException | ClassCastException | java.io.IOException e) {
            throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "the stored private key cannot be encoded as " + f.specName());
        }
    }

    private static PrivateKeyInfo rsa(RSAPrivateKey key) throws java.io.IOException {
        return new PrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), key);
    }

    private static PrivateKeyInfo transparentRsa(TtlvItem m) throws KmipException, java.io.IOException {
        BigInteger n = Forms.big(m, Tag.MODULUS);
        BigInteger d = Forms.big(m, Tag.PRIVATE_EXPONENT);
        if (m.child(Tag.P).isPresent()) {
            return rsa(new RSAPrivateKey(n, Forms.big(m, Tag.PUBLIC_EXPONENT), d, Forms.big(m, Tag.P), Forms.big(m, Tag.Q),
                    Forms.big(m, Tag.PRIME_EXPONENT_P), Forms.big(m, Tag.PRIME_EXPONENT_Q), Forms.big(m, Tag.CRT_COEFFICIENT)));
        }
        try { // modulus and private exponent only: the JDK encodes the CRT fields as zero
            byte[] der = KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateKeySpec(n, d)).getEncoded();
            return PrivateKeyInfo.getInstance(der);
        } catch (GeneralSecurityException e) {
            throw Forms.malformed(KeyFormatType.TRANSPARENT_RSA_PRIVATE_KEY);
        }
    }

    private static PrivateKeyInfo ec(ASN1ObjectIdentifier curve, BigInteger d, ECPrivateKey withPublic) throws KmipException,
            java.io.IOException {
        ECPrivateKey inner = new ECPrivateKey(Curves.orderBits(curve), d, withPublic == null ? null : withPublic.getPublicKey(), null);
        return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), inner);
    }

    private static ASN1ObjectIdentifier curveOf(PrivateKeyInfo info) throws KmipException {
        return Forms.namedCurve(info.getPrivateKeyAlgorithm());
    }

    static AlgorithmIdentifier dhAlgorithm(TtlvItem m) throws KmipException {
        BigInteger p = Forms.big(m, Tag.P);
        BigInteger g = Forms.big(m, Tag.G);
        if (m.child(Tag.Q).isPresent()) {
            BigInteger j = m.child(Tag.J).isPresent() ? Forms.big(m, Tag.J) : null;
            return new AlgorithmIdentifier(X9ObjectIdentifiers.dhpublicnumber, new DomainParameters(p, g, Forms.big(m, Tag.Q), j, null));
        }
        return new AlgorithmIdentifier(PKCSObjectIdentifiers.dhKeyAgreement, new DHParameter(p, g, 0));
    }

    static List<TtlvItem> dhParameters(AlgorithmIdentifier alg, KeyFormatType f) throws KmipException {
        List<TtlvItem> c = new ArrayList<>();
        ASN1Encodable params = alg.getParameters();
        if (alg.getAlgorithm().equals(PKCSObjectIdentifiers.dhKeyAgreement)) {
            DHParameter p = DHParameter.getInstance(params);
            c.add(TtlvItem.bigInteger(Tag.P, p.getP()));
            c.add(TtlvItem.bigInteger(Tag.G, p.getG()));
        } else if (alg.getAlgorithm().equals(X9ObjectIdentifiers.dhpublicnumber)) {
            DomainParameters p = DomainParameters.getInstance(params);
            c.add(TtlvItem.bigInteger(Tag.P, p.getP()));
            c.add(TtlvItem.bigInteger(Tag.Q, p.getQ()));
            c.add(TtlvItem.bigInteger(Tag.G, p.getG()));
            if (p.getJ() != null) {
                c.add(TtlvItem.bigInteger(Tag.J, p.getJ()));
            }
        } else {
            throw new KmipException(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED, "only Diffie-Hellman keys can be returned as "
                    + f.specName());
        }
        return c;
    }

    private static void requireAlgorithm(ASN1ObjectIdentifier have, ASN1ObjectIdentifier wanted, KeyFormatType f)
            throws KmipException {
        if (!have.equals(wanted)) {
            throw new KmipException(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED, "a " + Forms.algorithmName(have)
                    + " private key cannot be returned as " + f.specName());
        }
    }
}
