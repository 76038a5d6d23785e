package io.keyhold.server.crypto.format;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.List;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DSAParameter;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Public Key material in every Key Format Type this server reads and writes, through one canonical form:
 * X.509 SubjectPublicKeyInfo. PKCS#1 RSAPublicKey, Transparent RSA / DSA / DH Public Key and Transparent EC
 * (2.x) / ECDSA / ECDH / ECMQV (1.x) Public Key (Recommended Curve and the encoded point, Q String).
 */
final class PublicForms {
    private PublicForms() {}

    static SubjectPublicKeyInfo decode(int format, TtlvItem material) throws KmipException {
        KeyFormatType f = Forms.known(format);
        try {
            switch (f) {
                case X_509:
                    return SubjectPublicKeyInfo.getInstance(Forms.bytes(material, f));
                case PKCS_1:
                    return rsa(RSAPublicKey.getInstance(Forms.bytes(material, f)));
                case TRANSPARENT_RSA_PUBLIC_KEY:
                    return rsa(new RSAPublicKey(Forms.big(material, Tag.MODULUS), Forms.big(material, Tag.PUBLIC_EXPONENT)));
                case TRANSPARENT_EC_PUBLIC_KEY:
                case TRANSPARENT_ECDSA_PUBLIC_KEY:
                case TRANSPARENT_ECDH_PUBLIC_KEY:
                case TRANSPARENT_ECMQV_PUBLIC_KEY: {
                    ASN1ObjectIdentifier curve = Curves.oid(Forms.field(material, Tag.RECOMMENDED_CURVE, ItemType.ENUMERATION).enumValue());
                    byte[] q = Forms.field(material, Tag.Q_STRING, ItemType.BYTE_STRING).bytesValue();
                    return new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), q);
                }
                case TRANSPARENT_DSA_PUBLIC_KEY:
                    return new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_dsa,
                            new DSAParameter(Forms.big(material, Tag.P), Forms.big(material, Tag.Q), Forms.big(material, Tag.G))),
                            new ASN1Integer(Forms.big(material, Tag.Y)));
                case TRANSPARENT_DH_PUBLIC_KEY:
                    return new SubjectPublicKeyInfo(PrivateForms.dhAlgorithm(material), new ASN1Integer(Forms.big(material, Tag.Y)));
                default:
                    throw Forms.notSupported("a Public Key", format);
            }
        } catch (IllegalArgumentException | ClassCastException | java.io.IOException e) {
            throw Forms.malformed(f);
        }
    }

    static TtlvItem encode(int format, SubjectPublicKeyInfo info) throws KmipException {
        KeyFormatType f = Forms.known(format);
        ASN1ObjectIdentifier alg = info.getAlgorithm().getAlgorithm();
        try {
            switch (f) {
                case X_509:
                    return Forms.material(info);
                case PKCS_1:
                    require(alg, PKCSObjectIdentifiers.rsaEncryption, f);
                    return Forms.material(RSAPublicKey.getInstance(info.parsePublicKey()));
                case TRANSPARENT_RSA_PUBLIC_KEY: {
                    require(alg, PKCSObjectIdentifiers.rsaEncryption, f);
                    RSAPublicKey k = RSAPublicKey.getInstance(info.parsePublicKey());
                    return TtlvItem.structure(Tag.KEY_MATERIAL, TtlvItem.bigInteger(Tag.MODULUS, k.getModulus()),
                            TtlvItem.bigInteger(Tag.PUBLIC_EXPONENT, k.getPublicExponent()));
                }
                case TRANSPARENT_EC_PUBLIC_KEY:
                case TRANSPARENT_ECDSA_PUBLIC_KEY:
                case TRANSPARENT_ECDH_PUBLIC_KEY:
                case TRANSPARENT_ECMQV_PUBLIC_KEY: {
                    require(alg, X9ObjectIdentifiers.id_ecPublicKey, f);
                    ASN1ObjectIdentifier curve = Forms.namedCurve(info.getAlgorithm());
                    return TtlvItem.structure(Tag.KEY_MATERIAL, TtlvItem.enumeration(Tag.RECOMMENDED_CURVE, Curves.curve(curve).value()),
                            TtlvItem.bytes(Tag.Q_STRING, info.getPublicKeyData().getOctets()));
                }
                case TRANSPARENT_DSA_PUBLIC_KEY: {
                    require(alg, X9ObjectIdentifiers.id_dsa, f);
                    DSAParameter p = DSAParameter.getInstance(info.getAlgorithm().getParameters());
                    return TtlvItem.structure(Tag.KEY_MATERIAL, TtlvItem.bigInteger(Tag.P, p.getP()),
                            TtlvItem.bigInteger(Tag.Q, p.getQ()), TtlvItem.bigInteger(Tag.G, p.getG()),
                            TtlvItem.bigInteger(Tag.Y, ASN1Integer.getInstance(info.parsePublicKey()).getValue()));
                }
                case TRANSPARENT_DH_PUBLIC_KEY: {
                    List<TtlvItem> c = PrivateForms.dhParameters(info.getAlgorithm(), f);
                    c.add(TtlvItem.bigInteger(Tag.Y, ASN1Integer.getInstance(info.parsePublicKey()).getValue()));
                    return TtlvItem.structure(Tag.KEY_MATERIAL, c);
                }
                default:
                    throw Forms.notSupported("a Public Key", format);
            }
        } catch (IllegalArgumentException | ClassCastException | java.io.IOException e) {
            throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "the stored public key cannot be encoded as " + f.specName());
        }
    }

    private static SubjectPublicKeyInfo rsa(RSAPublicKey key) throws java.io.IOException {
        return new SubjectPublicKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), key);
    }

    private static void require(ASN1ObjectIdentifier have, ASN1ObjectIdentifier wanted, KeyFormatType f) throws KmipException {
        if (!have.equals(wanted)) {
            throw new KmipException(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED, "a " + Forms.algorithmName(have)
                    + " public key cannot be returned as " + f.specName());
        }
    }
}
