package io.keyhold.server.crypto.wrap;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.EncodingOption;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.WrappingMethod;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A validated Key Wrapping Specification (KMIP 1.4 section 2.1.6, 2.1 section 2.1.7): the Wrapping Method
 * (Encrypt, MAC/sign, or Encrypt then MAC/sign), the Encryption Key Information and/or the MAC/Signature Key
 * Information (Unique Identifier and optional Cryptographic Parameters each), the names of the attributes to
 * wrap with the key, and the Encoding Option (TTLV Encoding when absent). MAC/sign then encrypt and TR-31 are
 * not supported.
 */
public final class WrappingSpecification {
    /** Wrapping Method values (KMIP 1.4 section 9.1.3.2.4). */
    static final int ENCRYPT = 1;
    static final int MAC_SIGN = 2;
    static final int ENCRYPT_THEN_MAC_SIGN = 3;
    static final int MAC_SIGN_THEN_ENCRYPT = 4;
    static final int TR_31 = 5;

    private final int method;
    private final String keyIdentifier;
    private final Optional<TtlvItem> cryptographicParameters;
    private final String macKeyIdentifier;
    private final Optional<TtlvItem> macParameters;
    private final List<String> attributeNames;
    private final int encodingOption;
    private final boolean encodingGiven;

    private WrappingSpecification(int method, String keyIdentifier, Optional<TtlvItem> cryptographicParameters,
                                  String macKeyIdentifier, Optional<TtlvItem> macParameters, List<String> attributeNames,
                                  int encodingOption, boolean encodingGiven) {
        this.method = method;
        this.keyIdentifier = keyIdentifier;
        this.cryptographicParameters = cryptographicParameters;
        this.macKeyIdentifier = macKeyIdentifier;
        this.macParameters = macParameters;
        this.attributeNames = List.copyOf(attributeNames);
        this.encodingOption = encodingOption;
        this.encodingGiven = encodingGiven;
    }

    /**
     * Reads a Key Wrapping Specification structure.
     *
     * @throws KmipException Missing Data without Wrapping Method or the key information the method needs; Invalid
     *                       Field for key information the method does not use; Feature Not Supported for MAC/sign
     *                       then encrypt and TR-31; Encoding Option Error for attributes with No Encoding
     */
    public static WrappingSpecification from(TtlvItem spec) throws KmipException {
        int method = one(spec, Tag.WRAPPING_METHOD, ItemType.ENUMERATION).orElseThrow(() -> new KmipException(
                ResultReason.MISSING_DATA, "Key Wrapping Specification: Wrapping Method is missing")).enumValue();
        requireSupported(method);
        boolean encrypts = method != MAC_SIGN;
        boolean signs = method != ENCRYPT;
        Optional<TtlvItem> encryptionInfo = one(spec, Tag.ENCRYPTION_KEY_INFORMATION, ItemType.STRUCTURE);
        Optional<TtlvItem> macInfo = one(spec, Tag.MAC_SIGNATURE_KEY_INFORMATION, ItemType.STRUCTURE);
        String uid = null;
        Optional<TtlvItem> parameters = Optional.empty();
        if (encrypts) {
            TtlvItem info = encryptionInfo.orElseThrow(() -> new KmipException(ResultReason.MISSING_DATA,
                    "Key Wrapping Specification: Encryption Key Information is missing (Wrapping Method " + methodName(method) + ")"));
            uid = one(info, Tag.UNIQUE_IDENTIFIER, ItemType.TEXT_STRING).orElseThrow(() -> new KmipException(
                    ResultReason.MISSING_DATA, "Encryption Key Information: Unique Identifier is missing")).textValue();
            parameters = one(info, Tag.CRYPTOGRAPHIC_PARAMETERS, ItemType.STRUCTURE);
        } else if (encryptionInfo.isPresent()) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Wrapping Method MAC/sign does not encrypt: remove the Encryption"
                    + " Key Information, or use Encrypt then MAC/sign");
        }
        String macUid = null;
        Optional<TtlvItem> macParameters = Optional.empty();
        if (signs) {
            TtlvItem info = macInfo.orElseThrow(() -> new KmipException(ResultReason.MISSING_DATA,
                    "Key Wrapping Specification: MAC/Signature Key Information is missing (Wrapping Method " + methodName(method) + ")"));
            macUid = one(info, Tag.UNIQUE_IDENTIFIER, ItemType.TEXT_STRING).orElseThrow(() -> new KmipException(
                    ResultReason.MISSING_DATA, "MAC/Signature Key Information: Unique Identifier is missing")).textValue();
            macParameters = one(info, Tag.CRYPTOGRAPHIC_PARAMETERS, ItemType.STRUCTURE);
        } else if (macInfo.isPresent()) {
            throw new KmipException(ResultReason.INVALID_FIELD, "Wrapping Method Encrypt does not MAC or sign: remove the"
                    + " MAC/Signature Key Information, or use Encrypt then MAC/sign");
        }
        List<String> names = new ArrayList<>();
        for (TtlvItem n : spec.childrenWith(Tag.ATTRIBUTE_NAME)) {
            if (n.type() != ItemType.TEXT_STRING) {
                throw new KmipException(ResultReason.INVALID_MESSAGE, "Attribute Name must be a Text String");
            }
            names.add(n.textValue());
        }
        Optional<TtlvItem> given = one(spec, Tag.ENCODING_OPTION, ItemType.ENUMERATION);
        int encoding = given.map(TtlvItem::enumValue).orElse(EncodingOption.TTLV_ENCODING.value());
        if (encoding != EncodingOption.TTLV_ENCODING.value() && encoding != EncodingOption.NO_ENCODING.value()) {
            throw new KmipException(ResultReason.ENCODING_OPTION_ERROR, "Encoding Option 0x" + Integer.toHexString(encoding)
                    + " is not supported");
        }
        if (encoding == EncodingOption.NO_ENCODING.value() && !names.isEmpty()) {
            throw new KmipException(ResultReason.ENCODING_OPTION_ERROR, "attributes can only be wrapped with TTLV Encoding;"
                    + " No Encoding wraps the Key Material alone");
        }
        return new WrappingSpecification(method, uid, parameters, macUid, macParameters, names, encoding, given.isPresent());
    }

    /** Feature Not Supported for the Wrapping Methods this server does not implement. */
    static void requireSupported(int method) throws KmipException {
        if (method == MAC_SIGN_THEN_ENCRYPT || method == TR_31) {
            throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "Wrapping Method " + methodName(method)
                    + " is not supported (supported: Encrypt, MAC/sign, Encrypt then MAC/sign)");
        }
        if (method != ENCRYPT && method != MAC_SIGN && method != ENCRYPT_THEN_MAC_SIGN) {
            throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "Wrapping Method " + methodName(method)
                    + " is not supported (supported: Encrypt, MAC/sign, Encrypt then MAC/sign)");
        }
    }

    static String methodName(int method) {
        return WrappingMethod.fromValue(method).map(WrappingMethod::specName).orElse("0x" + Integer.toHexString(method));
    }

    /** The Wrapping Method value: Encrypt (1), MAC/sign (2) or Encrypt then MAC/sign (3). */
    public int method() {
        return method;
    }

    /** Whether the Key Value is encrypted (Encrypt, Encrypt then MAC/sign). */
    public boolean encrypts() {
        return method != MAC_SIGN;
    }

    /** Whether a MAC or signature is added (MAC/sign, Encrypt then MAC/sign). */
    public boolean signs() {
        return method != ENCRYPT;
    }

    /** The Unique Identifier of the encryption key; null for MAC/sign. */
    public String keyIdentifier() {
        return keyIdentifier;
    }

    /** The Cryptographic Parameters of the Encryption Key Information. */
    public Optional<TtlvItem> cryptographicParameters() {
        return cryptographicParameters;
    }

    /** The Unique Identifier of the MAC or signing key; null for Encrypt. */
    public String macKeyIdentifier() {
        return macKeyIdentifier;
    }

    /** The Cryptographic Parameters of the MAC/Signature Key Information. */
    public Optional<TtlvItem> macParameters() {
        return macParameters;
    }

    /** The attributes to include in the Key Value before wrapping. */
    public List<String> attributeNames() {
        return attributeNames;
    }

    public int encodingOption() {
        return encodingOption;
    }

    /** Whether the client gave the Encoding Option (the Key Wrapping Data then repeats it). */
    public boolean encodingOptionGiven() {
        return encodingGiven;
    }

    public boolean ttlvEncoded() {
        return encodingOption == EncodingOption.TTLV_ENCODING.value();
    }

    static Optional<TtlvItem> one(TtlvItem parent, int tag, ItemType type) throws KmipException {
        List<TtlvItem> found = parent.childrenWith(tag);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        String name = SpecTable.get().tag(tag).map(t -> t.name()).orElse("field");
        if (found.size() > 1) {
            throw new KmipException(ResultReason.INVALID_MESSAGE, name + " appears " + found.size() + " times (expected: at most once)");
        }
        if (found.get(0).type() != type) {
            throw new KmipException(ResultReason.INVALID_MESSAGE, name + " is a " + found.get(0).type().xmlName()
                    + " (expected: " + type.xmlName() + ")");
        }
        return Optional.of(found.get(0));
    }

    @Override
    public String toString() {
        return "WrappingSpecification[method=" + method + ", key=" + keyIdentifier + ", macKey=" + macKeyIdentifier + ", attributes=" + attributeNames + ", encoding=" + encodingOption + "]";
    }
}
