package io.keyhold.protocol.spec;

import java.util.List;

/**
 * A KMIP protocol version (Protocol Version Major and Minor). Any pair can be represented, so that a
 * request in a version this library does not know can still be answered; {@link #KNOWN} lists the
 * versions the spec table covers.
 */
public record KmipVersion(int major, int minor) implements Comparable<KmipVersion> {
    public static final KmipVersion V1_0 = new KmipVersion(1, 0);
    public static final KmipVersion V1_1 = new KmipVersion(1, 1);
    public static final KmipVersion V1_2 = new KmipVersion(1, 2);
    public static final KmipVersion V1_3 = new KmipVersion(1, 3);
    public static final KmipVersion V1_4 = new KmipVersion(1, 4);
    public static final KmipVersion V2_0 = new KmipVersion(2, 0);
    public static final KmipVersion V2_1 = new KmipVersion(2, 1);

    /** The versions described by the spec table, oldest first. */
    public static final List<KmipVersion> KNOWN = List.of(V1_0, V1_1, V1_2, V1_3, V1_4, V2_0, V2_1);

    public KmipVersion {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("protocol version " + major + "." + minor + ": negative component");
        }
    }

    /** Parses "1.4" or "2.1". */
    public static KmipVersion parse(String text) {
        int dot = text.indexOf('.');
        if (dot <= 0 || dot == text.length() - 1) {
            throw new IllegalArgumentException("protocol version '" + text + "': expected MAJOR.MINOR");
        }
        try {
            return new KmipVersion(Integer.parseInt(text.substring(0, dot)), Integer.parseInt(text.substring(dot + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("protocol version '" + text + "': expected MAJOR.MINOR", e);
        }
    }

    /** Whether this is one of the versions the spec table covers. */
    public boolean isKnown() {
        return KNOWN.contains(this);
    }

    /** True for KMIP 2.0 and later, whose attribute model replaces Template-Attribute. */
    public boolean isTwoOrLater() {
        return major >= 2;
    }

    public boolean isAtLeast(KmipVersion other) {
        return compareTo(other) >= 0;
    }

    @Override
    public int compareTo(KmipVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
