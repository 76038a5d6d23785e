package io.keyhold.server.ops.pkcs11;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The CK_INFO structure C_GetInfo returns (PKCS#11 v2.40 section 3.1), in the layout the KMIP PKCS#11
 * test cases carry it: cryptokiVersion (major, minor: 2 bytes), manufacturerID (32 bytes, blank-padded),
 * flags (8 bytes, zero), libraryDescription (32 bytes, blank-padded) and libraryVersion (2 bytes).
 */
public final class CkInfo {
    /** Length of the encoded structure. */
    public static final int LENGTH = 2 + 32 + 8 + 32 + 2;
    /** The Cryptoki version whose functions and return codes the operation follows. */
    static final int CRYPTOKI_MAJOR = 2;
    static final int CRYPTOKI_MINOR = 40;

    private CkInfo() {}

    /** The CK_INFO describing this server as a Cryptoki library. */
    public static byte[] encode(String manufacturer, String description, int libraryMajor, int libraryMinor) {
        ByteBuffer b = ByteBuffer.allocate(LENGTH);
        b.put((byte) CRYPTOKI_MAJOR).put((byte) CRYPTOKI_MINOR);
        b.put(padded(manufacturer));
        b.put(new byte[8]);
        b.put(padded(description));
        b.put((byte) libraryMajor).put((byte) libraryMinor);
        return b.array();
    }

    /** UTF-8 blank-padded to 32 bytes (printable ASCII only, cut at 32), as CK_UTF8CHAR fields are. */
    static byte[] padded(String text) {
        byte[] out = new byte[32];
        Arrays.fill(out, (byte) ' ');
        byte[] t = text.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < Math.min(32, t.length); i++) {
            out[i] = t[i] >= 0x20 && t[i] < 0x7f ? t[i] : (byte) '?';
        }
        return out;
    }
}
