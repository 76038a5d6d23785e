package io.keyhold.testkit.conformance;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Markdown report of a run: totals, a pass table by protocol version and profile, and for each
 * failing file the first differing field with its expected and actual values.
 */
public final class ConformanceReport {
    private ConformanceReport() {}

    /** "N passed, M failed". */
    public static String summary(List<FileResult> results) {
        long passed = results.stream().filter(FileResult::passed).count();
        return passed + " passed, " + (results.size() - passed) + " failed";
    }

    public static String markdown(List<FileResult> results) {
        StringBuilder out = new StringBuilder();
        out.append("# KMIP conformance: OASIS test vectors\n\n").append(summary(results)).append(".\n\n");
        out.append("## Passed by version and profile\n\n");
        Map<String, Map<String, int[]>> table = new TreeMap<>();
        TreeSet<String> profiles = new TreeSet<>();
        for (FileResult r : results) {
            String v = r.version().major() == 0 ? "unreadable" : r.version().toString();
            profiles.add(r.profile());
            int[] cell = table.computeIfAbsent(v, k -> new TreeMap<>()).computeIfAbsent(r.profile(), k -> new int[2]);
            cell[0] += r.passed() ? 1 : 0;
            cell[1]++;
        }
        out.append("| profile |");
        table.keySet().forEach(v -> out.append(' ').append(v).append(" |"));
        out.append(" all |\n|---|");
        table.keySet().forEach(v -> out.append("---|"));
        out.append("---|\n");
        for (String p : profiles) {
            out.append("| ").append(p.isEmpty() ? "-" : p).append(" |");
            int passed = 0;
            int total = 0;
            for (Map<String, int[]> row : table.values()) {
                int[] cell = row.get(p);
                out.append(' ').append(cell == null ? "" : cell[0] + "/" + cell[1]).append(" |");
                if (cell != null) {
                    passed += cell[0];
                    total += cell[1];
                }
            }
            out.append(' ').append(passed).append('/').append(total).append(" |\n");
        }
        out.append("| **all** |");
        int passedAll = 0;
        for (Map<String, int[]> row : table.values()) {
            int p = row.values().stream().mapToInt(c -> c[0]).sum();
            int t = row.values().stream().mapToInt(c -> c[1]).sum();
            passedAll += p;
            out.append(' ').append(p).append('/').append(t).append(" |");
        }
        out.append(' ').append(passedAll).append('/').append(results.size()).append(" |\n\n");
        out.append("## Failures: first differing field\n\n");
        if (results.stream().allMatch(FileResult::passed)) {
            out.append("None.\n");
        }
        for (FileResult r : results) {
            r.difference().ifPresent(d -> out.append("- `").append(r.name()).append("` at `").append(d.path())
                    .append("`: expected ").append(cell(d.expected())).append(", got ").append(cell(d.actual()))
                    .append('\n'));
        }
        return out.toString();
    }

    private static String cell(String value) {
        return "`" + value.replace("`", "'").replaceAll("\\R+", " ") + "`";
    }
}
