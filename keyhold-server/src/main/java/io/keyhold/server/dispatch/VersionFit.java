package io.keyhold.server.dispatch;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.KmipVersion;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.VersionRules;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Whether a batch item's payload fits the protocol version of its message, checked once for every
 * operation instead of in each handler.
 *
 * <p>Requests: an enumeration value or mask bit that the request's version does not define (a KMIP 2.0
 * Cryptographic Algorithm in a 1.4 Create, a 2.1 Cryptographic Usage Mask bit in a 2.0 Register) is
 * refused before the handler runs, so nothing is stored that the client could not read back in its own
 * version. Only values the spec table places in another version are refused: values no version knows
 * and extension values (8XXXXXXX) stay the handlers' concern, so vendor extensions keep working. Tags and
 * item types of another version are not refused here: a handler reads only the fields of its version,
 * and whatever else a client sends and gets stored is dealt with on the way out, below.
 *
 * <p>Responses: a handler's answer that still holds such a value comes from a stored object made in a
 * newer version (a GOST key created in 2.1 and read with a 1.4 Get). The specification lets neither Get
 * drop a Key Block's Cryptographic Algorithm nor the server send a value the client's version lacks, so
 * the item fails with a reason the client can read (Illegal Operation in 1.x, Feature Not Supported in
 * 2.x) naming the value, rather than the whole response failing to encode; so does an answer holding a
 * tag or item type the version lacks. Get Attributes, Get Attribute
 * List and Export leave such attributes out instead ({@code AttributeRules.visibleIn}), as a 1.x server
 * leaves out attributes it does not know.
 */
final class VersionFit {
    private final VersionRules rules;

    VersionFit(VersionRules rules) {
        this.rules = rules;
    }

    /**
     * Refuses a request payload holding a value the version does not define: Invalid Field in 1.x;
     * Invalid Attribute Value in 2.x when it is an attribute's value, Invalid Field otherwise.
     */
    void requireRequestWithin(TtlvItem payload, KmipVersion version) throws KmipException {
        Optional<VersionRules.Finding> f = first(payload, version, k -> k == VersionRules.Kind.VALUE_NOT_IN_VERSION);
        if (f.isPresent()) {
            boolean attribute = version.isTwoOrLater() && isAttributeValue(f.get().path());
            throw new KmipException(attribute ? ResultReason.INVALID_ATTRIBUTE_VALUE : ResultReason.INVALID_FIELD,
                    f.get().message() + ", not in KMIP " + version + " (" + f.get().path() + ")");
        }
    }

    /** The failure to answer instead of a response payload holding a value the version does not define. */
    Optional<KmipException> responseOutside(TtlvItem payload, KmipVersion version) {
        return first(payload, version, VersionRules.Kind::isOutsideVersion).map(f -> new KmipException(
                version.isTwoOrLater() ? ResultReason.FEATURE_NOT_SUPPORTED : ResultReason.ILLEGAL_OPERATION,
                "the object cannot be returned in KMIP " + version + ": " + f.message() + " (" + f.path() + ")"));
    }

    private Optional<VersionRules.Finding> first(TtlvItem payload, KmipVersion version, Predicate<VersionRules.Kind> kind) {
        if (payload == null) {
            return Optional.empty();
        }
        return rules.check(payload, version).stream()
                .filter(f -> kind.test(f.kind()))
                .findFirst();
    }

    private static boolean isAttributeValue(String path) {
        return path.contains("/Attributes/") || path.contains("/Attribute/") || path.contains("/New Attribute/")
                || path.contains("/Current Attribute/") || path.contains("/Common Attributes/")
                || path.contains("/Private Key Attributes/") || path.contains("/Public Key Attributes/");
    }
}
