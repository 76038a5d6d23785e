package io.keyhold.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web console's files, served by the HTTPS listener itself from the classpath: {@code GET /} answers the
 * console's {@code index.html}, {@code GET /console/...} the files under {@value #ROOT}. Open to anyone: the
 * files hold no secret, and every piece of data the console shows comes from the REST API under {@code /v1},
 * authenticated by the browser's client certificate or an API token as any other REST call.
 *
 * <p>Only plain file names are served ({@code [A-Za-z0-9_-]} then {@code [A-Za-z0-9._-]}, per path segment,
 * with a known extension): a {@code ..} segment, an empty or hidden segment, a backslash or an unknown type is
 * answered 404, so nothing outside the console's directory (classes, other resources) can be read. Answers
 * carry a strong {@code ETag} (SHA-256 of the content) and {@code Cache-Control: no-cache}, so a browser keeps
 * the files and revalidates them ({@code 304}) on each load; HTML carries {@link #CONTENT_SECURITY_POLICY}.
 */
public final class StaticFiles {
    /** Where the console's files are, on the classpath. */
    public static final String ROOT = "io/keyhold/server/http/console/";
    /** The path prefix the files are served under. */
    public static final String PREFIX = "/console";
    /**
     * The Content-Security-Policy of the console's HTML: scripts, styles and connections from the server
     * itself only, no inline script or style, no plugin, no framing, no form posted elsewhere.
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("txt", "text/plain; charset=utf-8"));

    /** A file read once: its bytes, type and entity tag. */
    private record Asset(byte[] body, String contentType, String etag) {
    }

    private final ClassLoader loader;
    private final String root;
    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    /** The console's files from this class's class loader. */
    public StaticFiles() {
        this(StaticFiles.class.getClassLoader(), ROOT);
    }

    /** Files under {@code root} (a classpath directory ending in /) of {@code loader}. */
    StaticFiles(ClassLoader loader, String root) {
        if (!root.endsWith("/")) {
            throw new IllegalArgumentException("a classpath directory ends in /: " + root);
        }
        this.loader = loader;
        this.root = root;
    }

    /** Adds {@code GET /} and {@code GET /console/**}, open to anyone. */
    public void register(Router router) {
        router.get("/", Router.Access.PUBLIC, call -> answer("index.html", call));
        router.get(PREFIX + "/**", Router.Access.PUBLIC, call -> answer(call.pathParam("path"), call));
    }

    /** The answer for a file below the root ({@code relative} with or without a leading /). */
    HttpAnswer answer(String relative, HttpCall call) {
        Optional<Asset> found = find(relative);
        if (found.isEmpty()) {
            return HttpAnswer.problem(404, "not-found", "Not found", "the console has no such file");
        }
        Asset asset = found.get();
        boolean html = asset.contentType().startsWith("text/html");
        HttpAnswer answer = call.header("if-none-match").filter(tags -> matches(tags, asset.etag())).isPresent()
                ? HttpAnswer.bytes(304, asset.contentType(), new byte[0])
                : HttpAnswer.bytes(200, asset.contentType(), asset.body());
        answer = answer.withHeader("ETag", asset.etag()).withHeader("Cache-Control", "no-cache");
        if (html) {
            answer = answer.withHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        }
        return answer;
    }

    /** The file, when the path is a plain file name of a known type that exists under the root. */
    Optional<Asset> find(String relative) {
        String path = relative.startsWith("/") ? relative.substring(1) : relative;
        String type = contentType(path);
        if (type == null) {
            return Optional.empty();
        }
        Asset cached = cache.get(path);
        if (cached != null) {
            return Optional.of(cached);
        }
        byte[] body;
        try (InputStream in = loader.getResourceAsStream(root + path)) {
            if (in == null) {
                return Optional.empty();
            }
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console file " + path, e);
        }
        Asset asset = new Asset(body, type, "\"" + sha256(body) + "\"");
        cache.put(path, asset);
        return Optional.of(asset);
    }

    /** The content type of a safe relative path, or null when the path is not one the console serves. */
    static String contentType(String path) {
        if (path.isEmpty() || path.length() > 512) {
            return null;
        }
        for (String segment : path.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches()) {
                return null;
            }
        }
        int dot = path.lastIndexOf('.');
        int slash = path.lastIndexOf('/');
        return dot <= slash ? null : TYPES.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.strip();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals("*") || t.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static String sha256(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }
}
