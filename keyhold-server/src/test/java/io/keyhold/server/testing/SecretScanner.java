package io.keyhold.server.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Looks for known secrets in text a server wrote (log lines, Result Messages) in every spelling a leak
 * usually takes: raw, hex in either case, Base64 (standard and URL alphabets, at each of the three byte
 * alignments, so a secret inside a longer encoded buffer is found too), Java's {@code Arrays.toString}
 * form, and, for a secret long enough to be recognised in part, a 12-byte piece of its middle in each of
 * those spellings. Also finds stack trace frames ({@code "\tat "}).
 */
public final class SecretScanner {
    /** Shorter fragments match by chance; 12 bytes (24 hex digits) do not. */
    private static final int FRAGMENT_BYTES = 12;
    private static final int MIN_MATCH_CHARS = 8;

    private final Map<String, List<String>> needles = new LinkedHashMap<>();

    /** A secret given as bytes (key material, plaintext). */
    public SecretScanner add(String label, byte[] secret) {
        List<String> forms = new ArrayList<>(spellings(secret));
        if (secret.length >= 2 * FRAGMENT_BYTES) {
            int from = (secret.length - FRAGMENT_BYTES) / 2;
            forms.addAll(spellings(Arrays.copyOfRange(secret, from, from + FRAGMENT_BYTES)));
        }
        needles.computeIfAbsent(label, k -> new ArrayList<>()).addAll(forms.stream()
                .filter(s -> s.length() >= MIN_MATCH_CHARS).distinct().toList());
        return this;
    }

    /** A secret given as text (a password or passphrase): the text itself and its UTF-8 bytes' spellings. */
    public SecretScanner add(String label, String secret) {
        add(label, secret.getBytes(StandardCharsets.UTF_8));
        needles.get(label).add(secret);
        return this;
    }

    public int size() {
        return needles.size();
    }

    /** One line per finding ("AES key as hex in: <context>"); empty when the text is clean. */
    public List<String> scan(String where, String text) {
        List<String> findings = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : needles.entrySet()) {
            for (String needle : e.getValue()) {
                int at = text.indexOf(needle);
                if (at >= 0) {
                    findings.add(e.getKey() + " found in " + where + ": ..." + context(text, at, needle.length()) + "...");
                    break;
                }
            }
        }
        int frame = text.indexOf("\tat ");
        if (frame >= 0) {
            findings.add("stack trace frame in " + where + ": ..." + context(text, frame, 4) + "...");
        }
        return findings;
    }

    private static String context(String text, int at, int length) {
        int from = Math.max(0, at - 60);
        int to = Math.min(text.length(), at + length + 20);
        return text.substring(from, to).replace("\n", "\\n").replace("\t", "\\t");
    }

    private static List<String> spellings(byte[] b) {
        List<String> out = new ArrayList<>();
        String hex = HexFormat.of().formatHex(b);
        out.add(hex);
        out.add(hex.toUpperCase(Locale.ROOT));
        out.add(new String(b, StandardCharsets.ISO_8859_1));
        out.add(Arrays.toString(b));
        for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
            for (int shift = 0; shift < 3; shift++) {
                byte[] shifted = new byte[shift + b.length];
                System.arraycopy(b, 0, shifted, shift, b.length);
                String encoded = encoder.withoutPadding().encodeToString(shifted);
                // drop the characters that also depend on the bytes before and after the secret
                int skip = shift == 0 ? 0 : (shift * 8 + 5) / 6 + 1;
                int end = encoded.length() - 2;
                if (end - skip >= MIN_MATCH_CHARS) {
                    out.add(encoded.substring(skip, end));
                }
            }
        }
        return out;
    }
}
