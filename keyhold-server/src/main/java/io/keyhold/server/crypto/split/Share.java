package io.keyhold.server.crypto.split;

import java.util.Arrays;

/**
 * One part of a split secret: its Key Part Identifier (the x coordinate, 1 to 255) and its value. The value
 * is secret: {@link #toString()} does not show it, and {@link #erase()} zeroes it.
 */
public final class Share {
    private final int identifier;
    private final byte[] value;

    public Share(int identifier, byte[] value) {
        if (identifier < 1 || identifier > SplitParameters.MAX_PARTS) {
            throw new IllegalArgumentException("Key Part Identifier " + identifier + " (expected: 1 to "
                    + SplitParameters.MAX_PARTS + ")");
        }
        this.identifier = identifier;
        this.value = value.clone();
    }

    public int identifier() {
        return identifier;
    }

    /** A copy of the part's bytes; the caller zeroes it after use. */
    public byte[] value() {
        return value.clone();
    }

    byte[] valueUnsafe() {
        return value;
    }

    public void erase() {
        Arrays.fill(value, (byte) 0);
    }

    @Override
    public String toString() {
        return "Share[" + identifier + ", " + value.length + " bytes]";
    }
}
