package io.keyhold.server.crypto.format;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;

/**
 * Key Format Type conversion of KMIP managed objects (KMIP 1.4 section 2.1.3 and 9.1.3.2.3, 2.1 section
 * 2.1.3). A Symmetric Key converts between Raw and Transparent Symmetric Key; a Private Key between
 * PKCS#8, PKCS#1 (RSA), ECPrivateKey (SEC 1, EC) and the Transparent RSA / EC / ECDSA / ECDH / ECMQV / DSA
 * / DH Private Key structures; a Public Key between X.509 SubjectPublicKeyInfo, PKCS#1 (RSA) and the
 * matching Transparent Public Key structures. Every other pair — a Symmetric Key as PKCS#8, a Public Key as
 * Raw, an EC key as PKCS#1, a curve KMIP has no Recommended Curve for — is Key Format Type Not Supported.
 *
 * <p>Conversions go through one canonical form per object type (PKCS#8 PrivateKeyInfo, X.509
 * SubjectPublicKeyInfo) using BouncyCastle's ASN.1 classes; no provider is installed.
 */
public final class KeyFormats {
    private KeyFormats() {}

    /**
     * The object structure with its Key Block in the wanted Key Format Type; the object itself when it is
     * already in that format. Everything else in the Key Block (algorithm, length, Key Value attributes) is kept.
     *
     * @throws KmipException Key Format Type Not Supported when the object cannot be expressed in the format
     */
    public static TtlvItem convert(TtlvItem object, int wantedFormat) throws KmipException {
        TtlvItem block = object.child(Tag.KEY_BLOCK).orElseThrow(() -> new KmipException(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED,
                "this object has no Key Block to return in Key Format Type " + Forms.name(wantedFormat)));
        int have = format(block);
        if (have == wantedFormat) {
            return object;
        }
        if (block.child(Tag.KEY_WRAPPING_DATA).isPresent()) {
            throw new KmipException(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED, "a wrapped key is returned only in the format"
                    + " it was wrapped in (" + Forms.name(have) + ")");
        }
        TtlvItem material = material(block);
        TtlvItem converted;
        if (object.tag() == Tag.PRIVATE_KEY) {
            converted = PrivateForms.encode(wantedFormat, PrivateForms.decode(have, material));
        } else if (object.tag() == Tag.PUBLIC_KEY) {
            converted = PublicForms.encode(wantedFormat, PublicForms.decode(have, material));
        } else if (object.tag() == Tag.SYMMETRIC_KEY && isSymmetric(have) && isSymmetric(wantedFormat)) {
            byte[] secret = have == KeyFormatType.RAW.value() ? Forms.bytes(material, KeyFormatType.RAW)
                    : Forms.field(material, Tag.KEY, ItemType.BYTE_STRING).bytesValue();
            converted = wantedFormat == KeyFormatType.RAW.value() ? TtlvItem.bytes(Tag.KEY_MATERIAL, secret)
                    : TtlvItem.structure(Tag.KEY_MATERIAL, TtlvItem.bytes(Tag.KEY, secret));
        } else {
            throw new KmipException(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED, "this object is kept in Key Format Type "
                    + Forms.name(have) + " and cannot be returned as " + Forms.name(wantedFormat));
        }
        return replaceMaterial(object, wantedFormat, converted);
    }

    /** The private key of a Private Key's Key Block, in any format this class reads, as PKCS#8 DER. */
    public static byte[] privateKeyInfo(TtlvItem keyBlock) throws KmipException {
        try {
            return PrivateForms.decode(format(keyBlock), material(keyBlock)).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "the private key cannot be encoded");
        }
    }

    /** The public key of a Public Key's Key Block, in any format this class reads, as X.509 SubjectPublicKeyInfo DER. */
    public static byte[] subjectPublicKeyInfo(TtlvItem keyBlock) throws KmipException {
        try {
            return PublicForms.decode(format(keyBlock), material(keyBlock)).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new KmipException(ResultReason.CRYPTOGRAPHIC_FAILURE, "the public key cannot be encoded");
        }
    }

    private static boolean isSymmetric(int format) {
        return format == KeyFormatType.RAW.value() || format == KeyFormatType.TRANSPARENT_SYMMETRIC_KEY.value();
    }

    static int format(TtlvItem block) throws KmipException {
        TtlvItem f = block.child(Tag.KEY_FORMAT_TYPE).orElseThrow(() -> new KmipException(ResultReason.INVALID_FIELD,
                "the Key Block has no Key Format Type"));
        return f.enumValue();
    }

    static TtlvItem material(TtlvItem block) throws KmipException {
        if (block.child(Tag.KEY_WRAPPING_DATA).isPresent()) {
            throw new KmipException(ResultReason.KEY_VALUE_NOT_PRESENT, "the key is stored wrapped");
        }
        TtlvItem value = block.child(Tag.KEY_VALUE).orElseThrow(() -> new KmipException(ResultReason.KEY_VALUE_NOT_PRESENT,
                "the Key Block has no Key Value"));
        if (!value.isStructure()) {
            throw new KmipException(ResultReason.KEY_VALUE_NOT_PRESENT, "the key is stored wrapped");
        }
        return value.child(Tag.KEY_MATERIAL).orElseThrow(() -> new KmipException(ResultReason.KEY_VALUE_NOT_PRESENT,
                "the Key Value has no Key Material"));
    }

    /** The object with its Key Format Type and Key Material replaced, the rest kept in place. */
    private static TtlvItem replaceMaterial(TtlvItem object, int format, TtlvItem newMaterial) {
        List<TtlvItem> objectChildren = new ArrayList<>();
        for (TtlvItem c : object.children()) {
            if (c.tag() != Tag.KEY_BLOCK) {
                objectChildren.add(c);
                continue;
            }
            List<TtlvItem> blockChildren = new ArrayList<>();
            for (TtlvItem b : c.children()) {
                if (b.tag() == Tag.KEY_FORMAT_TYPE) {
                    blockChildren.add(TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, format));
                } else if (b.tag() == Tag.KEY_VALUE) {
                    List<TtlvItem> valueChildren = new ArrayList<>();
                    for (TtlvItem v : b.children()) {
                        valueChildren.add(v.tag() == Tag.KEY_MATERIAL ? newMaterial : v);
                    }
                    blockChildren.add(TtlvItem.structure(Tag.KEY_VALUE, valueChildren));
                } else {
                    blockChildren.add(b);
                }
            }
            objectChildren.add(TtlvItem.structure(Tag.KEY_BLOCK, blockChildren));
        }
        return TtlvItem.structure(object.tag(), objectChildren);
    }
}
