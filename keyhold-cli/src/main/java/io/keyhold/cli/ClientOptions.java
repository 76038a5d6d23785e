package io.keyhold.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.keyhold.client.ClientTls;
import io.keyhold.client.KmipClient;
import io.keyhold.protocol.spec.KmipVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The connection settings of the client commands ({@code keyhold key create}, {@code keyhold get}, ...):
 * the KMIP servers (several for failover, tried in order), the directory of the mutual TLS files, the
 * protocol version (negotiated with Discover Versions unless given) and the request timeout. Each setting
 * comes from the command line, else from the environment ({@code KEYHOLD_SERVER}, {@code KEYHOLD_CERTS},
 * {@code KEYHOLD_KMIP_VERSION}, {@code KEYHOLD_TIMEOUT}), else from a profile of the profiles file
 * ({@code --profile NAME} or {@code KEYHOLD_PROFILE}; the profile {@code default} when none is named).
 */
final class ClientOptions {
    /** Seconds a request may take unless told otherwise. */
    static final int DEFAULT_TIMEOUT_SECONDS = 30;

    @Option(names = "--server", paramLabel = "HOST:PORT", split = ",",
            description = "KMIP server; repeat or separate by commas for failover, tried in order "
                    + "(env KEYHOLD_SERVER).")
    List<String> servers = new ArrayList<>();

    @Option(names = "--certs", paramLabel = "DIR",
            description = "Directory with ca.pem, client.pem and client.key, as 'keyhold dev' writes them "
                    + "(env KEYHOLD_CERTS).")
    Path certs;

    @Option(names = "--kmip-version", paramLabel = "X.Y",
            description = "Protocol version, 1.0 .. 2.1 (env KEYHOLD_KMIP_VERSION; default: the highest both "
                    + "sides support).")
    String kmipVersion;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "How long a request may take in all (env KEYHOLD_TIMEOUT; default: "
                    + DEFAULT_TIMEOUT_SECONDS + ").")
    Integer timeout;

    @Option(names = "--profile", paramLabel = "NAME",
            description = "Take the settings not given otherwise from this profile of the profiles file "
                    + "(env KEYHOLD_PROFILE, KEYHOLD_PROFILES; see docs/cli.md).")
    String profile;

    /** The environment settings come from; tests replace it. */
    Map<String, String> environment = System.getenv();

    /** The home directory the default profiles file is under; tests replace it. */
    Path home = Path.of(System.getProperty("user.home", "."));

    /**
     * The settings the client is built from.
     *
     * @param servers the servers, "host:port", in order of preference
     * @param certs   the directory of ca.pem, client.pem and client.key
     * @param version the protocol version, or null to negotiate it
     * @param timeout the request timeout
     */
    record Settings(List<String> servers, Path certs, KmipVersion version, Duration timeout) {
        Settings {
            servers = List.copyOf(servers);
        }

        /** The client; nothing is connected until its first call. */
        KmipClient connect() throws IOException {
            ClientTls tls;
            try {
                tls = ClientTls.fromDirectory(certs);
            } catch (IOException e) {
                throw new SettingsException("--certs " + certs + ": " + describe(e));
            }
            KmipClient.Builder b = KmipClient.builder().servers(servers.toArray(new String[0])).tls(tls)
                    .requestTimeout(timeout).connectTimeout(timeout.compareTo(Duration.ofSeconds(10)) < 0
                            ? timeout : Duration.ofSeconds(10))
                    .maxConnectionsPerServer(2);
            if (version != null) {
                b.version(version);
            }
            return b.build();
        }

        private static String describe(IOException e) {
            if (e instanceof NoSuchFileException f) {
                return "no such file: " + f.getFile();
            }
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    /** A missing or invalid setting: a usage error (exit status 2). */
    static final class SettingsException extends IOException {
        private static final long serialVersionUID = 1L;

        SettingsException(String message) {
            super(message);
        }
    }

    /** Resolves the settings: options over environment over profile. */
    Settings resolve() throws SettingsException {
        JsonNode p = profile();
        List<String> server = !servers.isEmpty() ? servers
                : split(first(env("KEYHOLD_SERVER"), profileText(p, "server")));
        if (server.isEmpty()) {
            throw new SettingsException("no server given: use --server HOST:PORT, KEYHOLD_SERVER or a profile");
        }
        Path dir = certs;
        if (dir == null) {
            String e = env("KEYHOLD_CERTS");
            if (e != null) {
                dir = expand(e, null);
            } else if (profileText(p, "certs") != null) {
                dir = expand(profileText(p, "certs"), profilesFile().getParent());
            }
        }
        if (dir == null) {
            throw new SettingsException("no certificates given: use --certs DIR, KEYHOLD_CERTS or a profile");
        }
        String v = first(kmipVersion, env("KEYHOLD_KMIP_VERSION"), profileText(p, "kmip-version"));
        KmipVersion version = null;
        if (v != null && !v.equalsIgnoreCase("negotiate")) {
            try {
                version = KmipVersion.parse(v.trim());
            } catch (IllegalArgumentException e) {
                throw new SettingsException("KMIP version '" + v + "' (expected: 1.0 .. 2.1, or negotiate)");
            }
            if (!version.isKnown()) {
                throw new SettingsException("KMIP version '" + v + "' (expected: 1.0 .. 2.1, or negotiate)");
            }
        }
        String t = first(timeout == null ? null : timeout.toString(), env("KEYHOLD_TIMEOUT"), profileText(p, "timeout"));
        int seconds = DEFAULT_TIMEOUT_SECONDS;
        if (t != null) {
            try {
                seconds = Integer.parseInt(t.trim());
            } catch (NumberFormatException e) {
                seconds = -1;
            }
            if (seconds < 1) {
                throw new SettingsException("timeout '" + t + "' (expected: seconds, >= 1)");
            }
        }
        return new Settings(server, dir, version, Duration.ofSeconds(seconds));
    }

    /** The profiles file: KEYHOLD_PROFILES, else ~/.config/keyhold/profiles.yaml. */
    Path profilesFile() {
        String f = env("KEYHOLD_PROFILES");
        return f != null ? expand(f, null) : home.resolve(".config").resolve("keyhold").resolve("profiles.yaml");
    }

    /** The named profile's settings; the "default" profile, if any, when none is named; null when none applies. */
    private JsonNode profile() throws SettingsException {
        String name = first(profile, env("KEYHOLD_PROFILE"));
        Path file = profilesFile();
        if (!Files.exists(file)) {
            if (name != null) {
                throw new SettingsException("profile '" + name + "': no profiles file " + file);
            }
            return null;
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new SettingsException("profiles file " + file + ": not readable YAML ("
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")");
        }
        if (root == null || !root.isObject()) {
            if (name != null) {
                throw new SettingsException("profiles file " + file + ": expected a map of profile names");
            }
            return null;
        }
        JsonNode p = root.get(name != null ? name : "default");
        if (p == null && name != null) {
            List<String> known = new ArrayList<>();
            root.fieldNames().forEachRemaining(known::add);
            throw new SettingsException("no profile '" + name + "' in " + file + " (it has: " + String.join(", ", known) + ")");
        }
        if (p != null && !p.isObject()) {
            throw new SettingsException("profile '" + (name != null ? name : "default") + "' in " + file
                    + ": expected server, certs, kmip-version, timeout");
        }
        return p;
    }

    private static String profileText(JsonNode profile, String key) {
        if (profile == null || profile.get(key) == null || profile.get(key).isNull()) {
            return null;
        }
        JsonNode v = profile.get(key);
        if (v.isArray()) {
            List<String> all = new ArrayList<>();
            v.forEach(e -> all.add(e.asText()));
            return String.join(",", all);
        }
        return v.asText();
    }

    private String env(String name) {
        String v = environment.get(name);
        return v == null || v.isBlank() ? null : v;
    }

    private Path expand(String path, Path relativeTo) {
        String p = path.trim();
        if (p.equals("~") || p.startsWith("~/")) {
            return home.resolve(p.substring(Math.min(2, p.length())));
        }
        Path result = Path.of(p);
        return relativeTo != null && !result.isAbsolute() ? relativeTo.resolve(result) : result;
    }

    private static List<String> split(String csv) {
        if (csv == null) {
            return List.of();
        }
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
