package io.keyhold.server.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The samples of a Prometheus text scrape, found by metric name and labels, for tests. */
final class Samples {
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples = new ArrayList<>();
    private final String text;

    Samples(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String head = line.substring(0, space).strip();
            double value = Double.parseDouble(line.substring(space + 1));
            Map<String, String> labels = new LinkedHashMap<>();
            String name = head;
            int brace = head.indexOf('{');
            if (brace >= 0) {
                name = head.substring(0, brace);
                Matcher m = LABEL.matcher(head.substring(brace + 1, head.length() - 1));
                while (m.find()) {
                    labels.put(m.group(1), m.group(2));
                }
            }
            samples.add(new Sample(name, labels, value));
        }
    }

    /** The samples of that name having at least those labels. */
    List<Sample> find(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .toList();
    }

    /** The value of the one sample of that name with those labels; fails when there is none or several. */
    double value(String name, Map<String, String> labels) {
        List<Sample> found = find(name, labels);
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " samples " + name + labels + " in:\n" + text);
        }
        return found.get(0).value();
    }

    double value(String name) {
        return value(name, Map.of());
    }

    boolean has(String name) {
        return !find(name, Map.of()).isEmpty();
    }
}
