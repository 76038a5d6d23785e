package io.keyhold.testkit.conformance;

import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replays one vector file over a connection: each request in order, its placeholders filled in at send
 * time ($NOW±n from the clock; everything else from what earlier responses bound, or else the last value
 * of that field in the responses so far, as "$MAC_DATA" takes the last MAC Data), then the response
 * compared with the expected one by {@link ResponseComparator}. Stops at the first difference, since the
 * later steps of a vector build on the earlier ones.
 */
public final class VectorReplayer {
    private static final Pattern NOW = Pattern.compile("\\$NOW(?:([+-])(\\d{1,10}))?");
    private static final Pattern TEXT_PLACEHOLDER = Pattern.compile("\\$[A-Z][A-Z0-9_]*");

    private final Clock clock;
    private final long toleranceSeconds;

    /**
     * @param clock            what $NOW is
     * @param toleranceSeconds how far a server time stamp may lie outside the time the file took to replay
     */
    public VectorReplayer(Clock clock, long toleranceSeconds) {
        if (toleranceSeconds < 0) {
            throw new IllegalArgumentException("toleranceSeconds: " + toleranceSeconds + " (expected: >= 0)");
        }
        this.clock = clock;
        this.toleranceSeconds = toleranceSeconds;
    }

    public FileResult replay(VectorFile vector, KmipConnection connection) {
        ResponseComparator comparator = new ResponseComparator(vector, toleranceSeconds);
        Bindings bindings = new Bindings();
        Instant first = clock.instant();
        for (int step = 0; step < vector.steps(); step++) {
            String where = "message " + (step + 1);
            TtlvItem request;
            try {
                request = substitute(vector.request(step), vector.marks(), bindings, clock.instant().getEpochSecond());
            } catch (UnboundPlaceholder e) {
                return fail(vector, new Difference(where + " request", e.getMessage() + " bound by an earlier response",
                        "not bound"));
            }
            TtlvItem actual;
            try {
                actual = connection.exchange(request);
            } catch (IOException | CodecException e) {
                return fail(vector, new Difference(where, "a Response Message", "no response: "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())));
            }
            ResponseComparator.Window window = new ResponseComparator.Window(first, clock.instant());
            Optional<Difference> d = comparator.compare(vector.expectedResponse(step), actual, request, step, bindings, window,
                    where + " / " + ResponseComparator.name(actual.tag()));
            if (d.isPresent()) {
                return fail(vector, d.get());
            }
        }
        return new FileResult(vector.name(), vector.version(), vector.profile(), vector.steps(), Optional.empty());
    }

    private static FileResult fail(VectorFile vector, Difference d) {
        return new FileResult(vector.name(), vector.version(), vector.profile(), vector.steps(), Optional.of(d));
    }

    /** The request with every placeholder filled in. */
    static TtlvItem substitute(TtlvItem item, PlaceholderMarks marks, Bindings bindings, long nowSeconds)
            throws UnboundPlaceholder {
        if (item.isStructure()) {
            List<TtlvItem> children = new ArrayList<>(item.children().size());
            for (TtlvItem c : item.children()) {
                children.add(substitute(c, marks, bindings, nowSeconds));
            }
            return TtlvItem.structure(item.tag(), children);
        }
        if (item.type() == ItemType.TEXT_STRING) {
            String text = item.textValue();
            if (TEXT_PLACEHOLDER.matcher(text).matches()) {
                TtlvItem bound = bindings.get(text).filter(b -> b.type() == ItemType.TEXT_STRING)
                        .orElseThrow(() -> new UnboundPlaceholder(text));
                return TtlvItem.text(item.tag(), bound.textValue());
            }
            if (item.tag() == Tag.ATTRIBUTE_NAME && !text.equals(text.replaceAll("\\s+", " "))) {
                // the vectors rebuilt from the 1.0-1.2 documents carry line-break runs of spaces inside names
                return TtlvItem.text(item.tag(), text.replaceAll("\\s+", " "));
            }
            return item;
        }
        Optional<String> placeholder = marks.nameOf(item);
        if (placeholder.isEmpty()) {
            return item.type() == ItemType.BYTE_STRING
                    ? bindings.replacementFor(item.bytesValue()).map(b -> TtlvItem.bytes(item.tag(), b)).orElse(item)
                    : item;
        }
        String name = placeholder.get();
        Matcher now = NOW.matcher(name);
        if (now.matches()) {
            long offset = now.group(1) == null ? 0 : Long.parseLong(now.group(2)) * (now.group(1).equals("-") ? -1 : 1);
            long seconds = nowSeconds + offset;
            return item.type() == ItemType.DATE_TIME ? TtlvItem.dateTime(item.tag(), seconds)
                    : TtlvItem.dateTimeExtended(item.tag(), seconds * 1_000_000L);
        }
        Optional<TtlvItem> known = bindings.get(name).or(() -> bindings.lastOf(item.tag()));
        TtlvItem bound = known.filter(b -> b.type() == item.type()).orElseThrow(() -> new UnboundPlaceholder(name));
        bindings.bind(name, bound);
        return TtlvItem.bytes(item.tag(), bound.bytesValue());
    }

    /** A request needs a placeholder no earlier response has bound. */
    static final class UnboundPlaceholder extends Exception {
        UnboundPlaceholder(String placeholder) {
            super(placeholder, null, false, false);
        }
    }
}
