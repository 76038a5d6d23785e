package io.keyhold.server.crypto.format;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.io.IOException;
import java.math.BigInteger;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Object;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/** Small shared pieces of the format conversions: reading Key Material fields and DER encoding. */
final class Forms {
    private Forms() {}

    static KeyFormatType known(int format) throws KmipException {
        return KeyFormatType.fromValue(format).orElseThrow(() -> new KmipException(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED,
                "Key Format Type 0x" + Integer.toHexString(format) + " is not supported"));
    }

    static String name(int format) {
        return KeyFormatType.fromValue(format).map(KeyFormatType::specName).orElse("0x" + Integer.toHexString(format));
    }

    static byte[] bytes(TtlvItem material, KeyFormatType f) throws KmipException {
        if (material.type() != ItemType.BYTE_STRING) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Key Material in " + f.specName() + " must be a Byte String");
        }
        return material.bytesValue();
    }

    static TtlvItem field(TtlvItem material, int tag, ItemType type) throws KmipException {
        if (!material.isStructure()) {
            throw new KmipException(ResultReason.INVALID_FIELD, "transparent Key Material must be a Structure");
        }
        TtlvItem item = material.child(tag).orElseThrow(() -> new KmipException(ResultReason.INVALID_FIELD,
                "Key Material lacks " + io.keyhold.protocol.spec.SpecTable.get().tag(tag).map(t -> t.name()).orElse("a field")));
        if (item.type() != type) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Key Material field has the wrong item type");
        }
        return item;
    }

    static BigInteger big(TtlvItem material, int tag) throws KmipException {
        return field(material, tag, ItemType.BIG_INTEGER).bigIntegerValue();
    }

    static TtlvItem material(ASN1Object der) throws IOException {
        return TtlvItem.bytes(Tag.KEY_MATERIAL, der.getEncoded(ASN1Encoding.DER));
    }

    static ASN1ObjectIdentifier namedCurve(AlgorithmIdentifier alg) throws KmipException {
        ASN1Encodable params = alg.getParameters();
        if (!(params instanceof ASN1ObjectIdentifier)) {
            throw new KmipException(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED, "an EC key with explicit curve parameters"
                    + " cannot be converted");
        }
        return (ASN1ObjectIdentifier) params;
    }

    static String algorithmName(ASN1ObjectIdentifier oid) {
        if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            return "RSA";
        }
        if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            return "EC";
        }
        if (oid.equals(X9ObjectIdentifiers.id_dsa)) {
            return "DSA";
        }
        if (oid.equals(PKCSObjectIdentifiers.dhKeyAgreement) || oid.equals(X9ObjectIdentifiers.dhpublicnumber)) {
            return "DH";
        }
        return oid.getId();
    }

    static KmipException notSupported(String what, int format) {
        return new KmipException(ResultReason.KEY_FORMAT_TYPE_NOT_SUPPORTED, what + " cannot be kept or returned in Key Format Type "
                + name(format));
    }

    static KmipException malformed(KeyFormatType f) {
        return new KmipException(ResultReason.INVALID_FIELD, "the Key Material is not a valid " + f.specName() + " key");
    }
}
