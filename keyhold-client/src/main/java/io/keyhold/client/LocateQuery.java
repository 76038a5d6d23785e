package io.keyhold.client;

import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.CryptographicAlgorithm;
import io.keyhold.protocol.spec.ObjectType;
import io.keyhold.protocol.spec.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a Locate looks for: objects having every attribute given (Name, Object Type, State, Cryptographic
 * Algorithm, Object Group and any other), at most {@code maxItems} of them (null: as many as the server
 * gives) after skipping {@code offset} (KMIP 1.3 and later; null: none).
 */
public record LocateQuery(List<KmipAttribute> attributes, Integer maxItems, Integer offset) {
    public LocateQuery {
        attributes = List.copyOf(attributes);
        if (maxItems != null && maxItems < 0) {
            throw new IllegalArgumentException("maxItems " + maxItems + " (expected: >= 0)");
        }
        if (offset != null && offset < 0) {
            throw new IllegalArgumentException("offset " + offset + " (expected: >= 0)");
        }
    }

    /** Every object the client may see. */
    public static LocateQuery all() {
        return new LocateQuery(List.of(), null, null);
    }

    /** The objects of this Name. */
    public static LocateQuery byName(String name) {
        return builder().name(name).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link LocateQuery}. */
    public static final class Builder {
        private final List<KmipAttribute> attributes = new ArrayList<>();
        private Integer maxItems;
        private Integer offset;

        private Builder() {}

        public Builder name(String name) {
            return attribute(KmipAttributes.name(name));
        }

        public Builder objectType(ObjectType type) {
            return attribute(KmipAttributes.objectType(type));
        }

        public Builder state(State state) {
            return attribute(KmipAttributes.state(state));
        }

        public Builder algorithm(CryptographicAlgorithm algorithm) {
            return attribute(KmipAttributes.algorithm(algorithm));
        }

        public Builder objectGroup(String group) {
            return attribute(KmipAttributes.objectGroup(group));
        }

        public Builder attribute(KmipAttribute a) {
            attributes.add(Objects.requireNonNull(a, "attribute"));
            return this;
        }

        public Builder maxItems(int n) {
            this.maxItems = n;
            return this;
        }

        public Builder offset(int n) {
            this.offset = n;
            return this;
        }

        public LocateQuery build() {
            return new LocateQuery(attributes, maxItems, offset);
        }
    }
}
