package io.keyhold.protocol.spec;

import java.util.ArrayList;
import java.util.List;

/** The set of known KMIP versions in which a tag, enumeration value or item type exists. */
public final class VersionSet {
    private final int bits;

    private VersionSet(int bits) {
        this.bits = bits;
    }

    /** Parses the spec table's notation: "1.0-1.4", "2.0", or runs joined by ';'. */
    public static VersionSet parse(String text) {
        int bits = 0;
        for (String run : text.split(";")) {
            String[] ends = run.trim().split("-");
            int from = index(ends[0]);
            int to = ends.length > 1 ? index(ends[1]) : from;
            if (to < from) {
                throw new IllegalArgumentException("version range '" + run + "' is reversed");
            }
            for (int i = from; i <= to; i++) {
                bits |= 1 << i;
            }
        }
        return new VersionSet(bits);
    }

    private static int index(String version) {
        int i = KmipVersion.KNOWN.indexOf(KmipVersion.parse(version.trim()));
        if (i < 0) {
            throw new IllegalArgumentException("version " + version + " is not covered by the spec table");
        }
        return i;
    }

    /** Whether the version is in this set; a version the table does not know is never in it. */
    public boolean contains(KmipVersion version) {
        int i = KmipVersion.KNOWN.indexOf(version);
        return i >= 0 && (bits & (1 << i)) != 0;
    }

    public List<KmipVersion> versions() {
        List<KmipVersion> out = new ArrayList<>();
        for (int i = 0; i < KmipVersion.KNOWN.size(); i++) {
            if ((bits & (1 << i)) != 0) {
                out.add(KmipVersion.KNOWN.get(i));
            }
        }
        return out;
    }

    /** The oldest version of the set. */
    public KmipVersion first() {
        return KmipVersion.KNOWN.get(Integer.numberOfTrailingZeros(bits));
    }

    /** The newest version of the set. */
    public KmipVersion last() {
        return KmipVersion.KNOWN.get(31 - Integer.numberOfLeadingZeros(bits));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VersionSet v && v.bits == bits;
    }

    @Override
    public int hashCode() {
        return bits;
    }

    @Override
    public String toString() {
        List<String> runs = new ArrayList<>();
        int i = 0;
        int n = KmipVersion.KNOWN.size();
        while (i < n) {
            if ((bits & (1 << i)) == 0) {
                i++;
                continue;
            }
            int j = i;
            while (j + 1 < n && (bits & (1 << (j + 1))) != 0) {
                j++;
            }
            runs.add(i == j ? KmipVersion.KNOWN.get(i).toString() : KmipVersion.KNOWN.get(i) + "-" + KmipVersion.KNOWN.get(j));
            i = j + 1;
        }
        return String.join(";", runs);
    }
}
