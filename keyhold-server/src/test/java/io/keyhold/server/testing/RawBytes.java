package io.keyhold.server.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/** Searches the raw files of a SQLite database for secret bytes in the forms they could leak in. */
public final class RawBytes {
    private RawBytes() {}

    /** The database file with its -wal and -shm companions, those that exist, concatenated (separated by a gap). */
    public static byte[] databaseFiles(Path db) throws IOException {
        List<byte[]> parts = new ArrayList<>();
        for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
            Path p = db.resolveSibling(db.getFileName() + suffix);
            if (Files.exists(p)) {
                parts.add(Files.readAllBytes(p));
            }
        }
        int total = parts.stream().mapToInt(b -> b.length + 1).sum();
        byte[] out = new byte[total];
        int at = 0;
        for (byte[] b : parts) {
            System.arraycopy(b, 0, out, at, b.length);
            at += b.length + 1;
        }
        return out;
    }

    /** The forms a secret could appear in: raw, hex (both cases), base64 and base64url. */
    public static List<byte[]> forms(byte[] secret) {
        String hex = HexFormat.of().formatHex(secret);
        return List.of(secret, hex.getBytes(StandardCharsets.US_ASCII),
                hex.toUpperCase().getBytes(StandardCharsets.US_ASCII),
                Base64.getEncoder().withoutPadding().encode(secret),
                Base64.getUrlEncoder().withoutPadding().encode(secret));
    }

    /** Whether {@code needle} occurs in {@code haystack}. */
    public static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
