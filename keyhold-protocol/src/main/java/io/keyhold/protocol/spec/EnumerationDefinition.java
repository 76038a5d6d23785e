package io.keyhold.protocol.spec;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A KMIP enumeration or mask of the spec table, with its values. */
public final class EnumerationDefinition {
    private final String name;
    private final boolean mask;
    private final List<EnumerationValue> values;
    private final Map<Integer, EnumerationValue> byValue = new HashMap<>();
    private final Map<String, EnumerationValue> byName = new HashMap<>();

    EnumerationDefinition(String name, boolean mask, List<EnumerationValue> values) {
        this.name = name;
        this.mask = mask;
        this.values = List.copyOf(values);
        for (EnumerationValue v : values) {
            EnumerationValue same = byValue.get(v.value());
            if (same != null && overlap(same.versions(), v.versions())) {
                throw new IllegalStateException(name + ": value 0x" + Integer.toHexString(v.value())
                        + " has two names in one version");
            }
            // the newest spelling wins ("Object Archived" in 2.x over "Object archived" in 1.x)
            if (same == null || v.versions().last().compareTo(same.versions().last()) > 0) {
                byValue.put(v.value(), v);
            }
            for (String n : new String[] {v.name(), v.normalizedName()}) {
                EnumerationValue clash = byName.putIfAbsent(n, v);
                if (clash != null && clash != v && clash.value() != v.value()) {
                    throw new IllegalStateException(name + ": name " + n + " is ambiguous");
                }
            }
        }
    }

    private static boolean overlap(VersionSet a, VersionSet b) {
        for (KmipVersion v : a.versions()) {
            if (b.contains(v)) {
                return true;
            }
        }
        return false;
    }

    /** The name as the specification spells it ("Cryptographic Algorithm"). */
    public String name() {
        return name;
    }

    /** True for a mask (Cryptographic Usage Mask, Storage Status Mask, Protection Storage Mask). */
    public boolean isMask() {
        return mask;
    }

    public List<EnumerationValue> values() {
        return Collections.unmodifiableList(values);
    }

    /** The value's entry, under the name the newest version that has it gives it. */
    public Optional<EnumerationValue> byValue(int value) {
        return Optional.ofNullable(byValue.get(value));
    }

    /** The value's entry under the name the given version spells it, else the newest spelling. */
    public Optional<EnumerationValue> byValue(int value, KmipVersion version) {
        EnumerationValue newest = byValue.get(value);
        if (newest == null || newest.versions().contains(version)) {
            return Optional.ofNullable(newest);
        }
        for (EnumerationValue v : values) {
            if (v.value() == value && v.versions().contains(version)) {
                return Optional.of(v);
            }
        }
        return Optional.of(newest);
    }

    /** Looks a value up by its spec name ("Symmetric Key") or its normalized name ("SymmetricKey"). */
    public Optional<EnumerationValue> byName(String nameOrNormalized) {
        return Optional.ofNullable(byName.get(nameOrNormalized));
    }

    /** Whether the value is an extension value (8XXXXXXX), which servers and clients may define. */
    public static boolean isExtensionValue(int value) {
        return (value & 0x80000000) != 0;
    }

    @Override
    public String toString() {
        return (mask ? "mask " : "enumeration ") + name;
    }
}
