package io.keyhold.protocol.spec;

/**
 * The name normalization of the KMIP XML and JSON encodings (KMIP Profiles, "Normalizing Names"): the
 * spec name "Template-Attribute" is written TemplateAttribute, "PKCS#11 Function" PKCS_11Function,
 * "SHA-256" SHA_256 and "3DES" DES3.
 */
public final class Names {
    private Names() {}

    /**
     * Applies the rules in order: round brackets become spaces; a non-word character followed by a
     * letter becomes a space; other non-word characters (but whitespace) become '_'; leading digits of
     * the first word move to its end; each word is capitalized; the words are joined.
     */
    public static String normalize(String specName) {
        StringBuilder s = new StringBuilder(specName.length());
        for (int i = 0; i < specName.length(); i++) {
            char c = specName.charAt(i);
            if (c == '(' || c == ')') {
                s.append(' ');
            } else if (isWord(c) || Character.isWhitespace(c)) {
                s.append(c);
            } else {
                char next = i + 1 < specName.length() ? specName.charAt(i + 1) : 0;
                s.append(Character.isLetter(next) ? ' ' : '_');
            }
        }
        String[] words = s.toString().trim().split("\\s+");
        if (words.length > 0 && !words[0].isEmpty() && Character.isDigit(words[0].charAt(0))) {
            int i = 0;
            while (i < words[0].length() && Character.isDigit(words[0].charAt(i))) {
                i++;
            }
            words[0] = words[0].substring(i) + words[0].substring(0, i);
        }
        StringBuilder out = new StringBuilder(specName.length());
        for (String w : words) {
            if (!w.isEmpty()) {
                out.append(Character.toUpperCase(w.charAt(0))).append(w, 1, w.length());
            }
        }
        return out.toString();
    }

    private static boolean isWord(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }
}
