package io.keyhold.server.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.Operation;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.store.ApiToken;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.StoreException;
import io.keyhold.server.store.WriteTransaction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API tokens of the HTTPS listener ({@code Authorization: Bearer <token>}), an alternative to a client
 * certificate there. A token acts as one {@link Identity}, with that identity's ownership and grants, and
 * optionally only within a scope: the same {@link TicketRights} (operations, Unique Identifiers, Object
 * Groups) that narrow a ticket of Delegated Login, enforced the same way by the dispatcher.
 *
 * <p>A token reads {@code kh_<id>_<secret>}: {@code <id>} is {@value #ID_BYTES} random bytes in lowercase
 * hexadecimal (public: listings and audit records name it), {@code <secret>} {@value #SECRET_BYTES} bytes from a
 * {@link SecureRandom} in unpadded base64url. The store keeps only the SHA-256 of the secret (enough for a
 * secret of 256 random bits), compared in constant time; the token is shown once, by {@link #create}.
 *
 * <p>Every {@link #authenticate} reads the token from the store, so a revocation, by this process or
 * another one (the command line), applies to the next request. Issuing and revoking each leave an audit
 * record in the change's own transaction. Who may issue or revoke is the caller's decision (the command
 * line: the operator). Thread-safe. Nothing here logs a token, its secret or its hash.
 */
public final class ApiTokens {
    private static final Logger LOG = LoggerFactory.getLogger(ApiTokens.class);
    /** Length of a token's id in bytes (twice as many hexadecimal digits). */
    public static final int ID_BYTES = 8;
    /** Length of a token's secret in bytes (256 bits). */
    public static final int SECRET_BYTES = 32;
    /** What every token starts with. */
    public static final String PREFIX = "kh_";
    /** Longest description kept with a token. */
    public static final int MAX_DESCRIPTION_CHARS = 256;
    static final int MAX_IDENTITY_CHARS = 255;
    /** Last use is stored at most this often per token, so that requests do not each cost a write. */
    static final Duration LAST_USED_PRECISION = Duration.ofMinutes(1);

    private static final Pattern ID = Pattern.compile("[0-9a-f]{" + (2 * ID_BYTES) + "}");
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{" + ((SECRET_BYTES * 8 + 5) / 6) + "}");
    private static final int MAX_TOKEN_CHARS = 256;
    private static final Map<String, Operation> OPERATIONS = Arrays.stream(Operation.values())
            .collect(Collectors.toUnmodifiableMap(Operation::specName, Function.identity(), (a, b) -> a));
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectStore store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public ApiTokens(ObjectStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A token just issued: the only time its text exists outside the client.
     *
     * @param id      the token's public id
     * @param token   the whole token, {@code kh_<id>_<secret>}
     * @param expires when it stops working, or null for never
     */
    public record Issued(String id, String token, Instant expires) {
        /** Without the token: a record's default text would print it. */
        @Override
        public String toString() {
            return "Issued[id=" + id + ", expires=" + expires + "]";
        }
    }

    /**
     * An API token as listings show it: no secret, no hash.
     *
     * @param expires  null: never
     * @param revoked  when it was revoked, or null
     * @param lastUsed when it last authenticated a request (to about {@link #LAST_USED_PRECISION}), or null
     */
    public record TokenInfo(String id, Identity identity, TicketRights scope, String description, Instant created,
                            Instant expires, Instant revoked, Instant lastUsed) {
        /** Whether the token works at that time: neither revoked nor expired. */
        public boolean active(Instant now) {
            return revoked == null && (expires == null || now.isBefore(expires));
        }

        /** "active", "expired" or "revoked" at that time. */
        public String status(Instant now) {
            return revoked != null ? "revoked" : active(now) ? "active" : "expired";
        }
    }

    /**
     * A request authenticated by an API token: it acts as {@code identity}, within {@code scope}.
     *
     * @param expires null: never
     */
    public record Bearer(String tokenId, Identity identity, TicketRights scope, Instant expires) {
        public Bearer {
            Objects.requireNonNull(tokenId, "tokenId");
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(scope, "scope");
        }
    }

    /** As {@link #create(Actor, Identity, TicketRights, Instant, String)}, by the local operator. */
    public Issued create(Identity identity, TicketRights scope, Instant expires, String description) throws KmipException {
        return create(Actor.Operator.local(), identity, scope, expires, description);
    }

    /**
     * Issues a token acting as the identity within the scope ({@link TicketRights#UNRESTRICTED}: whatever
     * the identity may do), until {@code expires} (null: until revoked), and records it.
     *
     * @throws KmipException Invalid Field for a bad identity name or description, or an expiry not in the future
     */
    public Issued create(Actor actor, Identity identity, TicketRights scope, Instant expires, String description)
            throws KmipException {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(identity, "identity");
        TicketRights rights = scope == null ? TicketRights.UNRESTRICTED : scope;
        String note = description == null ? "" : description.strip();
        checkIdentity(identity);
        checkDescription(note);
        Instant now = seconds(clock.instant());
        Instant until = expires == null ? null : seconds(expires);
        if (until != null && !until.isAfter(now)) {
            throw new KmipException(ResultReason.INVALID_FIELD, "the expiry " + until + " is not in the future");
        }
        String scopeText = encodeScope(rights);
        byte[] secretBytes = new byte[SECRET_BYTES];
        random.nextBytes(secretBytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        Arrays.fill(secretBytes, (byte) 0);
        byte[] hash = hash(secret);
        return store.write(tx -> {
            String id = newId();
            while (tx.apiToken(id).isPresent()) {
                id = newId();
            }
            tx.insertApiToken(new ApiToken(id, identity.name(), hash, scopeText, note, now, until, null, null));
            recordChange(tx, actor, "Create API Token", "API token " + id + " issued for identity "
                    + printable(identity.name()) + " (" + describe(rights) + "; "
                    + (until == null ? "no expiry" : "expires " + until) + ")");
            return new Issued(id, PREFIX + id + "_" + secret, until);
        });
    }

    /** Every token, revoked and expired ones included, oldest first; never a secret or a hash. */
    public List<TokenInfo> list() throws KmipException {
        List<ApiToken> stored = store.read(tx -> tx.apiTokens());
        List<TokenInfo> out = new ArrayList<>(stored.size());
        for (ApiToken t : stored) {
            TicketRights scope;
            try {
                scope = decodeScope(t.scope());
            } catch (IllegalArgumentException e) {
                throw new StoreException("API token " + t.id() + ": stored scope cannot be read (" + e.getMessage() + ")");
            }
            out.add(new TokenInfo(t.id(), new Identity(t.identity()), scope, t.description(), t.created(), t.expires(),
                    t.revoked(), t.lastUsed()));
        }
        return out;
    }

    /** As {@link #revoke(Actor, String)}, by the local operator. */
    public boolean revoke(String id) throws KmipException {
        return revoke(Actor.Operator.local(), id);
    }

    /**
     * Revokes the token: it stops working at the next request. The row stays, marked revoked, for
     * listings. False (and nothing recorded) for an unknown id or a token revoked already.
     */
    public boolean revoke(Actor actor, String id) throws KmipException {
        Objects.requireNonNull(actor, "actor");
        if (id == null || !ID.matcher(id).matches()) {
            return false;
        }
        long now = clock.instant().getEpochSecond();
        return store.write(tx -> {
            Optional<ApiToken> t = tx.apiToken(id);
            if (t.isEmpty() || !tx.revokeApiToken(id, now)) {
                return false;
            }
            recordChange(tx, actor, "Revoke API Token", "API token " + id + " of identity "
                    + printable(t.get().identity()) + " revoked");
            return true;
        });
    }

    /**
     * Who a presented token (the text after {@code Bearer }) authenticates: empty for a malformed or
     * unknown token, a wrong secret, an expired or a revoked token. Reads the store each time.
     *
     * @throws KmipException when the store cannot be read (not the same as an unknown token)
     */
    public Optional<Bearer> authenticate(String presentedToken) throws KmipException {
        if (presentedToken == null || presentedToken.length() > MAX_TOKEN_CHARS || !presentedToken.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = presentedToken.substring(PREFIX.length());
        int cut = rest.indexOf('_');
        if (cut < 0) {
            return Optional.empty();
        }
        String id = rest.substring(0, cut);
        String secret = rest.substring(cut + 1);
        if (!ID.matcher(id).matches() || !SECRET.matcher(secret).matches()) {
            return Optional.empty();
        }
        byte[] presented = hash(secret);
        Optional<ApiToken> found = store.read(tx -> tx.apiToken(id));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ApiToken t = found.get();
        Instant now = clock.instant();
        if (!MessageDigest.isEqual(presented, t.secretHash()) || t.revoked() != null
                || (t.expires() != null && !now.isBefore(t.expires()))) {
            return Optional.empty();
        }
        TicketRights scope;
        try {
            scope = decodeScope(t.scope());
        } catch (IllegalArgumentException e) {
            LOG.warn("API token {} refused: its stored scope cannot be read ({})", id, e.getMessage());
            return Optional.empty();
        }
        noteUse(t, now);
        return Optional.of(new Bearer(id, new Identity(t.identity()), scope, t.expires()));
    }

    /** Stores the last use when the stored one is older than {@link #LAST_USED_PRECISION}; a failure only logs. */
    private void noteUse(ApiToken t, Instant now) {
        if (t.lastUsed() != null && Duration.between(t.lastUsed(), now).compareTo(LAST_USED_PRECISION) < 0) {
            return;
        }
        try {
            store.write(tx -> tx.apiTokenUsed(t.id(), now.getEpochSecond()));
        } catch (KmipException | StoreException e) {
            LOG.warn("last use of API token {} not recorded: {}", t.id(), e.getMessage());
        }
    }

    /**
     * THE place where issuing or revoking a token is recorded: inside the change's own write transaction,
     * so the record commits or rolls back with it. Names the token's id, never its secret or hash.
     */
    private void recordChange(WriteTransaction tx, Actor actor, String operation, String detail) {
        LOG.info("{} by {}", detail, actor.describe());
        tx.appendAudit(AuditEvent.change(clock.instant(), actor.describe(), actor.source(), operation, List.of(), detail));
    }

    private String newId() {
        byte[] b = new byte[ID_BYTES];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant seconds(Instant t) {
        return Instant.ofEpochSecond(t.getEpochSecond());
    }

    private static void checkIdentity(Identity identity) throws KmipException {
        String name = identity.name();
        if (name.isBlank() || name.length() > MAX_IDENTITY_CHARS || !name.equals(name.strip())
                || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new KmipException(ResultReason.INVALID_FIELD, "the identity name \"" + printable(name)
                    + "\" is blank, longer than " + MAX_IDENTITY_CHARS
                    + " characters, or has leading or trailing spaces or control characters");
        }
    }

    private static void checkDescription(String description) throws KmipException {
        if (description.length() > MAX_DESCRIPTION_CHARS) {
            throw new KmipException(ResultReason.INVALID_FIELD, "the description has " + description.length()
                    + " characters (expected: at most " + MAX_DESCRIPTION_CHARS + ")");
        }
        if (description.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new KmipException(ResultReason.INVALID_FIELD, "the description has control characters");
        }
    }

    /** The scope as stored: {@code {"rights":[{"operations":[...],"objects":[...],"groups":[...]}]}}, names sorted. */
    static String encodeScope(TicketRights scope) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode rights = root.putArray("rights");
        for (TicketRights.Right r : scope.rights()) {
            ObjectNode right = rights.addObject();
            ArrayNode ops = right.putArray("operations");
            r.operations().stream().map(Operation::specName).sorted().forEach(ops::add);
            ArrayNode objects = right.putArray("objects");
            new TreeSet<>(r.uniqueIdentifiers()).forEach(objects::add);
            ArrayNode groups = right.putArray("groups");
            new TreeSet<>(r.objectGroups()).forEach(groups::add);
        }
        return root.toString();
    }

    /** The stored scope back; IllegalArgumentException for text this class did not write. */
    static TicketRights decodeScope(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON");
        }
        JsonNode rights = root == null ? null : root.get("rights");
        if (rights == null || !rights.isArray()) {
            throw new IllegalArgumentException("no \"rights\" array");
        }
        List<TicketRights.Right> out = new ArrayList<>();
        for (JsonNode r : rights) {
            Set<Operation> ops = new LinkedHashSet<>();
            for (String name : strings(r, "operations")) {
                Operation op = OPERATIONS.get(name);
                if (op == null) {
                    throw new IllegalArgumentException("unknown operation " + printable(name));
                }
                ops.add(op);
            }
            out.add(new TicketRights.Right(ops, strings(r, "objects"), strings(r, "groups")));
        }
        return new TicketRights(out);
    }

    private static Set<String> strings(JsonNode right, String field) {
        JsonNode a = right.get(field);
        if (a == null || !a.isArray()) {
            throw new IllegalArgumentException("a right has no \"" + field + "\" array");
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode n : a) {
            if (!n.isTextual()) {
                throw new IllegalArgumentException("\"" + field + "\" holds a non-text value");
            }
            out.add(n.textValue());
        }
        return out;
    }

    /** "scope: Get, Encrypt on objects k1 and object groups g1", "no scope restriction". */
    public static String describe(TicketRights scope) {
        if (!scope.restricted()) {
            return "no scope restriction";
        }
        List<String> parts = new ArrayList<>();
        for (TicketRights.Right r : scope.rights()) {
            String ops = r.operations().isEmpty() ? "all operations"
                    : r.operations().stream().map(Operation::specName).sorted().collect(Collectors.joining(", "));
            List<String> on = new ArrayList<>();
            if (!r.uniqueIdentifiers().isEmpty()) {
                on.add("objects " + printable(String.join(", ", new TreeSet<>(r.uniqueIdentifiers()))));
            }
            if (!r.objectGroups().isEmpty()) {
                on.add("object groups " + printable(String.join(", ", new TreeSet<>(r.objectGroups()))));
            }
            parts.add(ops + " on " + (on.isEmpty() ? "every object" : String.join(" and ", on)));
        }
        return "scope: " + String.join("; ", parts);
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 128; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }
}
