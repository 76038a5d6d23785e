import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Generates the Java constants of keyhold-protocol from the KMIP spec table (run by the build in
 * generate-sources; see keyhold-protocol/pom.xml). Writes {@code Tag} (one int constant per tag) and one
 * Java enum per KMIP enumeration and mask, so that no tag or enumeration value is ever typed by hand.
 *
 * <p>Usage: {@code java SpecCodegen.java <kmip-spec-table.csv> <output source root>}
 */
public final class SpecCodegen {
    private static final String PACKAGE = "io.keyhold.protocol.spec";

    record Row(String kind, String enumeration, String name, String value, String itemType, String valuesFrom,
               String versions, String note) {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: java SpecCodegen.java <kmip-spec-table.csv> <output-dir>");
            System.exit(2);
        }
        List<Row> rows = read(Path.of(args[0]));
        Path dir = Path.of(args[1]).resolve(PACKAGE.replace('.', '/'));
        Files.createDirectories(dir);
        writeIfChanged(dir.resolve("Tag.java"), tagClass(rows));
        Map<String, List<Row>> enums = new LinkedHashMap<>();
        Map<String, String> kinds = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.kind.equals("enumeration") || r.kind.equals("mask")) {
                List<Row> list = enums.computeIfAbsent(r.enumeration, k -> new ArrayList<>());
                kinds.put(r.enumeration, r.kind);
                // A value spelled differently in older versions ("Object archived" in 1.x) is one
                // constant, named as the newest version spells it; the table keeps every spelling.
                int same = -1;
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i).value.equals(r.value)) {
                        same = i;
                    }
                }
                if (same < 0) {
                    list.add(r);
                } else if (newestVersion(r.versions).compareTo(newestVersion(list.get(same).versions)) > 0) {
                    list.set(same, r);
                }
            }
        }
        Set<String> typeNames = new HashSet<>();
        for (var e : enums.entrySet()) {
            String type = typeName(e.getKey());
            if (!typeNames.add(type)) {
                throw new IllegalStateException("two enumerations map to the Java type " + type);
            }
            writeIfChanged(dir.resolve(type + ".java"), enumClass(e.getKey(), kinds.get(e.getKey()), e.getValue()));
        }
    }

    static String newestVersion(String versions) {
        String[] runs = versions.split("[;-]");
        return runs[runs.length - 1];
    }

    static List<Row> read(Path csv) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            List<String> f = splitCsv(line);
            rows.add(new Row(f.get(0), f.get(1), f.get(2), f.get(3), f.get(4), f.get(5), f.get(6), f.get(7)));
        }
        return rows;
    }

    static List<String> splitCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    /** "Username and Password" -> USERNAME_AND_PASSWORD; "3DES" -> DES3 (leading digits move to the word's end, as in the XML names). */
    static String constantName(String specName) {
        String[] words = specName.replaceAll("[^A-Za-z0-9]+", " ").trim().split(" ");
        if (Character.isDigit(words[0].charAt(0))) {
            int i = 0;
            while (i < words[0].length() && Character.isDigit(words[0].charAt(i))) {
                i++;
            }
            words[0] = i == words[0].length() ? "V" + words[0] : words[0].substring(i) + words[0].substring(0, i);
        }
        return String.join("_", words).toUpperCase(Locale.ROOT);
    }

    /** "Cryptographic Algorithm" -> CryptographicAlgorithm; "PKCS#11 Function" -> Pkcs11Function. */
    static String typeName(String specName) {
        StringBuilder sb = new StringBuilder();
        for (String w : specName.replaceAll("[^A-Za-z0-9]+", " ").trim().split(" ")) {
            boolean allCaps = w.equals(w.toUpperCase(Locale.ROOT)) && w.length() > 1;
            sb.append(Character.toUpperCase(w.charAt(0)))
                    .append(allCaps ? w.substring(1).toLowerCase(Locale.ROOT) : w.substring(1));
        }
        return sb.toString();
    }

    static String tagClass(List<Row> rows) {
        StringBuilder sb = header();
        sb.append("/**\n * KMIP tags (KMIP 1.0 to 2.1), generated from the spec table {@code kmip-spec-table.csv}.\n")
                .append(" * Names, item types and versions are in {@link SpecTable}.\n */\n")
                .append("public final class Tag {\n    private Tag() {}\n\n");
        Set<String> seen = new HashSet<>();
        for (Row r : rows) {
            if (!r.kind.equals("tag")) {
                continue;
            }
            String c = constantName(r.name);
            if (!seen.add(c)) {
                throw new IllegalStateException("duplicate tag constant " + c);
            }
            sb.append("    /** ").append(escape(r.name)).append(" (").append(r.itemType.isEmpty() ? "-" : r.itemType)
                    .append("; KMIP ").append(r.versions).append(r.note.isEmpty() ? "" : "; " + r.note).append("). */\n")
                    .append("    public static final int ").append(c).append(" = ").append(r.value).append(";\n");
        }
        return sb.append("}\n").toString();
    }

    static String enumClass(String enumeration, String kind, List<Row> values) {
        String type = typeName(enumeration);
        boolean mask = kind.equals("mask");
        StringBuilder sb = header();
        sb.append("/**\n * KMIP ").append(mask ? "mask" : "enumeration").append(" <i>").append(escape(enumeration))
                .append("</i>, generated from the spec table.\n */\n")
                .append("public enum ").append(type).append(" implements KmipEnumeration {\n");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            Row r = values.get(i);
            String c = constantName(r.name);
            if (!seen.add(c)) {
                throw new IllegalStateException(enumeration + ": duplicate constant " + c);
            }
            sb.append("    /** ").append(escape(r.name)).append(" (KMIP ").append(r.versions).append("). */\n")
                    .append("    ").append(c).append("(").append(r.value).append(", \"")
                    .append(r.name.replace("\\", "\\\\").replace("\"", "\\\"")).append("\")")
                    .append(i == values.size() - 1 ? ";\n\n" : ",\n");
        }
        sb.append("    /** The spec table's name of this ").append(mask ? "mask" : "enumeration").append(". */\n")
                .append("    public static final String SPEC_NAME = \"").append(enumeration).append("\";\n\n")
                .append("    private static final java.util.Map<Integer, ").append(type).append("> BY_VALUE = new java.util.HashMap<>();\n")
                .append("    static {\n        for (").append(type).append(" v : values()) {\n            BY_VALUE.put(v.value, v);\n        }\n    }\n\n")
                .append("    private final int value;\n    private final String specName;\n\n")
                .append("    ").append(type).append("(int value, String specName) {\n        this.value = value;\n        this.specName = specName;\n    }\n\n")
                .append("    @Override\n    public int value() {\n        return value;\n    }\n\n")
                .append("    @Override\n    public String specName() {\n        return specName;\n    }\n\n")
                .append("    /** The constant with this value, or empty for an unknown or extension value. */\n")
                .append("    public static java.util.Optional<").append(type).append("> fromValue(int value) {\n")
                .append("        return java.util.Optional.ofNullable(BY_VALUE.get(value));\n    }\n");
        if (mask) {
            sb.append("\n    /** The mask with all the given bits set. */\n")
                    .append("    public static int maskOf(").append(type).append("... bits) {\n")
                    .append("        int m = 0;\n        for (").append(type).append(" b : bits) {\n            m |= b.value;\n        }\n        return m;\n    }\n\n")
                    .append("    /** Whether this bit is set in the mask. */\n")
                    .append("    public boolean isSetIn(int mask) {\n        return (mask & value) == value;\n    }\n");
        }
        return sb.append("}\n").toString();
    }

    static StringBuilder header() {
        return new StringBuilder("// Generated by keyhold-protocol/src/build/SpecCodegen.java from kmip-spec-table.csv. Do not edit.\n")
                .append("package ").append(PACKAGE).append(";\n\n");
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("*/", "*&#47;");
    }

    static void writeIfChanged(Path file, String content) throws IOException {
        if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(content)) {
            return;
        }
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
