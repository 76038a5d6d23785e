package io.keyhold.testkit.load;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The operations of a run and their weights: one operation ({@code get}, weight 1) or a weighted mix
 * ({@code mix:get=8,create=2}). Each connection draws its next operation with its own seeded
 * {@link SplittableRandom}, so that a run with the same seed sends the same sequence per connection.
 */
public record OperationMix(List<Entry> entries) {
    /** Upper bound of one weight, and of their sum. */
    public static final int MAX_WEIGHT = 1_000_000;

    /** One operation and its weight (greater than 0). */
    public record Entry(LoadOperation operation, int weight) {}

    public OperationMix {
        entries = List.copyOf(entries);
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a mix needs at least one operation");
        }
    }

    /** A run of one operation. */
    public static OperationMix of(LoadOperation operation) {
        return new OperationMix(List.of(new Entry(operation, 1)));
    }

    /**
     * Parses {@code OP} or {@code mix:OP=WEIGHT,OP=WEIGHT,...}; weights are whole numbers from 1, each
     * operation at most once.
     *
     * @throws IllegalArgumentException with a one-line message naming what is wrong
     */
    public static OperationMix parse(String spec) {
        String s = spec.trim();
        if (!s.startsWith("mix:")) {
            return of(LoadOperation.parse(s));
        }
        String body = s.substring(4);
        if (body.isBlank()) {
            throw new IllegalArgumentException("mix '" + spec + "' lists no operation (expected: mix:OP=WEIGHT,...)");
        }
        List<Entry> entries = new ArrayList<>();
        Set<LoadOperation> seen = new HashSet<>();
        long total = 0;
        for (String part : body.split(",", -1)) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("mix entry '" + part.trim() + "' has no weight (expected: OP=WEIGHT)");
            }
            LoadOperation op = LoadOperation.parse(part.substring(0, eq));
            if (op.measuresConnections()) {
                throw new IllegalArgumentException(op.cliName + " cannot be part of a mix (it measures connections)");
            }
            String w = part.substring(eq + 1).trim();
            int weight;
            try {
                weight = Integer.parseInt(w);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("mix weight '" + w + "' of " + op.cliName + " is not a whole number");
            }
            if (weight < 1 || weight > MAX_WEIGHT) {
                throw new IllegalArgumentException("mix weight " + weight + " of " + op.cliName + " (expected: 1 .. "
                        + MAX_WEIGHT + ")");
            }
            if (!seen.add(op)) {
                throw new IllegalArgumentException("mix names " + op.cliName + " twice");
            }
            total += weight;
            entries.add(new Entry(op, weight));
        }
        if (total > MAX_WEIGHT) {
            throw new IllegalArgumentException("mix weights add up to " + total + " (expected: at most " + MAX_WEIGHT + ")");
        }
        return new OperationMix(entries);
    }

    /** True for a run of one operation. */
    public boolean single() {
        return entries.size() == 1;
    }

    /** The sum of the weights. */
    public int totalWeight() {
        int t = 0;
        for (Entry e : entries) {
            t += e.weight();
        }
        return t;
    }

    /** True when the mix holds the operation. */
    public boolean contains(LoadOperation op) {
        return entries.stream().anyMatch(e -> e.operation() == op);
    }

    /**
     * The entry index for a draw {@code r} in [0, total weight): entries own consecutive ranges as long as
     * their weights, in order ({@code get=8,create=2}: 0..7 get, 8..9 create).
     */
    public int indexOf(int r) {
        if (r < 0 || r >= totalWeight()) {
            throw new IllegalArgumentException("draw " + r + " (expected: 0 .. " + (totalWeight() - 1) + ")");
        }
        int upTo = 0;
        for (int i = 0; i < entries.size(); i++) {
            upTo += entries.get(i).weight();
            if (r < upTo) {
                return i;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /**
     * The picker of one connection; connections of one seed get different but repeatable sequences. The
     * connection's seed is drawn from the run's seed, not offset from it: SplittableRandom seeds that differ by
     * multiples of its increment give the same sequence shifted.
     */
    public Picker picker(long seed, int connection) {
        long base = new SplittableRandom(seed).nextLong();
        return new Picker(this, new SplittableRandom(base + connection).nextLong());
    }

    /** Draws entry indexes by weight. Not thread-safe: one per connection. */
    public static final class Picker {
        private final OperationMix mix;
        private final int total;
        private final SplittableRandom random;

        Picker(OperationMix mix, long seed) {
            this.mix = mix;
            this.total = mix.totalWeight();
            this.random = new SplittableRandom(seed);
        }

        /** The index in {@link OperationMix#entries()} of the next operation. */
        public int next() {
            return total == 1 ? 0 : mix.indexOf(random.nextInt(total));
        }
    }

    /** "get" for one operation, else "mix:get=8,create=2". */
    @Override
    public String toString() {
        if (single()) {
            return entries.get(0).operation().cliName;
        }
        StringBuilder sb = new StringBuilder("mix:");
        for (int i = 0; i < entries.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(entries.get(i).operation().cliName).append('=').append(entries.get(i).weight());
        }
        return sb.toString();
    }
}
