package io.keyhold.protocol.ttlv;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes a {@link TtlvItem} tree to binary TTLV (KMIP section 9.1). Lengths count unpadded value bytes;
 * every value is zero-padded to a multiple of 8. Structure lengths are back-patched, so the tree is
 * walked once. Instances are stateless and thread-safe.
 */
public final class TtlvEncoder {
    /** Encodes one item (usually a Request or Response Message) into a new array of exactly its size. */
    public byte[] encode(TtlvItem item) {
        Buffer out = new Buffer(256);
        write(item, out);
        return out.toArray();
    }

    private static void write(TtlvItem item, Buffer out) {
        out.ensure(8);
        int headerAt = out.size;
        out.putTagAndType(item.tag(), item.type().code());
        out.putInt(0);
        switch (item.type()) {
            case STRUCTURE -> {
                List<TtlvItem> children = item.children();
                for (int i = 0, n = children.size(); i < n; i++) {
                    write(children.get(i), out);
                }
                out.patchInt(headerAt + 4, out.size - headerAt - 8);
            }
            case INTEGER, ENUMERATION -> {
                out.patchInt(headerAt + 4, 4);
                out.ensure(8);
                out.putInt((Integer) item.rawValue());
                out.putInt(0);
            }
            case INTERVAL -> {
                out.patchInt(headerAt + 4, 4);
                out.ensure(8);
                out.putInt((int) (long) (Long) item.rawValue());
                out.putInt(0);
            }
            case LONG_INTEGER, DATE_TIME, DATE_TIME_EXTENDED -> {
                out.patchInt(headerAt + 4, 8);
                out.ensure(8);
                out.putLong((Long) item.rawValue());
            }
            case BOOLEAN -> {
                out.patchInt(headerAt + 4, 8);
                out.ensure(8);
                out.putLong((Boolean) item.rawValue() ? 1L : 0L);
            }
            case BIG_INTEGER -> {
                byte[] v = bigIntegerBytes((BigInteger) item.rawValue());
                out.patchInt(headerAt + 4, v.length);
                out.putPadded(v);
            }
            case TEXT_STRING -> {
                byte[] v = ((String) item.rawValue()).getBytes(StandardCharsets.UTF_8);
                out.patchInt(headerAt + 4, v.length);
                out.putPadded(v);
            }
            case BYTE_STRING -> {
                byte[] v = (byte[]) item.rawValue();
                out.patchInt(headerAt + 4, v.length);
                out.putPadded(v);
            }
            default -> throw new IllegalStateException("unhandled item type " + item.type());
        }
    }

    /** Two's complement, big-endian, sign-extended to a multiple of 8 bytes (KMIP 9.1.1.4). */
    public static byte[] bigIntegerBytes(BigInteger v) {
        byte[] minimal = v.toByteArray();
        int len = Math.max(8, (minimal.length + 7) / 8 * 8);
        if (len == minimal.length) {
            return minimal;
        }
        byte[] out = new byte[len];
        Arrays.fill(out, 0, len - minimal.length, v.signum() < 0 ? (byte) 0xFF : 0);
        System.arraycopy(minimal, 0, out, len - minimal.length, minimal.length);
        return out;
    }

    private static final class Buffer {
        byte[] buf;
        int size;

        Buffer(int initial) {
            buf = new byte[initial];
        }

        void ensure(int more) {
            if (size + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
            }
        }

        void putTagAndType(int tag, int type) {
            buf[size] = (byte) (tag >>> 16);
            buf[size + 1] = (byte) (tag >>> 8);
            buf[size + 2] = (byte) tag;
            buf[size + 3] = (byte) type;
            size += 4;
        }

        void putInt(int v) {
            patchInt(size, v);
            size += 4;
        }

        void putLong(long v) {
            putInt((int) (v >>> 32));
            putInt((int) v);
        }

        void patchInt(int at, int v) {
            buf[at] = (byte) (v >>> 24);
            buf[at + 1] = (byte) (v >>> 16);
            buf[at + 2] = (byte) (v >>> 8);
            buf[at + 3] = (byte) v;
        }

        void putPadded(byte[] v) {
            int padded = (v.length + 7) & ~7;
            ensure(padded);
            System.arraycopy(v, 0, buf, size, v.length);
            Arrays.fill(buf, size + v.length, size + padded, (byte) 0);
            size += padded;
        }

        byte[] toArray() {
            return size == buf.length ? buf : Arrays.copyOf(buf, size);
        }
    }
}
