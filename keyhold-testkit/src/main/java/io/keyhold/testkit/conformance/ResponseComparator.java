package io.keyhold.testkit.conformance;

import io.keyhold.protocol.spec.EnumerationValue;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.Pkcs11Function;
import io.keyhold.protocol.spec.SpecTable;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.spec.TagDefinition;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares a server's Response Message with the one a vector expects, field by field, and names the
 * first difference. Exact by default: same fields in the same order, same types and values (masks are
 * Integers, so they compare numerically whatever order the vector names their bits in). Tolerant only
 * where the value is the server's own choice:
 *
 * <ul>
 *   <li>placeholders: "$UNIQUE_IDENTIFIER_0", "$SIGNATURE_DATA"... are bound where they first appear and
 *       must hold the same value wherever they appear again;</li>
 *   <li>time stamps: "$NOW±n" and dates the client did not send must lie within the run's time window
 *       (a date the requests hold must come back exactly);</li>
 *   <li>Result Message: present where the vector has one, any wording; an extra one is accepted;</li>
 *   <li>key bytes and digests the client had not sent, random bytes (RNG Retrieve), and the outputs of
 *       keys the server generated, of a server-chosen IV or of OAEP and PSS: same length, any value (a
 *       later request that sends the vector's value back sends this server's value instead), and the
 *       CK_INFO that PKCS#11 C_GetInfo returns (it describes the server's own library);</li>
 *   <li>lists the specification does not order: the attributes of Get Attributes and the names of Get
 *       Attribute List (every expected one present, nothing else when the request named them), the
 *       identifiers of Locate; Query answers, which list what a server supports, only need the kinds of
 *       field the vector shows;</li>
 *   <li>the server's random number generator: the value of a Random Number Generator attribute (1.x
 *       Attribute Value under that name, 2.x Random Number Generator) and RNG Parameters in a Query answer
 *       describe the server's own generator, so any well-formed RNG Parameters pass: a structure whose first
 *       field is an RNG Algorithm Enumeration and whose fields are all RNG Parameters fields of their types,
 *       each once (KMIP 1.4 section 2.1.18, 2.1 section 7);</li>
 *   <li>RNG Seed: the Data Length the server accepted may be anything from 0 to the length of the Data sent
 *       (KMIP 1.4 section 4.36, 2.1 section 6.1: how much seed it uses is the server's choice).</li>
 * </ul>
 *
 * Result Status, Result Reason, enumerations, lengths and every other field are exact.
 */
final class ResponseComparator {
    private static final SpecTable SPEC = SpecTable.get();
    private static final Pattern NOW = Pattern.compile("\\$NOW(?:([+-])(\\d{1,10}))?");
    private static final Pattern TEXT_PLACEHOLDER = Pattern.compile("\\$[A-Z][A-Z0-9_]*");
    /** Byte strings that hold key bytes or digests: the server's own when the client did not send them. */
    private static final Set<Integer> KEY_BYTES = Set.of(Tag.KEY_MATERIAL, Tag.KEY_VALUE, Tag.DIGEST_VALUE);
    /** Cryptographic outputs: the server's own when its key or its IV made them. */
    private static final Set<Integer> OUTPUTS = Set.of(Tag.DATA, Tag.SIGNATURE_DATA, Tag.MAC_DATA,
            Tag.AUTHENTICATED_ENCRYPTION_TAG, Tag.IV_COUNTER_NONCE);
    /** Byte strings never printed in a report. */
    private static final Set<Integer> SECRET = Set.of(Tag.KEY_MATERIAL, Tag.KEY_VALUE);
    private static final Set<Integer> GENERATING = Set.of(Operation.CREATE.value(), Operation.CREATE_KEY_PAIR.value(),
            Operation.DERIVE_KEY.value(), Operation.RE_KEY.value(), Operation.RE_KEY_KEY_PAIR.value(),
            Operation.CREATE_SPLIT_KEY.value(), Operation.JOIN_SPLIT_KEY.value(), Operation.CERTIFY.value());

    /** The fields of RNG Parameters (KMIP 1.4 section 2.1.18, 2.1 section 7), RNG Algorithm first. */
    private static final Set<Integer> RNG_FIELDS = Set.of(Tag.RNG_ALGORITHM, Tag.CRYPTOGRAPHIC_ALGORITHM,
            Tag.CRYPTOGRAPHIC_LENGTH, Tag.HASHING_ALGORITHM, Tag.DRBG_ALGORITHM, Tag.RECOMMENDED_CURVE,
            Tag.FIPS186_VARIATION, Tag.PREDICTION_RESISTANCE);
    private static final String RNG_ATTRIBUTE = "Random Number Generator";

    private final VectorFile vector;
    private final long toleranceSeconds;

    /**
     * @param vector           the file, for its placeholders and the literals its requests hold
     * @param toleranceSeconds how far a server time stamp may lie outside the run's window
     */
    ResponseComparator(VectorFile vector, long toleranceSeconds) {
        this.vector = vector;
        this.toleranceSeconds = toleranceSeconds;
    }

    /** The time window of the run so far: server time stamps must lie in it, give or take the tolerance. */
    record Window(Instant first, Instant last) {}

    /** What one batch item is about: its operation and the request payload sent for it (after substitution). */
    private record Item(int operation, TtlvItem requestPayload, boolean serverKey, boolean serverIv) {}

    /**
     * @param request  the request as sent, placeholders substituted
     * @param bindings bound on success; untouched when a difference is returned
     */
    Optional<Difference> compare(TtlvItem expected, TtlvItem actual, TtlvItem request, int step, Bindings bindings,
            Window window, String path) {
        Bindings trial = bindings.copy();
        Optional<Difference> d = new Run(trial, window, request, step).item(expected, actual, path, null);
        if (d.isEmpty()) {
            trial.rememberFields(actual);
            bindings.adopt(trial);
        }
        return d;
    }

    /** One comparison; its bindings are a trial copy. */
    private final class Run {
        private Bindings bindings;
        private final Window window;
        private final List<TtlvItem> requestItems;
        private final Optional<TtlvItem> requestHeader;
        private final int step;
        private int batchIndex;

        Run(Bindings bindings, Window window, TtlvItem request, int step) {
            this.bindings = bindings;
            this.step = step;
            this.window = window;
            this.requestItems = request.isStructure() ? request.childrenWith(Tag.BATCH_ITEM) : List.of();
            this.requestHeader = request.isStructure() ? request.child(Tag.REQUEST_HEADER) : Optional.empty();
        }

        Optional<Difference> item(TtlvItem e, TtlvItem a, String path, Item ctx) {
            if (a.tag() != e.tag()) {
                return diff(path, name(e.tag()), name(a.tag()));
            }
            if (a.type() != e.type()) {
                return diff(path, e.type().xmlName(), a.type().xmlName() + " " + show(a));
            }
            if (e.tag() == Tag.DATA_LENGTH && ctx != null && ctx.operation() == Operation.RNG_SEED.value()) {
                return seedAccepted(a, path, ctx);
            }
            return switch (e.type()) {
                case STRUCTURE -> structure(e, a, path, ctx);
                case TEXT_STRING -> text(e, a, path);
                case DATE_TIME -> time(e, a, a.dateTimeValue(), path);
                case DATE_TIME_EXTENDED -> time(e, a, Math.floorDiv(a.dateTimeExtendedValue(), 1_000_000L), path);
                case BYTE_STRING -> bytes(e, a, path, ctx);
                default -> e.equals(a) ? Optional.empty() : diff(path, shown(e), show(a));
            };
        }

        private Optional<Difference> structure(TtlvItem e, TtlvItem a, String path, Item ctx) {
            if (e.tag() == Tag.RANDOM_NUMBER_GENERATOR) {
                return rngParameters(a, path);
            }
            if (e.tag() == Tag.ATTRIBUTE && isRngAttribute(e) && isRngAttribute(a)) {
                Optional<Difference> d = ordered(withoutValue(e), withoutValue(a), path, ctx);
                if (d.isPresent()) {
                    return d;
                }
                Optional<TtlvItem> value = a.child(Tag.ATTRIBUTE_VALUE);
                return value.isEmpty() ? diff(path + " / " + name(Tag.ATTRIBUTE_VALUE), "RNG Parameters", "missing")
                        : rngParameters(value.get(), path + " / " + name(Tag.ATTRIBUTE_VALUE));
            }
            if (e.tag() == Tag.BATCH_ITEM) {
                ctx = itemContext(e);
                List<TtlvItem> actual = a.children();
                if (e.child(Tag.RESULT_MESSAGE).isEmpty()) {
                    actual = actual.stream().filter(c -> c.tag() != Tag.RESULT_MESSAGE).toList();
                }
                Optional<Difference> d = ordered(e.children(), actual, path, ctx).map(x -> withReason(x, a));
                if (d.isEmpty() && GENERATING.contains(ctx.operation())) {
                    a.child(Tag.RESPONSE_PAYLOAD).ifPresent(this::markGenerated);
                }
                return d;
            }
            if (e.tag() == Tag.RESPONSE_HEADER) {
                boolean expectsServerPlaceholder = e.child(Tag.SERVER_CORRELATION_VALUE).filter(s -> s.type()
                        == ItemType.TEXT_STRING && TEXT_PLACEHOLDER.matcher(s.textValue()).matches()).isPresent();
                List<TtlvItem> expected = expectsServerPlaceholder ? e.children() : e.children().stream()
                        .filter(c -> c.tag() != Tag.SERVER_CORRELATION_VALUE).toList();
                return ordered(expected, header(e, a), path, ctx);
            }
            if (e.tag() == Tag.RESPONSE_PAYLOAD && ctx != null) {
                int op = ctx.operation();
                if (op == Operation.QUERY.value()) {
                    return kinds(e, a, path);
                }
                if (op == Operation.GET_ATTRIBUTES.value() || op == Operation.GET_ATTRIBUTE_LIST.value()) {
                    boolean exact = ctx.requestPayload() != null && ctx.requestPayload().children().stream()
                            .anyMatch(c -> c.tag() == Tag.ATTRIBUTE_NAME || c.tag() == Tag.ATTRIBUTE_REFERENCE);
                    return unordered(e.children(), a.children(), path, ctx, exact);
                }
                if (op == Operation.LOCATE.value()) {
                    return unordered(e.children(), a.children(), path, ctx, true);
                }
            }
            if (e.tag() == Tag.ATTRIBUTES && ctx != null && ctx.operation() == Operation.GET_ATTRIBUTES.value()) {
                boolean exact = ctx.requestPayload() != null && ctx.requestPayload().children().stream()
                        .anyMatch(c -> c.tag() == Tag.ATTRIBUTE_REFERENCE);
                return unordered(e.children(), a.children(), path, ctx, exact);
            }
            return ordered(e.children(), a.children(), path, ctx);
        }

        /**
         * The actual header without the optional fields whose presence is the server's choice: a Client
         * Correlation Value echoing the request's, and a Server Correlation Value (its value is the server's
         * own; a vector that binds it as a placeholder still needs it, since the next request uses it).
         */
        private List<TtlvItem> header(TtlvItem e, TtlvItem a) {
            Optional<TtlvItem> sent = requestHeader.flatMap(h -> h.child(Tag.CLIENT_CORRELATION_VALUE));
            boolean expectsClient = e.child(Tag.CLIENT_CORRELATION_VALUE).isPresent();
            boolean expectsServerPlaceholder = e.child(Tag.SERVER_CORRELATION_VALUE)
                    .filter(s -> s.type() == ItemType.TEXT_STRING && TEXT_PLACEHOLDER.matcher(s.textValue()).matches())
                    .isPresent();
            return a.children().stream()
                    .filter(c -> c.tag() != Tag.CLIENT_CORRELATION_VALUE || expectsClient || !sent.equals(Optional.of(c)))
                    .filter(c -> c.tag() != Tag.SERVER_CORRELATION_VALUE || expectsServerPlaceholder)
                    .toList();
        }

        private Optional<Difference> ordered(List<TtlvItem> e, List<TtlvItem> a, String path, Item ctx) {
            for (int i = 0; i < Math.max(e.size(), a.size()); i++) {
                if (i >= a.size()) {
                    return diff(childPath(path, e, i), shown(e.get(i)), "missing");
                }
                if (i >= e.size()) {
                    return diff(childPath(path, a, i), "nothing (no further field)", show(a.get(i)));
                }
                TtlvItem ei = e.get(i);
                TtlvItem ai = a.get(i);
                if (ei.tag() != ai.tag()) {
                    boolean laterExpected = e.subList(i, e.size()).stream().anyMatch(x -> x.tag() == ai.tag());
                    return laterExpected
                            ? diff(childPath(path, e, i), shown(ei), "missing (found " + name(ai.tag()) + " there)")
                            : diff(childPath(path, e, i), shown(ei), show(ai));
                }
                Optional<Difference> d = item(ei, ai, childPath(path, e, i), ctx);
                if (d.isPresent()) {
                    return d;
                }
            }
            return Optional.empty();
        }

        /**
         * Every expected child must match a distinct actual child, in any order; with {@code exact}, no actual
         * child may be left over. Identifiers stay ordered in front (the first Unique Identifier names the object).
         */
        private Optional<Difference> unordered(List<TtlvItem> e, List<TtlvItem> a, String path, Item ctx, boolean exact) {
            List<TtlvItem> left = new ArrayList<>(a);
            for (int i = 0; i < e.size(); i++) {
                TtlvItem ei = e.get(i);
                Optional<Difference> firstMiss = Optional.empty();
                boolean matched = false;
                for (int j = 0; j < left.size() && !matched; j++) {
                    if (left.get(j).tag() != ei.tag()) {
                        continue;
                    }
                    Bindings saved = bindings;
                    bindings = saved.copy();
                    Optional<Difference> d = item(ei, left.get(j), childPath(path, e, i), ctx);
                    if (d.isEmpty()) {
                        saved.adopt(bindings);
                        left.remove(j);
                        matched = true;
                    } else if (firstMiss.isEmpty() && sameFirstField(ei, left.get(j))) {
                        firstMiss = d;
                    }
                    bindings = saved;
                }
                if (!matched) {
                    return firstMiss.isPresent() ? firstMiss : diff(childPath(path, e, i), shown(ei), "missing");
                }
            }
            if (exact && !left.isEmpty()) {
                return diff(path + " / " + name(left.get(0).tag()), "nothing (not requested)", show(left.get(0)));
            }
            return Optional.empty();
        }

        /** A different Result Status, told with the server's Result Reason and Result Message. */
        private Difference withReason(Difference d, TtlvItem actualBatchItem) {
            if (!d.path().endsWith(" / " + name(Tag.RESULT_STATUS))) {
                return d;
            }
            String reason = actualBatchItem.child(Tag.RESULT_REASON).map(ResponseComparator::show).orElse("");
            String message = actualBatchItem.child(Tag.RESULT_MESSAGE).map(ResponseComparator::show).orElse("");
            String why = (reason + " " + message).trim();
            return why.isEmpty() ? d : new Difference(d.path(), d.expected(), d.actual() + " (" + why + ")");
        }

        /** Whether two structures start with the same field (an Attribute with the same Attribute Name). */
        private boolean sameFirstField(TtlvItem e, TtlvItem a) {
            if (e.tag() == Tag.RANDOM_NUMBER_GENERATOR) {
                return true; // single-valued, and its fields are the server's: the one there is the one compared
            }
            if (!e.isStructure() || !a.isStructure() || e.children().isEmpty() || a.children().isEmpty()) {
                return false;
            }
            Bindings saved = bindings;
            bindings = saved.copy();
            boolean same = item(e.children().get(0), a.children().get(0), "", null).isEmpty();
            bindings = saved;
            return same;
        }

        /**
         * Query: each kind of field the vector shows must be there at least once; values are the server's
         * (RNG Parameters must be well formed).
         */
        private Optional<Difference> kinds(TtlvItem e, TtlvItem a, String path) {
            for (TtlvItem c : e.children()) {
                if (a.child(c.tag()).isEmpty()) {
                    return diff(path + " / " + name(c.tag()), "at least one " + name(c.tag()), "none");
                }
                if (c.tag() == Tag.RNG_PARAMETERS) {
                    List<TtlvItem> given = a.childrenWith(Tag.RNG_PARAMETERS);
                    for (int i = 0; i < given.size(); i++) {
                        Optional<Difference> d = rngParameters(given.get(i), childPath(path, a.children(),
                                a.children().indexOf(given.get(i))));
                        if (d.isPresent()) {
                            return d;
                        }
                    }
                }
            }
            return Optional.empty();
        }

        /**
         * The server's generator, described as RNG Parameters: a structure whose first field is the RNG
         * Algorithm Enumeration and whose every field is an RNG Parameters field of its type, once.
         */
        private Optional<Difference> rngParameters(TtlvItem a, String path) {
            String want = "RNG Parameters (the server's generator)";
            if (!a.isStructure()) {
                return diff(path, want, a.type().xmlName() + " " + show(a));
            }
            List<TtlvItem> fields = a.children();
            if (fields.isEmpty() || fields.get(0).tag() != Tag.RNG_ALGORITHM || fields.get(0).type() != ItemType.ENUMERATION) {
                return diff(path + " / " + name(Tag.RNG_ALGORITHM), want + " starting with an RNG Algorithm Enumeration",
                        fields.isEmpty() ? "missing" : name(fields.get(0).tag()) + " " + show(fields.get(0)));
            }
            java.util.Set<Integer> seen = new java.util.HashSet<>();
            for (TtlvItem f : fields) {
                String at = path + " / " + name(f.tag());
                if (!RNG_FIELDS.contains(f.tag())) {
                    return diff(at, "only RNG Parameters fields", show(f));
                }
                if (!seen.add(f.tag())) {
                    return diff(at, "one " + name(f.tag()), "a second one");
                }
                Optional<ItemType> type = SPEC.tag(f.tag()).map(TagDefinition::itemTypes)
                        .filter(t -> !t.isEmpty()).map(t -> t.get(0));
                if (type.isPresent() && f.type() != type.get()) {
                    return diff(at, type.get().xmlName(), f.type().xmlName() + " " + show(f));
                }
            }
            return Optional.empty();
        }

        /** RNG Seed's Data Length: an Integer from 0 to the length of the Data the request sent. */
        private Optional<Difference> seedAccepted(TtlvItem a, String path, Item ctx) {
            int sent = ctx.requestPayload() == null ? 0 : ctx.requestPayload().child(Tag.DATA)
                    .filter(d -> d.type() == ItemType.BYTE_STRING).map(TtlvItem::bytesLength).orElse(0);
            String want = "an Integer from 0 to " + sent + " (the seed accepted, of " + sent + " bytes sent)";
            if (a.type() != ItemType.INTEGER) {
                return diff(path, want, a.type().xmlName() + " " + show(a));
            }
            return a.intValue() >= 0 && a.intValue() <= sent ? Optional.empty() : diff(path, want, show(a));
        }

        private Optional<Difference> text(TtlvItem e, TtlvItem a, String path) {
            String want = e.textValue();
            if (e.tag() == Tag.RESULT_MESSAGE) {
                return Optional.empty();
            }
            if (TEXT_PLACEHOLDER.matcher(want).matches()) {
                return bound(want, e, a, path);
            }
            if (e.tag() == Tag.ATTRIBUTE_NAME) {
                want = want.replaceAll("\\s+", " ");
            }
            return want.equals(a.textValue()) ? Optional.empty() : diff(path, shown(e), show(a));
        }

        private Optional<Difference> bound(String placeholder, TtlvItem e, TtlvItem a, String path) {
            Optional<TtlvItem> b = bindings.get(placeholder);
            if (b.isEmpty()) {
                bindings.bind(placeholder, a);
                return Optional.empty();
            }
            boolean same = b.get().type() == a.type() && (a.type() == ItemType.BYTE_STRING
                    ? Arrays.equals(b.get().bytesValue(), a.bytesValue()) : b.get().textValue().equals(a.textValue()));
            return same ? Optional.empty() : diff(path, placeholder + " = " + show(b.get()), show(a));
        }

        private Optional<Difference> time(TtlvItem e, TtlvItem a, long actualSeconds, String path) {
            Optional<String> placeholder = vector.marks().nameOf(e);
            long offset = 0;
            if (placeholder.isPresent()) {
                Matcher m = NOW.matcher(placeholder.get());
                if (!m.matches()) {
                    return diff(path, "a value for " + placeholder.get() + " (unknown time placeholder)", show(a));
                }
                offset = m.group(1) == null ? 0 : Long.parseLong(m.group(2)) * (m.group(1).equals("-") ? -1 : 1);
            } else {
                long want = e.type() == ItemType.DATE_TIME ? e.dateTimeValue() : Math.floorDiv(e.dateTimeExtendedValue(), 1_000_000L);
                if (vector.requestsHoldTime(want, step)) {
                    return want == actualSeconds ? Optional.empty() : diff(path, shown(e), show(a));
                }
            }
            long from = window.first().getEpochSecond() + offset - toleranceSeconds;
            long to = window.last().getEpochSecond() + offset + toleranceSeconds;
            if (actualSeconds >= from && actualSeconds <= to) {
                return Optional.empty();
            }
            return diff(path, placeholder.orElse("a server time stamp") + " (" + Instant.ofEpochSecond(from) + " to "
                    + Instant.ofEpochSecond(to) + ")", show(a));
        }

        private Optional<Difference> bytes(TtlvItem e, TtlvItem a, String path, Item ctx) {
            Optional<String> placeholder = vector.marks().nameOf(e);
            if (placeholder.isPresent()) {
                return bound(placeholder.get(), e, a, path);
            }
            byte[] want = e.bytesValue();
            if (vector.requestsHold(want, step) || !serverChosen(e.tag(), ctx)) {
                return Arrays.equals(want, a.bytesValue()) ? Optional.empty() : diff(path, shown(e), show(a));
            }
            if (want.length != a.bytesLength()) {
                return diff(path, want.length + " bytes (server-chosen value)", a.bytesLength() + " bytes");
            }
            bindings.replaceLiteral(want, a.bytesValue());
            return Optional.empty();
        }

        private boolean serverChosen(int tag, Item ctx) {
            if (KEY_BYTES.contains(tag)) {
                return true;
            }
            if (ctx == null) {
                return false;
            }
            if (ctx.operation() == Operation.RNG_RETRIEVE.value() && tag == Tag.DATA) {
                return true;
            }
            if (isPkcs11LibraryInfo(tag, ctx)) {
                return true;
            }
            boolean randomized = vector.usesRandomizedPadding() && (ctx.operation() == Operation.ENCRYPT.value()
                    || ctx.operation() == Operation.SIGN.value());
            return OUTPUTS.contains(tag) && (ctx.serverKey() || ctx.serverIv() || randomized);
        }

        /**
         * PKCS#11 C_GetInfo: the Output Parameters are a CK_INFO describing the server's own Cryptoki library
         * (manufacturer, description, versions), so any bytes of the CK_INFO's length are the server's choice.
         */
        private boolean isPkcs11LibraryInfo(int tag, Item ctx) {
            return tag == Tag.PKCS_11_OUTPUT_PARAMETERS && ctx.operation() == Operation.PKCS_11.value()
                    && ctx.requestPayload() != null && ctx.requestPayload().child(Tag.PKCS_11_FUNCTION)
                    .filter(f -> f.type() == ItemType.ENUMERATION && f.enumValue() == Pkcs11Function.C_GETINFO.value())
                    .isPresent();
        }

        private Item itemContext(TtlvItem expectedBatchItem) {
            int op = expectedBatchItem.child(Tag.OPERATION).filter(o -> o.type() == ItemType.ENUMERATION)
                    .map(TtlvItem::enumValue).orElse(-1);
            TtlvItem request = batchIndex < requestItems.size() ? requestItems.get(batchIndex) : null;
            batchIndex++;
            TtlvItem payload = request == null ? null : request.child(Tag.REQUEST_PAYLOAD).orElse(null);
            boolean serverKey = false;
            boolean serverIv = false;
            if (payload != null && payload.isStructure()) {
                serverKey = payload.child(Tag.UNIQUE_IDENTIFIER).filter(u -> u.type() == ItemType.TEXT_STRING)
                        .map(u -> bindings.isGenerated(u.textValue())).orElse(false);
                serverIv = payload.child(Tag.IV_COUNTER_NONCE).isEmpty() && expectedBatchItem.child(Tag.RESPONSE_PAYLOAD)
                        .map(p -> p.child(Tag.IV_COUNTER_NONCE).isPresent()).orElse(false);
            }
            return new Item(op, payload, serverKey, serverIv);
        }

        /** An expected field for a report: a placeholder by its name. */
        private String shown(TtlvItem expected) {
            return vector.marks().nameOf(expected).orElseGet(() -> show(expected));
        }

        private void markGenerated(TtlvItem payload) {
            for (TtlvItem c : payload.children()) {
                if ((c.tag() == Tag.UNIQUE_IDENTIFIER || c.tag() == Tag.PRIVATE_KEY_UNIQUE_IDENTIFIER
                        || c.tag() == Tag.PUBLIC_KEY_UNIQUE_IDENTIFIER) && c.type() == ItemType.TEXT_STRING) {
                    bindings.markGenerated(c.textValue());
                }
            }
        }
    }

    /** Whether an Attribute structure (1.x) is named Random Number Generator. */
    private static boolean isRngAttribute(TtlvItem attribute) {
        return attribute.isStructure() && attribute.child(Tag.ATTRIBUTE_NAME).filter(n -> n.type() == ItemType.TEXT_STRING)
                .map(n -> n.textValue().replaceAll("\\s+", " ").equals(RNG_ATTRIBUTE)).orElse(false);
    }

    private static List<TtlvItem> withoutValue(TtlvItem attribute) {
        return attribute.children().stream().filter(c -> c.tag() != Tag.ATTRIBUTE_VALUE).toList();
    }

    private static Optional<Difference> diff(String path, String expected, String actual) {
        return Optional.of(new Difference(path, expected, actual));
    }

    private static String childPath(String path, List<TtlvItem> siblings, int index) {
        int tag = siblings.get(index).tag();
        long same = siblings.stream().filter(s -> s.tag() == tag).count();
        String n = name(tag);
        if (same > 1) {
            int k = 0;
            for (int i = 0; i < index; i++) {
                if (siblings.get(i).tag() == tag) {
                    k++;
                }
            }
            n += "[" + k + "]";
        }
        return path + " / " + n;
    }

    static String name(int tag) {
        return SPEC.tag(tag).map(TagDefinition::normalizedName).orElse(String.format("0x%06X", tag));
    }

    /** A field's value for a report; key bytes only by their length. */
    static String show(TtlvItem item) {
        return switch (item.type()) {
            case STRUCTURE -> name(item.tag()) + item.child(Tag.ATTRIBUTE_NAME).filter(n -> n.type() == ItemType.TEXT_STRING)
                    .map(n -> " \"" + n.textValue() + "\"").orElse("") + " (Structure of " + item.children().size() + " fields)";
            case ENUMERATION -> item.tag() == Tag.ATTRIBUTE_REFERENCE ? name(item.enumValue()) : SPEC.valuesOf(item.tag()).flatMap(d -> d.byValue(item.enumValue()))
                    .map(EnumerationValue::normalizedName).orElse(String.format("0x%08X", item.enumValue()));
            case TEXT_STRING -> "\"" + item.textValue() + "\"";
            case BYTE_STRING -> SECRET.contains(item.tag()) ? "[" + item.bytesLength() + " bytes]"
                    : item.bytesLength() > 48 ? "[" + item.bytesLength() + " bytes] "
                    + HexFormat.of().formatHex(item.bytesValue(), 0, 48) + "..."
                    : HexFormat.of().formatHex(item.bytesValue());
            case DATE_TIME -> Instant.ofEpochSecond(item.dateTimeValue()).toString();
            case DATE_TIME_EXTENDED -> Instant.EPOCH.plusNanos(item.dateTimeExtendedValue() * 1000).toString();
            case INTEGER -> Integer.toString(item.intValue());
            case LONG_INTEGER -> Long.toString(item.longValue());
            case BIG_INTEGER -> "[" + item.bigIntegerValue().bitLength() + "-bit Big Integer]";
            case BOOLEAN -> Boolean.toString(item.booleanValue());
            case INTERVAL -> item.intervalValue() + " s";
        };
    }
}
