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
 * A validated Key Wrapping Specification (KMIP 1.4 section 2.1.6, 2.1 section 2.1.7): Wrapping Method
 * Encrypt, the Encryption Key Information (Unique Identifier and optional Cryptographic Parameters), the
 * names of the attributes to wrap with the key, and the Encoding Option (TTLV Encoding when absent).
 * MAC/Signature wrapping is not supported.
 */
public final class WrappingSpecification {
    private final String keyIdentifier;
    private final Optional<TtlvItem> cryptographicParameters;
    private final List<String> attributeNames;
    private final int encodingOption;
    private final boolean encodingGiven;

    private WrappingSpecification(String keyIdentifier, Optional<TtlvItem> cryptographicParameters, List<String> attributeNames,
                                  int encodingOption, boolean encodingGiven) {
        this.keyIdentifier = keyIdentifier;
        this.cryptographicParameters = cryptographicParameters;
        this.attributeNames = List.copyOf(attributeNames);
        this.encodingOption = encodingOption;
        this.encodingGiven = encodingGiven;
    }

    /**
     * Reads a Key Wrapping Specification structure.
     *
     * @throws KmipException Missing Data without Wrapping Method or key information; Feature Not Supported
     *                       for MAC/Signature wrapping; Encoding Option Error for attributes with No Encoding
     */
    public static WrappingSpecification from(TtlvItem spec) throws KmipException {
        int method = one(spec, Tag.WRAPPING_METHOD, ItemType.ENUMERATION).orElseThrow(() -> new KmipException(
                ResultReason.MISSING_DATA, "Key Wrapping Specification: Wrapping Method is missing")).enumValue();
        if (method != WrappingMethod.ENCRYPT.value()) {
            throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "Wrapping Method "
                    + WrappingMethod.fromValue(method).map(WrappingMethod::specName).orElse("0x" + Integer.toHexString(method))
                    + " is not supported (only Encrypt)");
        }
        if (spec.child(Tag.MAC_SIGNATURE_KEY_INFORMATION).isPresent()) {
            throw new KmipException(ResultReason.FEATURE_NOT_SUPPORTED, "MAC/Signature Key Information is not supported"
                    + " (only Wrapping Method Encrypt)");
        }
        TtlvItem info = one(spec, Tag.ENCRYPTION_KEY_INFORMATION, ItemType.STRUCTURE).orElseThrow(() -> new KmipException(
                ResultReason.MISSING_DATA, "Key Wrapping Specification: Encryption Key Information is missing"));
        String uid = one(info, Tag.UNIQUE_IDENTIFIER, ItemType.TEXT_STRING).orElseThrow(() -> new KmipException(
                ResultReason.MISSING_DATA, "Encryption Key Information: Unique Identifier is missing")).textValue();
        Optional<TtlvItem> parameters = one(info, Tag.CRYPTOGRAPHIC_PARAMETERS, ItemType.STRUCTURE);
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
        return new WrappingSpecification(uid, parameters, names, encoding, given.isPresent());
    }

    /** The Unique Identifier of the wrapping key. */
    public String keyIdentifier() {
        return keyIdentifier;
    }

    public Optional<TtlvItem> cryptographicParameters() {
        return cryptographicParameters;
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
        return "WrappingSpecification[key=" + keyIdentifier + ", attributes=" + attributeNames + ", encoding=" + encodingOption + "]";
    }
}
