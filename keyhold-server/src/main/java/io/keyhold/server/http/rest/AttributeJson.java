package io.keyhold.server.http.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.message.AttributeMapping;
import io.keyhold.protocol.message.KmipAttribute;
import io.keyhold.protocol.spec.EnumerationDefinition;
import io.keyhold.protocol.spec.EnumerationValue;
import io.keyhold.protocol.spec.NameType;
import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.TagDefinition;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.http.HttpProblem;
import io.keyhold.server.ops.AttributeRules;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * KMIP attribute values as JSON and back. Enumerations are their spec names ("AES"), masks lists of bit names
 * (["Encrypt", "Decrypt"]), Date-Times ISO-8601 text, Byte Strings base64, Intervals seconds, structures
 * objects keyed by the spec names of their fields ({"Name Value": "k1", "Name Type": "Uninterpreted Text
 * String"}), a field repeated in a structure an array. A multi-valued attribute is an array of its instances,
 * a single-valued one its value.
 */
final class AttributeJson {
    private static final SpecTable SPEC = SpecTable.get();

    private AttributeJson() {}

    /** The attributes of a 2.x Attributes structure as a map from attribute name to value (or values). */
    static Map<String, Object> map(TtlvItem attributes) {
        Map<String, List<Object>> byName = new LinkedHashMap<>();
        for (TtlvItem item : attributes.children()) {
            KmipAttribute a;
            try {
                a = AttributeMapping.fromAttributeItem(item);
            } catch (KmipException e) {
                continue; // an attribute this table does not know: not shown
            }
            byName.computeIfAbsent(a.name(), k -> new ArrayList<>()).add(value(a.value()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        byName.forEach((name, values) -> out.put(name,
                values.size() == 1 && !AttributeRules.isMultiValued(name) ? values.get(0) : values));
        return out;
    }

    /** One item's value as JSON (maps, lists, strings, numbers, booleans). */
    static Object value(TtlvItem item) {
        return switch (item.type()) {
            case STRUCTURE -> {
                Map<String, Object> fields = new LinkedHashMap<>();
                for (TtlvItem child : item.children()) {
                    String name = SPEC.tag(child.tag()).map(TagDefinition::name).orElse(child.tagHex());
                    Object v = value(child);
                    Object before = fields.get(name);
                    if (before == null) {
                        fields.put(name, v);
                    } else if (before instanceof RepeatedField r) {
                        r.add(v);
                    } else {
                        RepeatedField r = new RepeatedField();
                        r.add(before);
                        r.add(v);
                        fields.put(name, r);
                    }
                }
                yield fields;
            }
            case ENUMERATION -> enumName(item.tag(), item.enumValue());
            case INTEGER -> {
                Optional<EnumerationDefinition> mask = SPEC.valuesOf(item.tag()).filter(EnumerationDefinition::isMask);
                yield mask.isPresent() ? maskNames(mask.get(), item.intValue()) : (Object) item.intValue();
            }
            case LONG_INTEGER -> item.longValue();
            case BIG_INTEGER -> item.bigIntegerValue();
            case BOOLEAN -> item.booleanValue();
            case TEXT_STRING -> item.textValue();
            case BYTE_STRING -> Base64.getEncoder().encodeToString(item.bytesValue());
            case DATE_TIME -> Instant.ofEpochSecond(item.dateTimeValue()).toString();
            case INTERVAL -> item.intervalValue();
            case DATE_TIME_EXTENDED -> Instant.EPOCH.plus(item.dateTimeExtendedValue(), ChronoUnit.MICROS).toString();
        };
    }

    /** A field given several times in one structure. */
    static final class RepeatedField extends ArrayList<Object> {
    }

    static String enumName(int tag, int value) {
        return SPEC.valuesOf(tag).flatMap(d -> d.byValue(value)).map(EnumerationValue::name)
                .orElse(String.format("0x%08X", value));
    }

    static List<String> maskNames(EnumerationDefinition mask, int bits) {
        List<String> names = new ArrayList<>();
        int rest = bits;
        for (EnumerationValue v : mask.values()) {
            if (v.value() != 0 && (bits & v.value()) == v.value() && !names.contains(v.name())) {
                names.add(v.name());
                rest &= ~v.value();
            }
        }
        if (rest != 0) {
            names.add(String.format("0x%08X", rest));
        }
        return names;
    }

    /**
     * The attribute a REST caller names ("Contact Information", "ContactInformation" or a vendor "x-Department")
     * with the JSON value given.
     */
    static KmipAttribute attribute(String name, JsonNode value) {
        if (AttributeMapping.isCustomName(name)) {
            return new KmipAttribute(name, 0, custom(value));
        }
        TagDefinition def = tagOf(name);
        return new KmipAttribute(def.name(), 0, item(def, value, "value"));
    }

    /** The spec's definition of an attribute tag, by spec or normalized name (400 when there is none). */
    static TagDefinition tagOf(String name) {
        return SPEC.tagByName(name)
                .orElseThrow(() -> HttpProblem.badRequest("'" + JsonBody.printable(name)
                        + "' is not a KMIP attribute name (for example Contact Information, or x-Department)"));
    }

    /** The 2.x Attribute Reference naming the attribute. */
    static TtlvItem reference(String name) {
        if (AttributeMapping.isCustomName(name)) {
            return TtlvItem.structure(Tag.ATTRIBUTE_REFERENCE, TtlvItem.text(Tag.VENDOR_IDENTIFICATION, name.substring(0, 1)),
                    TtlvItem.text(Tag.ATTRIBUTE_NAME, name.substring(2)));
        }
        return TtlvItem.enumeration(Tag.ATTRIBUTE_REFERENCE, tagOf(name).value());
    }

    /** The canonical name (the spec's spelling, or the vendor name as given). */
    static String canonicalName(String name) {
        return AttributeMapping.isCustomName(name) ? name : tagOf(name).name();
    }

    private static TtlvItem custom(JsonNode v) {
        if (v == null || v.isNull()) {
            throw JsonBody.missing("value", "a string, number or boolean");
        }
        if (v.isTextual()) {
            return TtlvItem.text(Tag.ATTRIBUTE_VALUE, v.textValue());
        }
        if (v.isBoolean()) {
            return TtlvItem.bool(Tag.ATTRIBUTE_VALUE, v.booleanValue());
        }
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return TtlvItem.integer(Tag.ATTRIBUTE_VALUE, v.intValue());
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return TtlvItem.longInteger(Tag.ATTRIBUTE_VALUE, v.longValue());
        }
        throw JsonBody.wrongType("value", "a string, integer or boolean for a vendor attribute");
    }

    /** The item of the tag's type that the JSON value stands for. */
    static TtlvItem item(TagDefinition def, JsonNode v, String field) {
        if (v == null || v.isNull()) {
            throw JsonBody.missing(field, "a value for " + def.name());
        }
        int tag = def.value();
        ItemType type = def.itemTypes().isEmpty() ? (v.isTextual() ? ItemType.TEXT_STRING : ItemType.INTEGER)
                : def.itemTypes().get(0);
        if (def.itemTypes().size() > 1 && v.isTextual() && def.itemTypes().contains(ItemType.TEXT_STRING)) {
            type = ItemType.TEXT_STRING;
        }
        String what = field + " (" + def.name() + ")";
        switch (type) {
            case STRUCTURE:
                if (tag == Tag.NAME && v.isTextual()) {
                    return TtlvItem.structure(Tag.NAME, TtlvItem.text(Tag.NAME_VALUE, v.textValue()),
                            TtlvItem.enumeration(Tag.NAME_TYPE, NameType.UNINTERPRETED_TEXT_STRING.value()));
                }
                if (!v.isObject()) {
                    throw JsonBody.wrongType(what, "an object keyed by the structure's field names");
                }
                List<TtlvItem> children = new ArrayList<>();
                Iterator<Map.Entry<String, JsonNode>> fields = v.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> f = fields.next();
                    TagDefinition child = SPEC.tagByName(f.getKey()).orElseThrow(() -> HttpProblem.badRequest(
                            "field " + what + ": '" + JsonBody.printable(f.getKey()) + "' is not a KMIP field name"));
                    boolean maskField = SPEC.valuesOf(child.value()).filter(EnumerationDefinition::isMask).isPresent();
                    if (f.getValue().isArray() && !maskField) {
                        for (JsonNode e : f.getValue()) {
                            children.add(item(child, e, field + "." + child.name()));
                        }
                    } else {
                        children.add(item(child, f.getValue(), field + "." + child.name()));
                    }
                }
                return TtlvItem.structure(tag, children);
            case ENUMERATION:
                if (v.isIntegralNumber() && v.canConvertToInt()) {
                    return TtlvItem.enumeration(tag, v.intValue());
                }
                if (!v.isTextual()) {
                    throw JsonBody.wrongType(what, "the name of a value");
                }
                if (def.takesTagValues()) {
                    return TtlvItem.enumeration(tag, tagOf(v.textValue()).value());
                }
                EnumerationDefinition values = SPEC.valuesOf(tag).orElseThrow(
                        () -> JsonBody.wrongType(what, "a number (the enumeration has no named values)"));
                return TtlvItem.enumeration(tag, JsonBody.enumValue(what, values.name(), v.textValue()));
            case INTEGER: {
                Optional<EnumerationDefinition> mask = SPEC.valuesOf(tag).filter(EnumerationDefinition::isMask);
                if (mask.isPresent() && (v.isArray() || v.isTextual())) {
                    int bits = 0;
                    for (JsonNode e : v.isArray() ? v : List.of(v)) {
                        if (!e.isTextual()) {
                            throw JsonBody.wrongType(what, "a list of " + mask.get().name() + " names");
                        }
                        bits |= JsonBody.enumValue(what, mask.get().name(), e.textValue());
                    }
                    return TtlvItem.integer(tag, bits);
                }
                if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                    throw JsonBody.wrongType(what, "an integer");
                }
                return TtlvItem.integer(tag, v.intValue());
            }
            case LONG_INTEGER:
                if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                    throw JsonBody.wrongType(what, "an integer");
                }
                return TtlvItem.longInteger(tag, v.longValue());
            case BIG_INTEGER:
                if (v.isIntegralNumber()) {
                    return TtlvItem.bigInteger(tag, v.bigIntegerValue());
                }
                if (v.isTextual() && v.textValue().matches("-?[0-9]+")) {
                    return TtlvItem.bigInteger(tag, new BigInteger(v.textValue()));
                }
                throw JsonBody.wrongType(what, "an integer");
            case BOOLEAN:
                if (!v.isBoolean()) {
                    throw JsonBody.wrongType(what, "true or false");
                }
                return TtlvItem.bool(tag, v.booleanValue());
            case TEXT_STRING:
                if (!v.isTextual()) {
                    throw JsonBody.wrongType(what, "a string");
                }
                return TtlvItem.text(tag, v.textValue());
            case BYTE_STRING:
                if (!v.isTextual()) {
                    throw JsonBody.wrongType(what, "base64 text");
                }
                return TtlvItem.bytes(tag, JsonBody.base64(what, v.textValue()));
            case DATE_TIME:
                return TtlvItem.dateTime(tag, instant(what, v).getEpochSecond());
            case DATE_TIME_EXTENDED: {
                Instant i = instant(what, v);
                return TtlvItem.dateTimeExtended(tag, ChronoUnit.MICROS.between(Instant.EPOCH, i));
            }
            case INTERVAL:
                if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                    throw JsonBody.wrongType(what, "a number of seconds");
                }
                return TtlvItem.interval(tag, v.longValue());
            default:
                throw JsonBody.wrongType(what, "a value of type " + type);
        }
    }

    private static Instant instant(String what, JsonNode v) {
        if (v.isIntegralNumber()) {
            return Instant.ofEpochSecond(v.longValue());
        }
        if (v.isTextual()) {
            try {
                return Instant.parse(v.textValue());
            } catch (DateTimeParseException e) {
                // answered below
            }
        }
        throw JsonBody.wrongType(what, "an ISO-8601 instant such as 2026-01-31T12:00:00Z");
    }
}
