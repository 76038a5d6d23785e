package io.keyhold.protocol.ttlv;

import java.util.Optional;

/**
 * Supplies the item for a placeholder in a test vector: a value of the XML or JSON encodings that cannot
 * be parsed for its item type and starts with {@code $} ("$NOW", "$NOW-3600", "$SIGNATURE_DATA",
 * "$KEY_MATERIAL_1"). Text String values that start with {@code $} are text and never reach a resolver.
 */
@FunctionalInterface
public interface PlaceholderResolver {
    /** Never resolves anything: every placeholder is an error. */
    PlaceholderResolver NONE = (tag, type, placeholder) -> Optional.empty();

    /**
     * @param tag         the tag of the item that holds the placeholder
     * @param type        the item type it must have
     * @param placeholder the value as written, {@code $} included
     * @return an item of exactly this tag and type, or empty when the placeholder is unknown
     */
    Optional<TtlvItem> resolve(int tag, ItemType type, String placeholder);
}
