package io.keyhold.testkit.conformance;

import io.keyhold.protocol.ttlv.TtlvItem;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The placeholder values a vector file has bound so far ("$UNIQUE_IDENTIFIER_0" to the identifier the
 * server returned where the vector shows it first), and the identifiers of objects the server generated
 * (Create, Create Key Pair, ...), whose key bytes and cryptographic outputs are the server's own choice,
 * the server's values for such outputs where the vector shows the reference server's literally, and the
 * last value of each field in the responses ("$MAC_DATA" in a request is the MAC Data last returned).
 * Comparisons that may fail work on a {@link #copy()} and {@link #adopt(Bindings)} it on success, so a
 * failed trial match leaves nothing bound.
 */
final class Bindings {
    private final Map<String, TtlvItem> values;
    private final Set<String> generatedIds;
    /** Server-chosen bytes a vector shows literally, mapped to what this server chose instead. */
    private final Map<ByteBuffer, byte[]> replacedLiterals;
    /** The last value of each tag in the responses so far. */
    private final Map<Integer, TtlvItem> lastByTag;

    Bindings() {
        this(new HashMap<>(), new HashSet<>(), new HashMap<>(), new HashMap<>());
    }

    private Bindings(Map<String, TtlvItem> values, Set<String> generatedIds, Map<ByteBuffer, byte[]> replacedLiterals,
            Map<Integer, TtlvItem> lastByTag) {
        this.values = values;
        this.generatedIds = generatedIds;
        this.replacedLiterals = replacedLiterals;
        this.lastByTag = lastByTag;
    }

    /**
     * A value the vector shows literally but the server chose (a ciphertext under a generated key): later
     * requests that send the vector's value back send this server's value instead.
     */
    void replaceLiteral(byte[] vectorValue, byte[] serverValue) {
        replacedLiterals.put(ByteBuffer.wrap(vectorValue.clone()), serverValue.clone());
    }

    Optional<byte[]> replacementFor(byte[] vectorValue) {
        return Optional.ofNullable(replacedLiterals.get(ByteBuffer.wrap(vectorValue))).map(byte[]::clone);
    }

    /** Remembers every field of a response, so a request placeholder can take the last value of its tag. */
    void rememberFields(TtlvItem response) {
        if (response.isStructure()) {
            response.children().forEach(this::rememberFields);
        } else {
            lastByTag.put(response.tag(), response);
        }
    }

    Optional<TtlvItem> lastOf(int tag) {
        return Optional.ofNullable(lastByTag.get(tag));
    }

    Optional<TtlvItem> get(String placeholder) {
        return Optional.ofNullable(values.get(placeholder));
    }

    void bind(String placeholder, TtlvItem value) {
        values.put(placeholder, value);
    }

    void markGenerated(String uniqueIdentifier) {
        generatedIds.add(uniqueIdentifier);
    }

    boolean isGenerated(String uniqueIdentifier) {
        return generatedIds.contains(uniqueIdentifier);
    }

    Bindings copy() {
        return new Bindings(new HashMap<>(values), new HashSet<>(generatedIds), new HashMap<>(replacedLiterals),
                new HashMap<>(lastByTag));
    }

    void adopt(Bindings trial) {
        values.clear();
        values.putAll(trial.values);
        generatedIds.clear();
        generatedIds.addAll(trial.generatedIds);
        replacedLiterals.clear();
        replacedLiterals.putAll(trial.replacedLiterals);
        lastByTag.clear();
        lastByTag.putAll(trial.lastByTag);
    }
}
