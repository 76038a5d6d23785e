package io.keyhold.server.store;

import io.keyhold.protocol.ttlv.TtlvItem;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What Locate asks the store for: objects of one owner, or visible to one client, that satisfy every
 * criterion and have one of the storage statuses, in the order they were stored (oldest first), skipping
 * {@code offset} and returning at most {@code limit} identifiers. The store answers from indexes, never by
 * reading every object.
 *
 * @param owner    only objects of this owner; null for every owner
 * @param visibleTo only objects this client may see (see {@link VisibleTo}); null for no such restriction
 * @param criteria all must hold
 * @param storage  storage statuses to include (Storage Status Mask)
 * @param offset   identifiers to skip (Offset Items)
 * @param limit    maximum identifiers to return (Maximum Items); negative for no limit
 */
public record LocateQuery(String owner, VisibleTo visibleTo, List<Criterion> criteria, Set<StorageStatus> storage,
                          int offset, int limit) {

    public LocateQuery {
        criteria = List.copyOf(criteria);
        storage = Set.copyOf(storage);
        if (offset < 0) {
            throw new IllegalArgumentException("offset " + offset + " (expected: >= 0)");
        }
    }

    /** A query for the objects of one owner (null: every owner), with no client visibility restriction. */
    public LocateQuery(String owner, List<Criterion> criteria, Set<StorageStatus> storage, int offset, int limit) {
        this(owner, null, criteria, storage, offset, limit);
    }

    /**
     * The objects a client may see: those it owns, those granted (any operation) to its identity or to one
     * of its identity groups, by Unique Identifier or by Object Group; for an administrator, every object
     * of a client (never the server's own objects, whose owner is the empty string).
     *
     * @param identity      the client's identity name
     * @param groups        the identity groups the client belongs to
     * @param administrator whether the client is an administrator
     */
    public record VisibleTo(String identity, Set<String> groups, boolean administrator) {
        public VisibleTo {
            Objects.requireNonNull(identity, "identity");
            groups = Set.copyOf(groups);
        }
    }

    /**
     * A condition on the named attribute (its canonical name, as in {@link io.keyhold.protocol.message.KmipAttribute}).
     * Values are compared as whole items: same type and same value; the tag is ignored, so a value under
     * Attribute Value matches a custom attribute.
     */
    public sealed interface Criterion {
        String name();
    }

    /** Some instance of the attribute equals the value (structures: every field equal, in order). */
    public record Equals(String name, TtlvItem value) implements Criterion {
        public Equals {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    /** Some instance of the attribute equals one of the values. */
    public record AnyOf(String name, List<TtlvItem> values) implements Criterion {
        public AnyOf {
            Objects.requireNonNull(name, "name");
            values = List.copyOf(values);
        }
    }

    /** No instance of the attribute equals any of the values (an object without the attribute matches). */
    public record NoneOf(String name, List<TtlvItem> values) implements Criterion {
        public NoneOf {
            Objects.requireNonNull(name, "name");
            values = List.copyOf(values);
        }
    }

    /**
     * Some instance of a numeric attribute (Integer, Long Integer, Enumeration, Date-Time, Interval) lies
     * in [from, to], both inclusive.
     */
    public record Between(String name, long from, long to) implements Criterion {
        public Between {
            Objects.requireNonNull(name, "name");
        }
    }

    /** Some instance of an Integer mask attribute has every bit of {@code bits} set. */
    public record MaskContains(String name, int bits) implements Criterion {
        public MaskContains {
            Objects.requireNonNull(name, "name");
        }
    }

    /** The object has at least one instance of the attribute. */
    public record Present(String name) implements Criterion {
        public Present {
            Objects.requireNonNull(name, "name");
        }
    }
}
