package io.keyhold.server.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The HTTPS listener's routes: a method and a path pattern ({@code /v1/objects/{id}/attributes}: literal
 * segments and named parameters, each parameter one whole segment) to a {@link Route}, and whether the route
 * needs an authenticated caller. Literal segments win over parameters; a path that matches a pattern for
 * another method is answered 405 with the methods it has.
 */
public final class Router {
    /** Who may call a route. */
    public enum Access {
        /** Anyone, authenticated or not (liveness, the console's static files). */
        PUBLIC,
        /** A caller with a client certificate or an API token. */
        AUTHENTICATED
    }

    /** One registered route. */
    public record Entry(String method, String pattern, Access access, Route route) {
        public Entry {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(access, "access");
            Objects.requireNonNull(route, "route");
        }
    }

    /** The outcome of matching a request. */
    public sealed interface Match {
    }

    /** A route for the method and path, with the parameters it captured. */
    public record Found(Entry entry, Map<String, String> pathParams) implements Match {
    }

    /** No route has the path. */
    public record NoPath() implements Match {
    }

    /** Routes have the path, but not for this method. */
    public record WrongMethod(Set<String> allowed) implements Match {
    }

    private final List<Entry> entries = new ArrayList<>();
    /** Routes whose pattern ends in "/**": anything below the prefix (static files). */
    private final List<Entry> prefixes = new ArrayList<>();

    /** Adds a route; a pattern ending in {@code /**} matches every path below its prefix. */
    public Router add(String method, String pattern, Access access, Route route) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("a pattern starts with /: " + pattern);
        }
        Entry entry = new Entry(method, pattern, access, route);
        for (Entry e : entries) {
            if (e.method().equals(method) && e.pattern().equals(pattern)) {
                throw new IllegalArgumentException("route already registered: " + method + " " + pattern);
            }
        }
        (pattern.endsWith("/**") ? prefixes : entries).add(entry);
        return this;
    }

    public Router get(String pattern, Access access, Route route) {
        return add("GET", pattern, access, route);
    }

    public Router post(String pattern, Access access, Route route) {
        return add("POST", pattern, access, route);
    }

    public Router put(String pattern, Access access, Route route) {
        return add("PUT", pattern, access, route);
    }

    public Router delete(String pattern, Access access, Route route) {
        return add("DELETE", pattern, access, route);
    }

    /** Every route, in the order added (for the OpenAPI check and documentation). */
    public List<Entry> entries() {
        List<Entry> all = new ArrayList<>(entries);
        all.addAll(prefixes);
        return List.copyOf(all);
    }

    /** The route for a method and a decoded path (without query). HEAD matches GET routes. */
    public Match match(String method, String path) {
        String wanted = "HEAD".equals(method) ? "GET" : method;
        String[] segments = split(path);
        Found best = null;
        int bestLiterals = -1;
        Set<String> allowed = new LinkedHashSet<>();
        for (Entry e : entries) {
            Map<String, String> params = new LinkedHashMap<>();
            int literals = matches(split(e.pattern()), segments, params);
            if (literals < 0) {
                continue;
            }
            if (!e.method().equals(wanted)) {
                allowed.add(e.method());
                continue;
            }
            if (literals > bestLiterals) {
                best = new Found(e, Map.copyOf(params));
                bestLiterals = literals;
            }
        }
        if (best != null) {
            return best;
        }
        if (!allowed.isEmpty()) {
            return new WrongMethod(allowed);
        }
        for (Entry e : prefixes) {
            String prefix = e.pattern().substring(0, e.pattern().length() - 3);
            if (path.equals(prefix) || path.startsWith(prefix + "/") || prefix.isEmpty()) {
                if (e.method().equals(wanted)) {
                    return new Found(e, Map.of("path", path.substring(prefix.length())));
                }
                allowed.add(e.method());
            }
        }
        return allowed.isEmpty() ? new NoPath() : new WrongMethod(allowed);
    }

    /** The number of literal segments matched, or -1 when the pattern does not match. */
    private static int matches(String[] pattern, String[] path, Map<String, String> params) {
        if (pattern.length != path.length) {
            return -1;
        }
        int literals = 0;
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                if (path[i].isEmpty()) {
                    return -1;
                }
                params.put(p.substring(1, p.length() - 1), path[i]);
            } else if (p.equals(path[i])) {
                literals++;
            } else {
                return -1;
            }
        }
        return literals;
    }

    private static String[] split(String path) {
        String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return trimmed.equals("/") ? new String[0] : trimmed.substring(1).split("/", -1);
    }
}
