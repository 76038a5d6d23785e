package io.keyhold.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code keyhold.yaml}, applies environment overrides and validates every setting. Each setting has a
 * path ("limits.max_connections") and an environment variable made from it: {@code KEYHOLD_} followed by
 * the path upper-cased with dots as underscores ({@code KEYHOLD_LIMITS_MAX_CONNECTIONS}); the environment
 * wins over the file. Lists come from the environment comma-separated. Relative paths are resolved against
 * the configuration file's directory. The first problem found stops loading with a {@link ConfigException}
 * naming the setting.
 */
public final class ConfigLoader {
    /** Every setting, by path, in the order of the documentation. */
    static final List<String> SETTINGS = List.of(
            "kmip.host", "kmip.port",
            "http.enabled", "http.host", "http.port", "http.open_metrics",
            "tls.certificate", "tls.private_key", "tls.private_key_password", "tls.trusted_cas", "tls.crls",
            "tls.protocols", "tls.profile", "tls.require_client_auth_usage", "tls.client_identity",
            "tls.session_timeout", "tls.reload_interval", "tls.provider",
            "storage.data_dir", "storage.database", "storage.database_user", "storage.database_password_env",
            "storage.database_password_file", "storage.database_pool_size",
            "limits.max_message_bytes", "limits.max_batch_items", "limits.max_connections",
            "limits.max_connections_per_identity", "limits.idle_timeout", "limits.read_timeout",
            "limits.requests_per_second_per_identity", "limits.worker_threads", "limits.shutdown_grace",
            "logging.level", "logging.format",
            "crypto.fips_only",
            "master_key.provider", "master_key.keystore", "master_key.alias", "master_key.passphrase_env",
            "master_key.passphrase_file", "master_key.pkcs11.library", "master_key.pkcs11.slot",
            "master_key.pkcs11.slot_list_index", "master_key.pkcs11.pin_env", "master_key.pkcs11.pin_file",
            "master_key.pkcs11.key_label",
            "access.administrators", "access.groups", "access.password_credentials", "access.ticket_max_lease",
            "audit.durable_reads", "audit.max_queued_records", "audit.syslog.address", "audit.syslog.protocol",
            "audit.syslog.facility", "audit.syslog.app_name", "audit.syslog.queue_size",
            "rotation.check_interval",
            "reprovision.ca_certificate", "reprovision.ca_private_key", "reprovision.ca_private_key_password",
            "reprovision.certificate_validity", "reprovision.retrieval_window");

    /** Settings that no longer exist, with what replaces them; setting one stops loading with that hint. */
    private static final Map<String, String> REMOVED = Map.of(
            "tls.legacy_cipher_suites", "was removed; use tls.profile: compatibility for the TLS 1.2 CBC suites"
                    + " old clients need, or tls.profile: modern (the default) for AEAD suites only");
    private static final Set<String> LIST_SETTINGS = Set.of("tls.trusted_cas", "tls.crls", "tls.protocols",
            "access.administrators");
    private static final Set<String> TLS_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
    private static final List<String> LOG_LEVELS = List.of("error", "warn", "info", "debug", "trace");
    private static final List<String> LOG_FORMATS = List.of("plain", "json");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)?");

    private final Map<String, Value> values = new LinkedHashMap<>();
    private final Path baseDir;

    /** Where a value came from, for the error message. */
    private record Value(JsonNode node, String origin) {
    }

    private final Map<String, String> env;

    private ConfigLoader(Path baseDir, Map<String, String> env) {
        this.baseDir = baseDir;
        this.env = env;
    }

    /** The environment variable that overrides a setting: {@code KEYHOLD_LIMITS_MAX_CONNECTIONS}. */
    public static String environmentVariable(String setting) {
        return "KEYHOLD_" + setting.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** Loads the file with overrides from the process environment. */
    public static ServerConfig load(Path file) throws ConfigException {
        return load(file, System.getenv());
    }

    /** Loads the file with overrides from {@code env}. */
    public static ServerConfig load(Path file, Map<String, String> env) throws ConfigException {
        String name = file.toString();
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(name, "configuration file does not exist");
        } catch (IOException e) {
            throw new ConfigException(name, "cannot read the configuration file (" + e.getClass().getSimpleName() + ")");
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, name, dir, env);
    }

    /**
     * Parses YAML text; {@code name} labels errors in the text, {@code baseDir} resolves relative paths.
     */
    public static ServerConfig parse(String yaml, String name, Path baseDir, Map<String, String> env)
            throws ConfigException {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ConfigException(name, "not valid YAML" + where + ": " + firstLine(e.getOriginalMessage()));
        }
        ConfigLoader loader = new ConfigLoader(baseDir, env);
        loader.collect(root, name);
        loader.applyEnvironment(env);
        return loader.build();
    }

    private void collect(JsonNode root, String name) throws ConfigException {
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException(name, "the top level must be a mapping of sections (kmip, http, tls, storage, limits, logging, crypto, master_key, access, audit)");
        }
        for (Map.Entry<String, JsonNode> section : root.properties()) {
            String sectionName = section.getKey();
            if (SETTINGS.stream().noneMatch(s -> s.startsWith(sectionName + "."))) {
                throw new ConfigException(sectionName, "unknown section (known: kmip, http, tls, storage, limits, logging, crypto, master_key, access, audit)");
            }
            JsonNode body = section.getValue();
            if (body == null || body.isNull()) {
                continue;
            }
            if (!body.isObject()) {
                throw new ConfigException(sectionName, "must be a mapping of settings");
            }
            for (Map.Entry<String, JsonNode> e : body.properties()) {
                String path = sectionName + "." + e.getKey();
                if (REMOVED.containsKey(path)) {
                    throw new ConfigException(path, REMOVED.get(path));
                }
                if (e.getValue().isObject() && SETTINGS.stream().anyMatch(s -> s.startsWith(path + "."))) {
                    for (Map.Entry<String, JsonNode> inner : e.getValue().properties()) {
                        String innerPath = path + "." + inner.getKey();
                        if (!SETTINGS.contains(innerPath)) {
                            throw new ConfigException(innerPath, "unknown setting" + suggestion(innerPath));
                        }
                        if (!inner.getValue().isNull()) {
                            values.put(innerPath, new Value(inner.getValue(), null));
                        }
                    }
                    continue;
                }
                if (!SETTINGS.contains(path)) {
                    throw new ConfigException(path, "unknown setting" + suggestion(path));
                }
                if (!e.getValue().isNull()) {
                    values.put(path, new Value(e.getValue(), null));
                }
            }
        }
    }

    private static String suggestion(String path) {
        String normal = path.replace('-', '_').toLowerCase(Locale.ROOT);
        return SETTINGS.contains(normal) && !normal.equals(path) ? " (did you mean " + normal + "?)" : "";
    }

    private void applyEnvironment(Map<String, String> env) throws ConfigException {
        for (Map.Entry<String, String> removed : REMOVED.entrySet()) {
            String variable = environmentVariable(removed.getKey());
            if (env.get(variable) != null) {
                throw new ConfigException(removed.getKey() + " (from " + variable + ")", removed.getValue());
            }
        }
        for (String setting : SETTINGS) {
            String variable = environmentVariable(setting);
            String text = env.get(variable);
            if (text == null) {
                continue;
            }
            JsonNode node;
            if (LIST_SETTINGS.contains(setting)) {
                var array = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
                for (String part : text.split(",")) {
                    if (!part.isBlank()) {
                        array.add(part.strip());
                    }
                }
                node = array;
            } else {
                node = com.fasterxml.jackson.databind.node.TextNode.valueOf(text.strip());
            }
            values.put(setting, new Value(node, variable));
        }
    }

    private ServerConfig build() throws ConfigException {
        String host = text("kmip.host", ServerConfig.Kmip.DEFAULT_HOST);
        if (host.isBlank()) {
            throw error("kmip.host", "must not be empty");
        }
        if (!validAddressLiteral(host)) {
            throw error("kmip.host", "\"" + host + "\" is not a valid address");
        }
        int port = integer("kmip.port", ServerConfig.Kmip.DEFAULT_PORT, 0, 65535);

        Path certificate = existingFile("tls.certificate", true);
        Path privateKey = existingFile("tls.private_key", true);
        String password = values.containsKey("tls.private_key_password") ? text("tls.private_key_password", null) : null;
        List<String> caNames = list("tls.trusted_cas");
        if (caNames.isEmpty()) {
            throw error("tls.trusted_cas", "is required: one or more PEM files with the CA certificates that issue client certificates");
        }
        List<Path> trustedCas = new ArrayList<>();
        for (String ca : caNames) {
            trustedCas.add(checkFile("tls.trusted_cas", resolve(ca)));
        }
        List<String> protocols = values.containsKey("tls.protocols") ? list("tls.protocols")
                : ServerConfig.Tls.DEFAULT_PROTOCOLS;
        if (protocols.isEmpty()) {
            throw error("tls.protocols", "must name at least one protocol (TLSv1.3, TLSv1.2)");
        }
        for (String p : protocols) {
            if (!TLS_PROTOCOLS.contains(p)) {
                throw error("tls.protocols", "\"" + p + "\" is not supported (expected: TLSv1.3, TLSv1.2)");
            }
        }
        List<Path> crls = new ArrayList<>();
        for (String crl : list("tls.crls")) {
            crls.add(checkFile("tls.crls", resolve(crl)));
        }
        ServerConfig.TlsProfile profile = choice("tls.profile", "modern", List.of("modern", "compatibility"))
                .equals("compatibility") ? ServerConfig.TlsProfile.COMPATIBILITY : ServerConfig.TlsProfile.MODERN;
        ServerConfig.TlsProvider provider = choice("tls.provider", "jdk", List.of("jdk", "openssl")).equals("openssl")
                ? ServerConfig.TlsProvider.OPENSSL : ServerConfig.TlsProvider.JDK;
        if (provider == ServerConfig.TlsProvider.OPENSSL && profile == ServerConfig.TlsProfile.COMPATIBILITY) {
            throw error("tls.provider", ServerConfig.TlsProvider.OPENSSL_SERVES_MODERN_ONLY);
        }
        boolean requireUsage = bool("tls.require_client_auth_usage", false);
        String identityName = choice("tls.client_identity", "common_name",
                List.of("common_name", "subject", "san_email", "san_dns", "san_uri"));
        ServerConfig.ClientIdentity identity = ServerConfig.ClientIdentity.valueOf(identityName.toUpperCase(Locale.ROOT));
        Duration sessionTimeout = duration("tls.session_timeout", ServerConfig.Tls.DEFAULT_SESSION_TIMEOUT);
        Duration reloadInterval = duration("tls.reload_interval", ServerConfig.Tls.DEFAULT_RELOAD_INTERVAL);
        if (!reloadInterval.isZero() && reloadInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw error("tls.reload_interval", "must be 0 (never poll) or at least 1s (was " + reloadInterval.toMillis()
                    + "ms)");
        }

        Path dataDir = resolve(text("storage.data_dir", "keyhold-data"));
        if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            throw error("storage.data_dir", dataDir + " exists and is not a directory");
        }
        String databaseText = text("storage.database", null);
        ServerConfig.Postgres postgres = null;
        Path database = dataDir.resolve(ServerConfig.Storage.DEFAULT_DATABASE_NAME);
        if (databaseText != null && isPostgresUrl(databaseText.strip())) {
            postgres = postgres(databaseText.strip());
        } else {
            for (String setting : List.of("storage.database_user", "storage.database_password_env",
                    "storage.database_password_file", "storage.database_pool_size")) {
                if (values.containsKey(setting)) {
                    throw error(setting, "applies only to a PostgreSQL storage.database (jdbc:postgresql://...)");
                }
            }
            if (databaseText != null) {
                String path = databaseText.strip();
                database = resolve(path.startsWith("jdbc:sqlite:") ? path.substring("jdbc:sqlite:".length()) : path);
            }
            if (Files.isDirectory(database)) {
                throw error("storage.database", database + " is a directory, not a database file");
            }
        }

        int maxMessage = integer("limits.max_message_bytes", ServerConfig.Limits.DEFAULT_MAX_MESSAGE_BYTES, 1024,
                64 << 20);
        int maxBatchItems = integer("limits.max_batch_items", ServerConfig.Limits.DEFAULT_MAX_BATCH_ITEMS, 0,
                1_000_000);
        int maxConnections = integer("limits.max_connections", ServerConfig.Limits.DEFAULT_MAX_CONNECTIONS, 1,
                1_000_000);
        int maxPerIdentity = integer("limits.max_connections_per_identity",
                ServerConfig.Limits.DEFAULT_MAX_CONNECTIONS_PER_IDENTITY, 0, 1_000_000);
        Duration idle = duration("limits.idle_timeout", ServerConfig.Limits.DEFAULT_IDLE_TIMEOUT);
        Duration readTimeout = duration("limits.read_timeout", ServerConfig.Limits.DEFAULT_READ_TIMEOUT);
        if (!readTimeout.isZero() && readTimeout.compareTo(Duration.ofMillis(100)) < 0) {
            throw error("limits.read_timeout", "must be 0 (no limit) or at least 100ms (was " + readTimeout.toMillis()
                    + "ms)");
        }
        int requestsPerSecond = integer("limits.requests_per_second_per_identity",
                ServerConfig.Limits.DEFAULT_REQUESTS_PER_SECOND_PER_IDENTITY, 0, 100_000_000);
        int workers = integer("limits.worker_threads", 0, 0, 4096);
        Duration grace = duration("limits.shutdown_grace", ServerConfig.Limits.DEFAULT_SHUTDOWN_GRACE);
        if (idle.isZero()) {
            throw error("limits.idle_timeout", "must be longer than 0");
        }

        String level = choice("logging.level", "info", LOG_LEVELS);
        String format = choice("logging.format", "plain", LOG_FORMATS);

        boolean fipsOnly = bool("crypto.fips_only", false);

        ServerConfig.MasterKeyStore masterKey = masterKey();

        return new ServerConfig(new ServerConfig.Kmip(host, port),
                new ServerConfig.Tls(certificate, privateKey, password, trustedCas, crls, protocols, profile,
                        requireUsage, identity, sessionTimeout, reloadInterval, provider),
                new ServerConfig.Storage(dataDir, database, postgres),
                new ServerConfig.Limits(maxMessage, maxBatchItems, maxConnections, maxPerIdentity, idle, readTimeout,
                        requestsPerSecond, workers, grace),
                new ServerConfig.Logging(level, format),
                new ServerConfig.Crypto(fipsOnly), masterKey, access(), audit(), http(host), rotation(),
                reProvision());
    }

    private ServerConfig.ReProvision reProvision() throws ConfigException {
        Path caCertificate = existingFile("reprovision.ca_certificate", false);
        Path caKey = existingFile("reprovision.ca_private_key", false);
        if (caCertificate != null && caKey == null) {
            throw error("reprovision.ca_private_key", "is required with reprovision.ca_certificate");
        }
        if (caKey != null && caCertificate == null) {
            throw error("reprovision.ca_certificate", "is required with reprovision.ca_private_key");
        }
        String password = text("reprovision.ca_private_key_password", null);
        Duration validity = duration("reprovision.certificate_validity",
                ServerConfig.ReProvision.DEFAULT_CERTIFICATE_VALIDITY);
        if (validity.compareTo(Duration.ofHours(1)) < 0 || validity.compareTo(Duration.ofDays(3650)) > 0) {
            throw error("reprovision.certificate_validity", "must be from 1h to 87600h (ten years) (was \""
                    + text("reprovision.certificate_validity", "").strip() + "\")");
        }
        Duration window = duration("reprovision.retrieval_window", ServerConfig.ReProvision.DEFAULT_RETRIEVAL_WINDOW);
        if (window.compareTo(Duration.ofHours(24)) > 0) {
            throw error("reprovision.retrieval_window", "must be at most 24h (was \""
                    + text("reprovision.retrieval_window", "").strip() + "\")");
        }
        return new ServerConfig.ReProvision(caCertificate, caKey, password, validity, window);
    }

    private ServerConfig.Rotation rotation() throws ConfigException {
        Duration check = duration("rotation.check_interval", ServerConfig.Rotation.DEFAULT_CHECK_INTERVAL);
        if (!check.isZero() && (check.compareTo(Duration.ofSeconds(1)) < 0 || check.compareTo(Duration.ofHours(24)) > 0)) {
            throw error("rotation.check_interval", "must be 0 (no scheduled rotation) or from 1s to 24h (was \""
                    + text("rotation.check_interval", "").strip() + "\")");
        }
        return new ServerConfig.Rotation(check);
    }

    private ServerConfig.Access access() throws ConfigException {
        List<String> administrators = new ArrayList<>();
        for (String name : list("access.administrators")) {
            String n = name.strip();
            if (n.isEmpty()) {
                throw error("access.administrators", "names an empty identity");
            }
            administrators.add(n);
        }
        String mode = choice("access.password_credentials", "disabled", List.of("disabled", "accepted", "required"));
        Duration ticketMaxLease = duration("access.ticket_max_lease", ServerConfig.Access.DEFAULT_TICKET_MAX_LEASE);
        if (ticketMaxLease.compareTo(Duration.ofSeconds(1)) < 0 || ticketMaxLease.compareTo(Duration.ofDays(30)) > 0) {
            throw error("access.ticket_max_lease", "must be from 1s to 720h (was \"" + text("access.ticket_max_lease", "").strip()
                    + "\")");
        }
        return new ServerConfig.Access(administrators, groups(),
                ServerConfig.PasswordCredentials.valueOf(mode.toUpperCase(Locale.ROOT)), ticketMaxLease);
    }

    /**
     * access.groups: a mapping of group name to a list of member identities; from the environment,
     * {@code name=member|member;name=member} (identities may contain commas, so lists use | and ;).
     */
    private Map<String, List<String>> groups() throws ConfigException {
        Value v = values.get("access.groups");
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (v.node().isObject()) {
            for (Map.Entry<String, JsonNode> g : v.node().properties()) {
                List<String> members = new ArrayList<>();
                JsonNode list = g.getValue();
                if (list.isValueNode() && !list.isNull()) {
                    members.add(list.asText());
                } else if (list.isArray()) {
                    for (JsonNode m : list) {
                        if (!m.isValueNode()) {
                            throw error("access.groups", "group " + g.getKey() + " must list plain identity names");
                        }
                        members.add(m.asText());
                    }
                } else if (!list.isNull()) {
                    throw error("access.groups", "group " + g.getKey() + " must be a list of identities");
                }
                addGroup(out, g.getKey(), members);
            }
        } else if (v.node().isValueNode()) {
            for (String part : v.node().asText().split(";")) {
                if (part.isBlank()) {
                    continue;
                }
                int eq = part.indexOf('=');
                if (eq < 0) {
                    throw error("access.groups", "\"" + part.strip() + "\" must be name=member|member");
                }
                addGroup(out, part.substring(0, eq), List.of(part.substring(eq + 1).split("\\|")));
            }
        } else {
            throw error("access.groups", "must be a mapping of group name to a list of identities");
        }
        return out;
    }

    private void addGroup(Map<String, List<String>> out, String name, List<String> members) throws ConfigException {
        String n = name.strip();
        if (n.isEmpty()) {
            throw error("access.groups", "names an empty group");
        }
        if (out.containsKey(n)) {
            throw error("access.groups", "group " + n + " is defined twice");
        }
        List<String> clean = new ArrayList<>();
        for (String m : members) {
            String s = m.strip();
            if (s.isEmpty()) {
                throw error("access.groups", "group " + n + " names an empty identity");
            }
            clean.add(s);
        }
        out.put(n, clean);
    }

    private static final List<String> SYSLOG_FACILITIES = List.of("kern", "user", "mail", "daemon", "auth", "syslog",
            "lpr", "news", "uucp", "cron", "authpriv", "ftp", "ntp", "security", "console", "solaris-cron",
            "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7");

    private ServerConfig.Http http(String kmipHost) throws ConfigException {
        boolean enabled = bool("http.enabled", true);
        String host = text("http.host", kmipHost);
        if (host.isBlank()) {
            throw error("http.host", "must not be empty");
        }
        if (!validAddressLiteral(host)) {
            throw error("http.host", "\"" + host + "\" is not a valid address");
        }
        int port = integer("http.port", ServerConfig.Http.DEFAULT_PORT, 0, 65535);
        return new ServerConfig.Http(enabled, host, port, bool("http.open_metrics", false));
    }

    private ServerConfig.Audit audit() throws ConfigException {
        boolean durableReads = bool("audit.durable_reads", false);
        int maxQueued = integer("audit.max_queued_records", ServerConfig.Audit.DEFAULT_MAX_QUEUED_RECORDS, 1, 10_000_000);
        String address = text("audit.syslog.address", null);
        if (address == null || address.isBlank()) {
            for (String s : List.of("audit.syslog.protocol", "audit.syslog.facility", "audit.syslog.app_name",
                    "audit.syslog.queue_size")) {
                if (values.containsKey(s)) {
                    throw error(s, "is set but audit.syslog.address is not: set the receiver's host:port");
                }
            }
            return new ServerConfig.Audit(durableReads, maxQueued, null);
        }
        int colon = address.strip().lastIndexOf(':');
        String host = colon < 0 ? "" : address.strip().substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = -1;
        try {
            port = colon < 0 ? -1 : Integer.parseInt(address.strip().substring(colon + 1));
        } catch (NumberFormatException e) {
            // reported below
        }
        if (host.isEmpty() || port < 1 || port > 65535 || !validAddressLiteral(host)) {
            throw error("audit.syslog.address", "must be host:port, e.g. syslog.example.net:514 (was \"" + address + "\")");
        }
        String protocol = choice("audit.syslog.protocol", "udp", List.of("udp", "tcp"));
        String facilityText = text("audit.syslog.facility", null);
        int facility = ServerConfig.Syslog.DEFAULT_FACILITY;
        if (facilityText != null) {
            String f = facilityText.strip().toLowerCase(Locale.ROOT);
            facility = SYSLOG_FACILITIES.indexOf(f);
            if (facility < 0) {
                try {
                    facility = f.matches("\\d{1,2}") ? Integer.parseInt(f) : -1;
                } catch (NumberFormatException e) {
                    facility = -1;
                }
            }
            if (facility < 0 || facility > 23) {
                throw error("audit.syslog.facility", "must be a facility name (auth, authpriv, daemon, local0 to local7,"
                        + " ...) or a number from 0 to 23 (was \"" + facilityText + "\")");
            }
        }
        String appName = text("audit.syslog.app_name", ServerConfig.Syslog.DEFAULT_APP_NAME).strip();
        if (appName.isEmpty() || appName.length() > 48 || !appName.chars().allMatch(c -> c >= 33 && c <= 126)) {
            throw error("audit.syslog.app_name", "must be 1 to 48 printable ASCII characters without spaces (was \""
                    + appName + "\")");
        }
        int queueSize = integer("audit.syslog.queue_size", ServerConfig.Syslog.DEFAULT_QUEUE_SIZE, 1, 10_000_000);
        return new ServerConfig.Audit(durableReads, maxQueued, new ServerConfig.Syslog(host, port,
                protocol.equals("tcp") ? ServerConfig.SyslogProtocol.TCP : ServerConfig.SyslogProtocol.UDP, facility,
                appName, queueSize));
    }

    private ServerConfig.MasterKeyStore masterKey() throws ConfigException {
        String provider = choice("master_key.provider", ServerConfig.MasterKeyStore.PKCS12,
                List.of(ServerConfig.MasterKeyStore.PKCS12, ServerConfig.MasterKeyStore.PKCS11));
        if (provider.equals(ServerConfig.MasterKeyStore.PKCS11)) {
            return tokenMasterKey();
        }
        for (String setting : SETTINGS) {
            if (setting.startsWith("master_key.pkcs11.") && values.containsKey(setting)) {
                throw error(setting, "applies only with master_key.provider: pkcs11");
            }
        }
        String keystoreText = text("master_key.keystore", null);
        if (keystoreText == null || keystoreText.isBlank()) {
            throw error("master_key.keystore", "is required: the PKCS#12 key store holding the AES-256 master key"
                    + " that encrypts stored objects (docs/security.md)");
        }
        Path keystore = resolve(keystoreText);
        if (Files.isDirectory(keystore)) {
            throw error("master_key.keystore", keystore + " is not a file");
        }
        String alias = text("master_key.alias", ServerConfig.MasterKeyStore.DEFAULT_ALIAS).strip();
        if (alias.isEmpty()) {
            throw error("master_key.alias", "must not be empty");
        }
        String variable = secretVariable("master_key.passphrase_env", "master_key.passphrase_file",
                "the key store's passphrase");
        if (variable != null) {
            return new ServerConfig.MasterKeyStore(keystore, alias, variable, null);
        }
        Path passphraseFile = existingFile("master_key.passphrase_file", true);
        return new ServerConfig.MasterKeyStore(keystore, alias, null, passphraseFile);
    }

    private ServerConfig.MasterKeyStore tokenMasterKey() throws ConfigException {
        for (String setting : List.of("master_key.keystore", "master_key.passphrase_env", "master_key.passphrase_file",
                "master_key.alias")) {
            if (values.containsKey(setting)) {
                throw error(setting, "applies only with master_key.provider: pkcs12 (the token's key is named by"
                        + " master_key.pkcs11.key_label)");
            }
        }
        Path library = existingFile("master_key.pkcs11.library", false);
        if (library == null) {
            throw error("master_key.pkcs11.library", "is required with master_key.provider: pkcs11: the token's"
                    + " PKCS#11 module, such as /usr/lib/softhsm/libsofthsm2.so");
        }
        Long slot = null;
        String slotText = text("master_key.pkcs11.slot", null);
        if (slotText != null) {
            if (values.containsKey("master_key.pkcs11.slot_list_index")) {
                throw error("master_key.pkcs11.slot", "and master_key.pkcs11.slot_list_index are both set: set at most one");
            }
            try {
                slot = Long.parseLong(slotText.strip());
            } catch (NumberFormatException e) {
                slot = -1L;
            }
            if (slot < 0) {
                throw error("master_key.pkcs11.slot", "must be a slot id (a whole number >= 0, was \"" + slotText + "\")");
            }
        }
        int index = integer("master_key.pkcs11.slot_list_index", 0, 0, 1023);
        String label = text("master_key.pkcs11.key_label", ServerConfig.MasterKeyStore.DEFAULT_ALIAS).strip();
        if (label.isEmpty()) {
            throw error("master_key.pkcs11.key_label", "must not be empty");
        }
        String variable = secretVariable("master_key.pkcs11.pin_env", "master_key.pkcs11.pin_file", "the token's PIN");
        Path pinFile = variable == null ? existingFile("master_key.pkcs11.pin_file", true) : null;
        return ServerConfig.MasterKeyStore.token(new ServerConfig.Pkcs11(library, slot, index, variable, pinFile), label);
    }

    /** The variable named by {@code envSetting}, checked to be set; null if {@code fileSetting} is used instead. */
    private static boolean isPostgresUrl(String text) {
        return text.startsWith("jdbc:postgresql:") || text.startsWith("postgresql://") || text.startsWith("postgres://");
    }

    /** A PostgreSQL storage.database, its role, its password (from an environment variable or a file) and its pool. */
    private ServerConfig.Postgres postgres(String text) throws ConfigException {
        String url = text.startsWith("jdbc:") ? text : "jdbc:postgresql://" + text.substring(text.indexOf("://") + 3);
        if (url.length() <= "jdbc:postgresql://".length() || !url.startsWith("jdbc:postgresql://")) {
            throw error("storage.database", "expected jdbc:postgresql://HOST[:PORT]/DATABASE");
        }
        if (url.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
            throw error("storage.database", "must not hold a password: name it with storage.database_password_env"
                    + " or storage.database_password_file, so that it is never written in the configuration file");
        }
        String user = text("storage.database_user", null);
        String password = null;
        boolean hasEnv = values.containsKey("storage.database_password_env");
        boolean hasFile = values.containsKey("storage.database_password_file");
        if (hasEnv || hasFile) {
            String variable = secretVariable("storage.database_password_env", "storage.database_password_file",
                    "the database password");
            if (variable != null) {
                password = env.get(variable);
            } else {
                Path file = existingFile("storage.database_password_file", true);
                try {
                    password = Files.readString(file).strip();
                } catch (java.io.IOException e) {
                    throw error("storage.database_password_file", "file " + file + " cannot be read: " + e.getMessage());
                }
            }
        }
        int pool = integer("storage.database_pool_size", ServerConfig.Postgres.DEFAULT_READER_POOL, 1, 256);
        return new ServerConfig.Postgres(url, user == null || user.isBlank() ? null : user.strip(), password, pool);
    }

    private String secretVariable(String envSetting, String fileSetting, String what) throws ConfigException {
        String variable = text(envSetting, null);
        boolean hasFile = values.containsKey(fileSetting);
        if (variable != null && hasFile) {
            throw error(envSetting, "and " + fileSetting + " are both set: set exactly one");
        }
        if (variable == null && !hasFile) {
            throw error(envSetting, "or " + fileSetting + " is required: where " + what + " comes from");
        }
        if (variable == null) {
            return null;
        }
        variable = variable.strip();
        if (variable.isEmpty()) {
            throw error(envSetting, "must name an environment variable");
        }
        if (env.get(variable) == null || env.get(variable).isEmpty()) {
            throw error(envSetting, "environment variable " + variable + " is not set");
        }
        return variable;
    }

    /** False for text that looks like an IP address but is not one; host names are checked when binding. */
    private static boolean validAddressLiteral(String host) {
        if (host.matches("[0-9.]+")) {
            String[] parts = host.split("\\.", -1);
            if (parts.length != 4) {
                return false;
            }
            for (String part : parts) {
                if (part.isEmpty() || part.length() > 3 || Integer.parseInt(part) > 255) {
                    return false;
                }
            }
            return true;
        }
        if (host.indexOf(':') >= 0) {
            try {
                InetAddress.getByName(host); // a literal with a colon is parsed, never looked up
                return true;
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return true;
    }

    private ConfigException error(String setting, String problem) {
        Value v = values.get(setting);
        String label = v != null && v.origin() != null ? setting + " (from " + v.origin() + ")" : setting;
        return new ConfigException(label, problem);
    }

    private String text(String setting, String fallback) throws ConfigException {
        Value v = values.get(setting);
        if (v == null) {
            return fallback;
        }
        if (!v.node().isValueNode()) {
            throw error(setting, "must be a single value, not a " + (v.node().isArray() ? "list" : "mapping"));
        }
        return v.node().asText();
    }

    private int integer(String setting, int fallback, int min, int max) throws ConfigException {
        String t = text(setting, null);
        if (t == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(t.strip().replace("_", ""));
            if (n >= min && n <= max) {
                return (int) n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw error(setting, "must be a whole number from " + min + " to " + max + " (was \"" + t + "\")");
    }

    private boolean bool(String setting, boolean fallback) throws ConfigException {
        String t = text(setting, null);
        if (t == null) {
            return fallback;
        }
        return switch (t.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error(setting, "must be true or false (was \"" + t + "\")");
        };
    }

    private String choice(String setting, String fallback, List<String> options) throws ConfigException {
        String t = text(setting, null);
        if (t == null) {
            return fallback;
        }
        String normal = t.strip().toLowerCase(Locale.ROOT);
        if (!options.contains(normal)) {
            throw error(setting, "must be one of " + String.join(", ", options) + " (was \"" + t + "\")");
        }
        return normal;
    }

    /** "500ms", "30s", "10m", "1h", or a bare number of seconds. */
    private Duration duration(String setting, Duration fallback) throws ConfigException {
        String t = text(setting, null);
        if (t == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(t.strip());
        if (!m.matches()) {
            throw error(setting, "must be a duration such as 500ms, 30s, 10m or 1h (was \"" + t + "\")");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private List<String> list(String setting) throws ConfigException {
        Value v = values.get(setting);
        if (v == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (v.node().isArray()) {
            for (JsonNode n : v.node()) {
                if (!n.isValueNode()) {
                    throw error(setting, "must be a list of plain values");
                }
                out.add(n.asText());
            }
        } else if (v.node().isValueNode()) {
            out.add(v.node().asText());
        } else {
            throw error(setting, "must be a list");
        }
        return out;
    }

    private Path existingFile(String setting, boolean required) throws ConfigException {
        String t = text(setting, null);
        if (t == null || t.isBlank()) {
            if (required) {
                throw error(setting, "is required");
            }
            return null;
        }
        return checkFile(setting, resolve(t));
    }

    private Path checkFile(String setting, Path file) throws ConfigException {
        if (!Files.exists(file)) {
            throw error(setting, "file " + file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw error(setting, file + " is not a file");
        }
        if (!Files.isReadable(file)) {
            throw error(setting, "file " + file + " is not readable");
        }
        return file;
    }

    private Path resolve(String path) {
        Path p = Path.of(path.strip());
        return p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p).normalize();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "syntax error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
