package io.keyhold.protocol.spec;

import io.keyhold.protocol.ttlv.ItemType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The KMIP 1.0 to 2.1 spec table: every tag with its item types and versions, every enumeration and mask
 * with its values and versions, loaded once from {@code kmip-spec-table.csv} into immutable registries.
 * The same file generates the constants in {@link Tag} and the enumeration types, so names and values
 * are never typed twice.
 */
public final class SpecTable {
    /** The resource holding the table, relative to this class. */
    public static final String RESOURCE = "kmip-spec-table.csv";

    private static final class Holder {
        static final SpecTable INSTANCE = loadResource();
    }

    private final Map<Integer, TagDefinition> tagsByValue = new LinkedHashMap<>();
    private final Map<String, TagDefinition> tagsByName = new HashMap<>();
    private final Map<String, EnumerationDefinition> enumerations = new LinkedHashMap<>();
    private final Map<ItemType, VersionSet> itemTypeVersions = new EnumMap<>(ItemType.class);
    private final Map<ItemType, Integer> itemTypeCodes = new EnumMap<>(ItemType.class);

    private SpecTable() {}

    /** The table shipped in this library. */
    public static SpecTable get() {
        return Holder.INSTANCE;
    }

    private static SpecTable loadResource() {
        try (InputStream in = SpecTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("spec table resource " + RESOURCE + " is missing from the class path");
            }
            return load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read spec table " + RESOURCE, e);
        }
    }

    /** Reads a table in the format of {@code kmip-spec-table.csv}. */
    public static SpecTable load(InputStream in) throws IOException {
        SpecTable t = new SpecTable();
        Map<String, List<EnumerationValue>> values = new LinkedHashMap<>();
        Map<String, Boolean> isMask = new HashMap<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String header = r.readLine();
        if (header == null || !header.startsWith("kind,enumeration,name,value,item_type,values_from,versions")) {
            throw new IOException("spec table: unexpected header " + header);
        }
        String line;
        int lineNo = 1;
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            List<String> f = splitCsv(line);
            if (f.size() != 8) {
                throw new IOException("spec table line " + lineNo + ": " + f.size() + " fields (expected: 8)");
            }
            try {
                switch (f.get(0)) {
                    case "item-type" -> t.addItemType(f);
                    case "tag" -> t.addTag(f);
                    case "enumeration", "mask" -> {
                        values.computeIfAbsent(f.get(1), k -> new ArrayList<>()).add(new EnumerationValue(
                                f.get(2), Names.normalize(f.get(2)), parseHex(f.get(3)), VersionSet.parse(f.get(6))));
                        isMask.put(f.get(1), f.get(0).equals("mask"));
                    }
                    default -> throw new IllegalArgumentException("unknown kind '" + f.get(0) + "'");
                }
            } catch (RuntimeException e) {
                throw new IOException("spec table line " + lineNo + ": " + e.getMessage(), e);
            }
        }
        values.forEach((name, list) -> t.enumerations.put(name, new EnumerationDefinition(name, isMask.get(name), list)));
        for (TagDefinition tag : t.tagsByValue.values()) {
            if (!tag.valuesFrom().isEmpty() && !tag.takesTagValues() && !t.enumerations.containsKey(tag.valuesFrom())) {
                throw new IOException("spec table: tag " + tag.name() + " takes values of unknown enumeration " + tag.valuesFrom());
            }
        }
        return t;
    }

    private void addItemType(List<String> f) {
        ItemType type = ItemType.fromXmlName(f.get(2).replace(" ", ""))
                .orElseThrow(() -> new IllegalArgumentException("unknown item type " + f.get(2)));
        itemTypeCodes.put(type, parseHex(f.get(3)));
        itemTypeVersions.put(type, VersionSet.parse(f.get(6)));
    }

    private void addTag(List<String> f) {
        List<ItemType> types = new ArrayList<>();
        for (String s : f.get(4).split("\\|")) {
            if (!s.isEmpty() && !s.equals("Varies")) {
                types.add(ItemType.fromXmlName(s).orElseThrow(() -> new IllegalArgumentException("unknown item type " + s)));
            }
        }
        TagDefinition tag = new TagDefinition(parseHex(f.get(3)), f.get(2), Names.normalize(f.get(2)), types,
                f.get(5), VersionSet.parse(f.get(6)), f.get(7));
        if (tagsByValue.putIfAbsent(tag.value(), tag) != null) {
            throw new IllegalArgumentException("tag " + tag.hex() + " appears twice");
        }
        if (tagsByName.putIfAbsent(tag.name(), tag) != null
                || tagsByName.putIfAbsent(tag.normalizedName(), tag) != null && !tag.normalizedName().equals(tag.name())) {
            throw new IllegalArgumentException("tag name " + tag.name() + " is ambiguous");
        }
    }

    private static int parseHex(String s) {
        if (!s.startsWith("0x")) {
            throw new IllegalArgumentException("value '" + s + "' is not 0x-prefixed hex");
        }
        return (int) Long.parseLong(s.substring(2), 16);
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

    /** The tag with this value, if the table knows it (vendor tags 0x54XXXX are not in it). */
    public Optional<TagDefinition> tag(int value) {
        return Optional.ofNullable(tagsByValue.get(value));
    }

    /** Looks a tag up by its spec name ("Unique Identifier") or normalized name ("UniqueIdentifier"). */
    public Optional<TagDefinition> tagByName(String nameOrNormalized) {
        return Optional.ofNullable(tagsByName.get(nameOrNormalized));
    }

    /** Every tag, in value order. */
    public Collection<TagDefinition> tags() {
        return Collections.unmodifiableCollection(tagsByValue.values());
    }

    /** The enumeration or mask with this spec name ("Object Type"). */
    public Optional<EnumerationDefinition> enumeration(String name) {
        return Optional.ofNullable(enumerations.get(name));
    }

    public Collection<EnumerationDefinition> enumerations() {
        return Collections.unmodifiableCollection(enumerations.values());
    }

    /** The enumeration or mask whose values the tag carries (Object Type for 0x420057), if any. */
    public Optional<EnumerationDefinition> valuesOf(int tag) {
        TagDefinition def = tagsByValue.get(tag);
        if (def == null || def.valuesFrom().isEmpty() || def.takesTagValues()) {
            return Optional.empty();
        }
        return Optional.ofNullable(enumerations.get(def.valuesFrom()));
    }

    /** The versions in which the item type exists (Date Time Extended: 2.0 and later). */
    public VersionSet versionsOf(ItemType type) {
        return itemTypeVersions.get(type);
    }

    /** The item type's code as the table gives it, to check {@link ItemType} against. */
    public int codeOf(ItemType type) {
        return itemTypeCodes.getOrDefault(type, -1);
    }

    /** True when the tag is in the vendor extension range 0x540000 to 0x54FFFF. */
    public static boolean isExtensionTag(int tag) {
        return (tag & 0xFF0000) == 0x540000;
    }
}
