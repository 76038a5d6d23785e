package io.keyhold.testkit.load;

import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.message.MessageEncoder;
import io.keyhold.protocol.message.RequestBatchItem;
import io.keyhold.protocol.message.RequestHeader;
import io.keyhold.protocol.message.RequestMessage;
import io.keyhold.protocol.spec.BlockCipherMode;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.CryptographicUsageMask;
import io.keyhold.protocol.spec.HashingAlgorithm;
import io.keyhold.protocol.spec.KeyFormatType;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.NameType;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.PaddingMethod;
import io.keyhold.protocol.spec.QueryFunction;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.ResultStatus;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Encodes the load tool's requests (Create of an AES-256 key, Create Key Pair, Activate, Get, Get Attributes,
 * Locate, Register, Encrypt, Sign) and checks responses; the in-process benchmarks of the request path use them
 * too.
 */
public final class KmipRequests {
    private KmipRequests() {}

    /** The key pairs the sign operations use. */
    public enum KeyPairKind {
        /** NIST P-256 (Cryptographic Algorithm EC, length 256), signed with ECDSA and SHA-256. */
        EC_P256(CryptographicAlgorithm.EC, 256),
        /** RSA-2048, signed with SHA-256 and PKCS#1 v1.5 padding. */
        RSA_2048(CryptographicAlgorithm.RSA, 2048);

        final CryptographicAlgorithm algorithm;
        final int length;

        KeyPairKind(CryptographicAlgorithm algorithm, int length) {
            this.algorithm = algorithm;
            this.length = length;
        }
    }

    /** The AES modes the encrypt operation uses. */
    public enum CipherMode {
        /** AES-GCM with a 96-bit IV and a 128-bit tag (the tag fields need KMIP 1.4). */
        GCM(12),
        /** AES-CBC with PKCS#5 padding and a 128-bit IV. */
        CBC(16);

        final int ivBytes;

        CipherMode(int ivBytes) {
            this.ivBytes = ivBytes;
        }
    }

    /** A Create of one AES-256 symmetric key (usage Encrypt|Decrypt), 1.x Template-Attribute or 2.x Attributes. */
    public static byte[] createAes256(KmipVersion version) {
        return createAes256(version, null);
    }

    /**
     * A Create of one AES-256 symmetric key (usage Encrypt|Decrypt) that also carries a Name of type
     * Uninterpreted Text String when {@code name} is not null (KMIP 1.4 section 3.2, 2.1 section 4.37).
     */
    public static byte[] createAes256(KmipVersion version, String name) {
        List<KmipAttribute> attributes = new ArrayList<>(List.of(
                KmipAttribute.of(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.AES.value())),
                KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, 256)),
                KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK,
                        CryptographicUsageMask.maskOf(CryptographicUsageMask.ENCRYPT, CryptographicUsageMask.DECRYPT)))));
        if (name != null) {
            attributes.add(KmipAttribute.of(name(name)));
        }
        TtlvItem payload = TtlvItem.structure(Tag.REQUEST_PAYLOAD,
                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                attributes(version, attributes, Tag.TEMPLATE_ATTRIBUTE, Tag.ATTRIBUTES));
        return encode(version, Operation.CREATE, payload);
    }

    /**
     * A Create Key Pair: algorithm and length common to both keys, usage Sign on the private key and Verify
     * on the public key (1.x Common/Private/Public Key Template-Attribute, 2.x the three Attributes).
     */
    public static byte[] createSigningKeyPair(KmipVersion version, KeyPairKind kind) {
        // EC is a KMIP 1.2 value; earlier versions name the P-256 key pair ECDSA
        CryptographicAlgorithm algorithm = kind == KeyPairKind.EC_P256 && !version.isAtLeast(KmipVersion.V1_2)
                ? CryptographicAlgorithm.ECDSA : kind.algorithm;
        List<KmipAttribute> common = List.of(
                KmipAttribute.of(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, algorithm.value())),
                KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, kind.length)));
        List<KmipAttribute> privateKey = List.of(KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK,
                CryptographicUsageMask.maskOf(CryptographicUsageMask.SIGN))));
        List<KmipAttribute> publicKey = List.of(KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK,
                CryptographicUsageMask.maskOf(CryptographicUsageMask.VERIFY))));
        TtlvItem payload = TtlvItem.structure(Tag.REQUEST_PAYLOAD,
                attributes(version, common, Tag.COMMON_TEMPLATE_ATTRIBUTE, Tag.COMMON_ATTRIBUTES),
                attributes(version, privateKey, Tag.PRIVATE_KEY_TEMPLATE_ATTRIBUTE, Tag.PRIVATE_KEY_ATTRIBUTES),
                attributes(version, publicKey, Tag.PUBLIC_KEY_TEMPLATE_ATTRIBUTE, Tag.PUBLIC_KEY_ATTRIBUTES));
        return encode(version, Operation.CREATE_KEY_PAIR, payload);
    }

    /** An Activate of the object with the given Unique Identifier. */
    public static byte[] activate(KmipVersion version, String uniqueIdentifier) {
        TtlvItem payload = TtlvItem.structure(Tag.REQUEST_PAYLOAD, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uniqueIdentifier));
        return encode(version, Operation.ACTIVATE, payload);
    }

    /**
     * An Encrypt of data with the AES key, in the given mode with the client's IV (GCM: Tag Length 16;
     * CBC: PKCS5 padding).
     *
     * @throws IllegalArgumentException when the IV does not have the mode's length
     */
    public static byte[] encrypt(KmipVersion version, String uniqueIdentifier, CipherMode mode, byte[] iv, byte[] data) {
        if (iv.length != mode.ivBytes) {
            throw new IllegalArgumentException(mode + " takes a " + mode.ivBytes + "-byte IV, not " + iv.length);
        }
        List<TtlvItem> parameters = new ArrayList<>();
        parameters.add(TtlvItem.enumeration(Tag.BLOCK_CIPHER_MODE,
                (mode == CipherMode.GCM ? BlockCipherMode.GCM : BlockCipherMode.CBC).value()));
        if (mode == CipherMode.CBC) {
            parameters.add(TtlvItem.enumeration(Tag.PADDING_METHOD, PaddingMethod.PKCS5.value()));
        }
        parameters.add(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.AES.value()));
        if (mode == CipherMode.GCM) {
            parameters.add(TtlvItem.integer(Tag.TAG_LENGTH, 16));
        }
        TtlvItem payload = TtlvItem.structure(Tag.REQUEST_PAYLOAD,
                TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uniqueIdentifier),
                TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS, parameters),
                TtlvItem.bytes(Tag.DATA, data),
                TtlvItem.bytes(Tag.IV_COUNTER_NONCE, iv));
        return encode(version, Operation.ENCRYPT, payload);
    }

    /**
     * A Sign of data with the private key: SHA-256 with ECDSA (EC_P256) or with RSA and PKCS#1 v1.5
     * padding (RSA_2048), given as Cryptographic Algorithm + Hashing Algorithm (+ Padding Method), which
     * every version from 1.2 reads.
     */
    public static byte[] sign(KmipVersion version, String privateKeyIdentifier, KeyPairKind kind, byte[] data) {
        List<TtlvItem> parameters = new ArrayList<>();
        if (kind == KeyPairKind.RSA_2048) {
            parameters.add(TtlvItem.enumeration(Tag.PADDING_METHOD, PaddingMethod.PKCS1_V1_5.value()));
        }
        parameters.add(TtlvItem.enumeration(Tag.HASHING_ALGORITHM, HashingAlgorithm.SHA_256.value()));
        parameters.add(TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM,
                (kind == KeyPairKind.RSA_2048 ? CryptographicAlgorithm.RSA : CryptographicAlgorithm.ECDSA).value()));
        TtlvItem payload = TtlvItem.structure(Tag.REQUEST_PAYLOAD,
                TtlvItem.text(Tag.UNIQUE_IDENTIFIER, privateKeyIdentifier),
                TtlvItem.structure(Tag.CRYPTOGRAPHIC_PARAMETERS, parameters),
                TtlvItem.bytes(Tag.DATA, data));
        return encode(version, Operation.SIGN, payload);
    }

    private static TtlvItem attributes(KmipVersion version, List<KmipAttribute> attributes, int oneTag, int twoTag) {
        return version.isTwoOrLater()
                ? AttributeMapping.toAttributes(twoTag, attributes)
                : AttributeMapping.toTemplateAttribute(oneTag, attributes);
    }

    /** The Name attribute value: Name Value and Name Type Uninterpreted Text String. */
    private static TtlvItem name(String name) {
        return TtlvItem.structure(Tag.NAME,
                TtlvItem.text(Tag.NAME_VALUE, name),
                TtlvItem.enumeration(Tag.NAME_TYPE, NameType.UNINTERPRETED_TEXT_STRING.value()));
    }

    /**
     * A Locate of the objects with the given Name (KMIP 1.4 section 4.9: Attribute items in the payload;
     * 2.x section 6.1.27: an Attributes structure holding the Name).
     */
    public static byte[] locateByName(KmipVersion version, String name) {
        KmipAttribute attribute = KmipAttribute.of(name(name));
        TtlvItem filter = version.isTwoOrLater()
                ? AttributeMapping.toAttributes(Tag.ATTRIBUTES, List.of(attribute))
                : AttributeMapping.toAttribute(attribute);
        return encode(version, Operation.LOCATE, TtlvItem.structure(Tag.REQUEST_PAYLOAD, filter));
    }

    /** A Get Attributes of every attribute of the object with the given Unique Identifier (no names listed). */
    public static byte[] getAttributes(KmipVersion version, String uniqueIdentifier) {
        TtlvItem payload = TtlvItem.structure(Tag.REQUEST_PAYLOAD, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uniqueIdentifier));
        return encode(version, Operation.GET_ATTRIBUTES, payload);
    }

    /**
     * A Register of an AES symmetric key given as Raw key material (Key Block with Cryptographic Algorithm AES
     * and its length in bits), usage Encrypt|Decrypt in a 1.x Template-Attribute or 2.x Attributes.
     *
     * @throws IllegalArgumentException when the key is not 16, 24 or 32 bytes
     */
    public static byte[] registerAes(KmipVersion version, byte[] key) {
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new IllegalArgumentException("an AES key has 16, 24 or 32 bytes, not " + key.length);
        }
        TtlvItem keyBlock = TtlvItem.structure(Tag.KEY_BLOCK,
                TtlvItem.enumeration(Tag.KEY_FORMAT_TYPE, KeyFormatType.RAW.value()),
                TtlvItem.structure(Tag.KEY_VALUE, TtlvItem.bytes(Tag.KEY_MATERIAL, key)),
                TtlvItem.enumeration(Tag.CRYPTOGRAPHIC_ALGORITHM, CryptographicAlgorithm.AES.value()),
                TtlvItem.integer(Tag.CRYPTOGRAPHIC_LENGTH, key.length * 8));
        List<KmipAttribute> attributes = List.of(KmipAttribute.of(TtlvItem.integer(Tag.CRYPTOGRAPHIC_USAGE_MASK,
                CryptographicUsageMask.maskOf(CryptographicUsageMask.ENCRYPT, CryptographicUsageMask.DECRYPT))));
        TtlvItem payload = TtlvItem.structure(Tag.REQUEST_PAYLOAD,
                TtlvItem.enumeration(Tag.OBJECT_TYPE, ObjectType.SYMMETRIC_KEY.value()),
                attributes(version, attributes, Tag.TEMPLATE_ATTRIBUTE, Tag.ATTRIBUTES),
                TtlvItem.structure(Tag.SYMMETRIC_KEY, keyBlock));
        return encode(version, Operation.REGISTER, payload);
    }

    /** A Get of the object with the given Unique Identifier, in the server's default format. */
    public static byte[] get(KmipVersion version, String uniqueIdentifier) {
        TtlvItem payload = TtlvItem.structure(Tag.REQUEST_PAYLOAD, TtlvItem.text(Tag.UNIQUE_IDENTIFIER, uniqueIdentifier));
        return encode(version, Operation.GET, payload);
    }

    /**
     * The cheapest request that proves a connection works: Discover Versions with no Protocol Version, which
     * asks for all the server supports (KMIP 1.1 section 4.26), or from KMIP 1.0, which has no Discover
     * Versions, Query of Query Operations (KMIP 1.0 section 4.24).
     */
    public static byte[] discoverVersions(KmipVersion version) {
        if (!version.isAtLeast(KmipVersion.V1_1)) {
            TtlvItem payload = TtlvItem.structure(Tag.REQUEST_PAYLOAD,
                    TtlvItem.enumeration(Tag.QUERY_FUNCTION, QueryFunction.QUERY_OPERATIONS.value()));
            return encode(version, Operation.QUERY, payload);
        }
        return encode(version, Operation.DISCOVER_VERSIONS, TtlvItem.structure(Tag.REQUEST_PAYLOAD));
    }

    private static byte[] encode(KmipVersion version, Operation op, TtlvItem payload) {
        RequestMessage m = new RequestMessage(RequestHeader.of(version, 1), List.of(RequestBatchItem.of(op, payload)));
        try {
            return new MessageEncoder().encode(m);
        } catch (CodecException e) {
            throw new IllegalStateException(op.specName() + " request does not fit KMIP " + version + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks a response to a one-item request: returns empty when its batch item succeeded, else a short
     * description (Result Status, Result Reason, Result Message) of why not.
     */
    public static Optional<String> failure(TtlvItem response) {
        if (response.tag() != Tag.RESPONSE_MESSAGE) {
            return Optional.of("not a Response Message (tag " + response.tagHex() + ")");
        }
        List<TtlvItem> items = response.childrenWith(Tag.BATCH_ITEM);
        if (items.size() != 1) {
            return Optional.of("expected 1 Batch Item, got " + items.size());
        }
        TtlvItem item = items.get(0);
        Optional<TtlvItem> status = item.child(Tag.RESULT_STATUS);
        if (status.isEmpty()) {
            return Optional.of("Batch Item without Result Status");
        }
        if (status.get().enumValue() == ResultStatus.SUCCESS.value()) {
            return Optional.empty();
        }
        StringBuilder sb = new StringBuilder(ResultStatus.fromValue(status.get().enumValue())
                .map(ResultStatus::specName).orElse("Result Status " + status.get().enumValue()));
        item.child(Tag.RESULT_REASON).ifPresent(r -> sb.append(": ").append(ResultReason.fromValue(r.enumValue())
                .map(ResultReason::specName).orElse("Result Reason " + r.enumValue())));
        item.child(Tag.RESULT_MESSAGE).ifPresent(r -> sb.append(" (").append(r.textValue()).append(')'));
        return Optional.of(sb.toString());
    }

    /** The Unique Identifier in the payload of a successful response. */
    public static Optional<String> uniqueIdentifier(TtlvItem response) {
        return response.child(Tag.BATCH_ITEM)
                .flatMap(i -> i.child(Tag.RESPONSE_PAYLOAD))
                .flatMap(p -> p.child(Tag.UNIQUE_IDENTIFIER))
                .map(TtlvItem::textValue);
    }

    /** The Private Key Unique Identifier in the payload of a successful Create Key Pair response. */
    public static Optional<String> privateKeyUniqueIdentifier(TtlvItem response) {
        return response.child(Tag.BATCH_ITEM)
                .flatMap(i -> i.child(Tag.RESPONSE_PAYLOAD))
                .flatMap(p -> p.child(Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER))
                .map(TtlvItem::textValue);
    }
}
