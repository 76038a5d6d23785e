package io.keyhold.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyhold.client.KmipAttributes;
import io.keyhold.client.KmipClient;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.EnumerationDefinition;
import io.keyhold.protocol.spec.EnumerationValue;
import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.TagDefinition;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code keyhold attributes get|list|add|modify|delete}: KMIP Get Attributes, Get Attribute List, Add
 * Attribute, Modify Attribute and Delete Attribute. Attributes are named as the specification spells them
 * ("Contact Information", "Object Group") or as custom "x-..." names; values are given and shown as text
 * (enumerations by name, masks as names joined by commas, times in ISO 8601).
 */
@Command(name = "attributes", mixinStandardHelpOptions = true,
        description = "Reads and changes the attributes of an object (Get Attributes, Get Attribute List, Add "
                + "Attribute, Modify Attribute, Delete Attribute).",
        subcommands = {AttributesCommand.GetAttributes.class, AttributesCommand.ListAttributes.class,
                AttributesCommand.Add.class, AttributesCommand.Modify.class, AttributesCommand.Delete.class,
                OperationCommands.SetAttribute.class, OperationCommands.AdjustAttribute.class})
final class AttributesCommand implements Callable<Integer> {
    private static final SpecTable TABLE = SpecTable.get();

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand (get, list, add, modify, delete, set, adjust)");
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Prints the object's attributes (Get Attributes), all of them or those named.",
            footer = {"", "Examples:", "  keyhold attributes get --id 42",
                    "  keyhold attributes get --id 42 --name State --name \"Cryptographic Length\""})
    static final class GetAttributes extends ClientCommand {
        @Option(names = "--id", paramLabel = "UID", required = true, description = "The object's Unique Identifier.")
        String id;

        @Option(names = "--name", paramLabel = "NAME", description = "An attribute to read (repeatable; default: all).")
        List<String> names = new ArrayList<>();

        @Override
        int run(KmipClient kmip) throws Exception {
            List<KmipAttribute> attributes = kmip.getAttributes(id, names.toArray(new String[0]));
            if (json) {
                ObjectNode o = jsonObject();
                o.put("id", id);
                ArrayNode a = o.putArray("attributes");
                for (KmipAttribute k : attributes) {
                    ObjectNode e = a.addObject();
                    e.put("name", k.name());
                    e.put("index", k.index());
                    e.put("value", render(k.value()));
                }
                printJson(o);
            } else {
                int width = attributes.stream().mapToInt(k -> k.name().length()).max().orElse(0);
                for (KmipAttribute k : attributes) {
                    out().println(String.format("%-" + (width + 1) + "s %s", k.name() + ":", render(k.value())));
                }
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Prints the names of the object's attributes (Get Attribute List), one a line.")
    static final class ListAttributes extends ClientCommand {
        @Option(names = "--id", paramLabel = "UID", required = true, description = "The object's Unique Identifier.")
        String id;

        @Override
        int run(KmipClient kmip) throws Exception {
            List<String> names = kmip.getAttributeList(id);
            if (json) {
                ObjectNode o = jsonObject();
                o.put("id", id);
                ArrayNode a = o.putArray("names");
                names.forEach(a::add);
                printJson(o);
            } else {
                names.forEach(out()::println);
            }
            return 0;
        }
    }

    /** A change of one attribute: --id, --name and, for add and modify, --value. */
    abstract static class Change extends ClientCommand {
        @Option(names = "--id", paramLabel = "UID", required = true, description = "The object's Unique Identifier.")
        String id;

        @Option(names = "--name", paramLabel = "NAME", required = true,
                description = "The attribute: \"Contact Information\", \"Object Group\", Name, x-owner, ...")
        String name;

        void printDone(String what) throws Exception {
            if (json) {
                ObjectNode o = jsonObject();
                o.put("id", id);
                o.put("name", name);
                printJson(o);
            } else {
                out().println(what + " " + name + " of " + id);
            }
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Adds an attribute to the object (Add Attribute).",
            footer = {"", "Examples:", "  keyhold attributes add --id 42 --name x-owner --value payments",
                    "  keyhold attributes add --id 42 --name \"Object Group\" --value billing"})
    static final class Add extends Change {
        @Option(names = "--value", paramLabel = "VALUE", required = true, description = "The value, as text.")
        String value;

        @Override
        int run(KmipClient kmip) throws Exception {
            kmip.addAttribute(id, parse(name, value));
            printDone("added");
            return 0;
        }
    }

    @Command(name = "modify", mixinStandardHelpOptions = true,
            description = "Gives an attribute of the object a new value (Modify Attribute).",
            footer = {"", "Example:", "  keyhold attributes modify --id 42 --name \"Contact Information\" \\",
                    "      --value ops@example.com"})
    static final class Modify extends Change {
        @Option(names = "--value", paramLabel = "VALUE", required = true, description = "The new value, as text.")
        String value;

        @Option(names = "--index", paramLabel = "N", defaultValue = "0",
                description = "Which instance, when there are several (default: ${DEFAULT-VALUE}).")
        int index;

        @Override
        int run(KmipClient kmip) throws Exception {
            kmip.modifyAttribute(id, KmipAttributes.withIndex(parse(name, value), index));
            printDone("modified");
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Deletes an attribute of the object (Delete Attribute).",
            footer = {"", "Example:", "  keyhold attributes delete --id 42 --name x-owner"})
    static final class Delete extends Change {
        @Option(names = "--index", paramLabel = "N", defaultValue = "0",
                description = "Which instance, when there are several (default: ${DEFAULT-VALUE}).")
        int index;

        @Override
        int run(KmipClient kmip) throws Exception {
            kmip.deleteAttribute(id, name, index);
            printDone("deleted");
            return 0;
        }
    }

    /**
     * The attribute of this name with the value given as text.
     *
     * @throws IllegalArgumentException for an unknown attribute or a value that does not fit it
     */
    static KmipAttribute parse(String name, String text) {
        if (AttributeMapping.isCustomName(name)) {
            return KmipAttributes.custom(name, text);
        }
        TagDefinition tag = TABLE.tagByName(name).or(() -> TABLE.tagByName(name.replace(" ", "")))
                .orElseThrow(() -> new IllegalArgumentException("--name: unknown attribute '" + name
                        + "' (spec names such as \"Contact Information\", or custom x-NAME)"));
        if (tag.name().equals("Name")) {
            return KmipAttributes.name(text);
        }
        ItemType type = tag.itemTypes().isEmpty() ? ItemType.TEXT_STRING : tag.itemTypes().get(0);
        int t = tag.value();
        String v = text.trim();
        try {
            TtlvItem item = switch (type) {
                case TEXT_STRING -> TtlvItem.text(t, text);
                case INTEGER -> {
                    Optional<EnumerationDefinition> mask = TABLE.valuesOf(t).filter(EnumerationDefinition::isMask);
                    if (mask.isPresent() && !v.matches("-?\\d+")) {
                        int bits = 0;
                        for (String part : v.split("[,|]")) {
                            bits |= value(mask.get(), part.trim(), tag.name());
                        }
                        yield TtlvItem.integer(t, bits);
                    }
                    yield TtlvItem.integer(t, Integer.parseInt(v));
                }
                case LONG_INTEGER -> TtlvItem.longInteger(t, Long.parseLong(v));
                case ENUMERATION -> {
                    EnumerationDefinition values = TABLE.valuesOf(t).orElseThrow(
                            () -> new IllegalArgumentException("attribute " + tag.name() + " cannot be given as text"));
                    yield TtlvItem.enumeration(t, value(values, v, tag.name()));
                }
                case BOOLEAN -> switch (v.toLowerCase(Locale.ROOT)) {
                    case "true", "yes" -> TtlvItem.bool(t, true);
                    case "false", "no" -> TtlvItem.bool(t, false);
                    default -> throw new IllegalArgumentException("attribute " + tag.name() + ": '" + text
                            + "' (expected: true or false)");
                };
                case DATE_TIME -> TtlvItem.dateTime(t, instant(v));
                case INTERVAL -> TtlvItem.interval(t, Long.parseLong(v));
                default -> throw new IllegalArgumentException("attribute " + tag.name() + " (" + type
                        + ") cannot be given as text");
            };
            return KmipAttribute.of(item);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("attribute " + tag.name() + ": '" + text + "' is not a number");
        }
    }

    private static int value(EnumerationDefinition values, String text, String attribute) {
        String want = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        for (EnumerationValue e : values.values()) {
            if (e.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "").equals(want)) {
                return e.value();
            }
        }
        throw new IllegalArgumentException("attribute " + attribute + ": unknown value '" + text + "' (expected: "
                + String.join(", ", values.values().stream().map(EnumerationValue::name).toList()) + ")");
    }

    private static Instant instant(String v) {
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException("'" + v + "' is not a time (expected: 2027-01-01T00:00:00Z or 2027-01-01)");
            }
        }
    }

    /** The value as text: enumerations and mask bits by name, times in ISO 8601, bytes in hex. */
    static String render(TtlvItem item) {
        return switch (item.type()) {
            case STRUCTURE -> {
                if (item.tag() == Tag.NAME) {
                    yield item.child(Tag.NAME_VALUE).map(TtlvItem::textValue).orElse("");
                }
                List<String> parts = new ArrayList<>();
                for (TtlvItem c : item.children()) {
                    parts.add(TABLE.tag(c.tag()).map(TagDefinition::name).orElse(c.tagHex()) + "=" + render(c));
                }
                yield "{" + String.join(", ", parts) + "}";
            }
            case TEXT_STRING -> item.textValue();
            case INTEGER -> {
                Optional<EnumerationDefinition> mask = TABLE.valuesOf(item.tag()).filter(EnumerationDefinition::isMask);
                if (mask.isEmpty()) {
                    yield Integer.toString(item.intValue());
                }
                List<String> bits = new ArrayList<>();
                int rest = item.intValue();
                for (EnumerationValue e : mask.get().values()) {
                    if (e.value() != 0 && (rest & e.value()) == e.value()) {
                        bits.add(e.name());
                        rest &= ~e.value();
                    }
                }
                if (rest != 0) {
                    bits.add(String.format("0x%08X", rest));
                }
                yield String.join(",", bits);
            }
            case ENUMERATION -> TABLE.valuesOf(item.tag()).flatMap(d -> d.byValue(item.enumValue()))
                    .map(EnumerationValue::name).orElse(String.format("0x%08X", item.enumValue()));
            case LONG_INTEGER -> Long.toString(item.longValue());
            case BIG_INTEGER -> item.bigIntegerValue().toString();
            case BOOLEAN -> Boolean.toString(item.booleanValue());
            case BYTE_STRING -> ClientCommand.hex(item.bytesValue());
            case DATE_TIME -> Instant.ofEpochSecond(item.dateTimeValue()).toString();
            case INTERVAL -> item.intervalValue() + " s";
            case DATE_TIME_EXTENDED -> Instant.EPOCH.plusNanos(item.dateTimeExtendedValue() * 1000).toString();
        };
    }
}
