package io.keyhold.protocol.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyhold.protocol.testing.SharedFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

class NamesTest {
    private final SpecTable table = SpecTable.get();

    /**
     * Names in the OASIS vectors that do not follow the Profiles' normalization rule, each explained.
     * Every one must still occur.
     */
    private static final Map<String, String> VECTOR_DEVIATIONS = Map.of(
            "Cryptographic Algorithm value 'HMAC_SHA256'",
            "the CS-AC-M-4/5/6 vectors (1.2-2.1) write HMAC-SHA256 as HMAC_SHA256, but the rule ('-' before a "
                    + "letter becomes a space) gives HMACSHA256, as for the other HMAC names; the XML codec must "
                    + "accept HMAC_SHA256 as an alias");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Template-Attribute|TemplateAttribute",
            "PKCS#11 Function|PKCS_11Function",
            "SHA-256|SHA_256",
            "3DES|DES3",
            "X.509|X_509",
            "Encrypt then MAC/sign|EncryptThenMACSign",
            "Unique Identifier|UniqueIdentifier",
            "Polynomial Sharing GF (2^16)|PolynomialSharingGF2_16",
            "Content Commitment (Non Repudiation)|ContentCommitmentNonRepudiation",
            "Object archived|ObjectArchived",
            "Raw|Raw"})
    void normalize_specName_givesXmlName(String specName, String expected) {
        assertThat(Names.normalize(specName)).isEqualTo(expected);
    }

    /**
     * Every element name in the OASIS XML vectors of KMIP 1.0 to 2.1 is a tag of the table (by its
     * normalized name), every Enumeration value given by name is a value of the enumeration the tag takes
     * (for Attribute Value, the one its sibling Attribute Name takes; for Attribute Reference, a tag
     * name), and every mask given by names consists of bits of the mask. Hex values are not checked.
     */
    @Test
    void normalize_everyNameInVectors10To21_resolvesInTable() throws Exception {
        Map<String, String> versions = vectorVersions();
        Map<String, TreeSet<String>> unresolved = new TreeMap<>();
        int files = 0;
        int checked = 0;
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        for (Map.Entry<String, String> f : versions.entrySet()) {
            if (f.getValue().startsWith("3.")) {
                continue;
            }
            Path path = SharedFiles.conformance("vectors/" + f.getKey());
            Document doc = dbf.newDocumentBuilder().parse(path.toFile());
            files++;
            checked += walk(doc.getDocumentElement(), f.getKey(), unresolved);
        }
        assertThat(files).as("vector files 1.0-2.1").isGreaterThan(400);
        assertThat(checked).as("names checked").isGreaterThan(50_000);
        StringBuilder report = new StringBuilder();
        unresolved.forEach((what, where) -> report.append("\n  ").append(what).append("  (").append(where.size())
                .append(" files, e.g. ").append(where.first()).append(')'));
        assertThat(unresolved.keySet()).as("names in the vectors that the spec table does not resolve:" + report)
                .containsExactlyInAnyOrderElementsOf(VECTOR_DEVIATIONS.keySet());
    }

    /** Elements that are not tags: the file's root, Cosmian's per-case wrapper, and vendor items. */
    private static final java.util.Set<String> CONTAINERS = java.util.Set.of("KMIP", "KmipTestCase", "TTLV");

    private int walk(Element e, String file, Map<String, TreeSet<String>> unresolved) {
        int checked = 0;
        String name = e.getTagName();
        if (!CONTAINERS.contains(name)) {
            checked++;
            Optional<TagDefinition> tag = table.tagByName(name);
            if (tag.isEmpty()) {
                note(unresolved, "element <" + name + ">", file);
            } else {
                checked += checkValue(e, tag.get(), file, unresolved);
            }
        }
        for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element child) {
                checked += walk(child, file, unresolved);
            }
        }
        return checked;
    }

    private int checkValue(Element e, TagDefinition tag, String file, Map<String, TreeSet<String>> unresolved) {
        String type = e.getAttribute("type");
        String value = e.getAttribute("value");
        boolean enumeration = type.equals("Enumeration");
        boolean maskNames = type.equals("Integer") && !value.isEmpty() && !value.matches("-?[0-9]+|0x[0-9A-Fa-f]+|\\$.*");
        if (!enumeration && !maskNames || value.startsWith("0x") || value.startsWith("$")) {
            return 0;
        }
        TagDefinition valueTag = tag;
        if (tag.value() == Tag.ATTRIBUTE_VALUE) {
            String attributeName = siblingText(e, "AttributeName");
            Optional<TagDefinition> named = attributeName == null ? Optional.empty() : table.tagByName(attributeName);
            if (named.isEmpty()) {
                note(unresolved, "AttributeValue of attribute '" + attributeName + "'", file);
                return 1;
            }
            valueTag = named.get();
        }
        if (valueTag.takesTagValues()) {
            if (table.tagByName(value).isEmpty()) {
                note(unresolved, e.getTagName() + " tag name '" + value + "'", file);
            }
            return 1;
        }
        Optional<EnumerationDefinition> values = table.valuesOf(valueTag.value());
        if (values.isEmpty()) {
            note(unresolved, valueTag.name() + " has no enumeration for value '" + value + "'", file);
            return 1;
        }
        int n = 0;
        for (String v : enumeration ? List.of(value) : List.of(value.trim().split("\\s+"))) {
            n++;
            if (values.get().byName(v).isEmpty()) {
                note(unresolved, values.get().name() + " value '" + v + "'", file);
            }
        }
        return n;
    }

    private static String siblingText(Element e, String siblingName) {
        for (Node c = e.getParentNode().getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element s && s.getTagName().equals(siblingName)) {
                return s.getAttribute("value");
            }
        }
        return null;
    }

    private static void note(Map<String, TreeSet<String>> unresolved, String what, String file) {
        unresolved.computeIfAbsent(what, k -> new TreeSet<>()).add(file);
    }

    /** path (relative to vectors/) -> protocol version, from vectors/INDEX.csv. */
    static Map<String, String> vectorVersions() {
        Map<String, String> out = new TreeMap<>();
        try {
            List<String> lines = Files.readAllLines(SharedFiles.conformance("vectors/INDEX.csv"));
            List<String> header = SpecTable.splitCsv(lines.get(0));
            int path = header.indexOf("path");
            int version = header.indexOf("protocol_version");
            for (String line : lines.subList(1, lines.size())) {
                List<String> f = SpecTable.splitCsv(line);
                if (f.get(path).endsWith(".xml")) {
                    out.put(f.get(path), f.get(version));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
