package io.keyhold.server.auth;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.store.ObjectStore;
import io.keyhold.server.store.WriteTransaction;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users of Username and Password credentials: added with a password (stored only as a
 * {@link PasswordHashes} hash), removed, listed. Each change runs in one store transaction that also
 * records it (see {@link #recordChange}). Only the operator and administrators may change users.
 */
public final class Users {
    private static final Logger LOG = LoggerFactory.getLogger(Users.class);
    static final int MAX_NAME_CHARS = 255;
    static final int MAX_PASSWORD_CHARS = 1024;

    private final ObjectStore store;
    private final AccessPolicy policy;
    private final PasswordHashes hashes;
    private final Clock clock;

    public Users(ObjectStore store, AccessPolicy policy, PasswordHashes hashes, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.hashes = Objects.requireNonNull(hashes, "hashes");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Adds the user with this password, or sets a new password for an existing one when {@code replace}.
     * The caller erases the password afterwards.
     *
     * @throws KmipException Invalid Field for a bad name or password, Object Already Exists for an existing
     *                       user without {@code replace}, Permission Denied for a client that is not an administrator
     */
    public void add(Actor actor, String username, char[] password, boolean replace) throws KmipException {
        checkAllowed(actor);
        checkName(username);
        if (password.length == 0) {
            throw new KmipException(ResultReason.INVALID_FIELD, "the password is empty");
        }
        if (password.length > MAX_PASSWORD_CHARS) {
            throw new KmipException(ResultReason.INVALID_FIELD, "the password has " + password.length
                    + " characters (expected: at most " + MAX_PASSWORD_CHARS + ")");
        }
        String hash = hashes.hash(password); // slow on purpose: outside the write transaction
        long now = clock.instant().getEpochSecond();
        store.write(tx -> {
            if (!replace && tx.passwordHash(username).isPresent()) {
                throw new KmipException(ResultReason.OBJECT_ALREADY_EXISTS, "user " + printable(username)
                        + " already exists (use --replace to set a new password)");
            }
            boolean existed = tx.putUser(username, hash, now);
            recordChange(tx, actor, existed ? "Change Password" : "Add User", existed
                    ? "password of user " + printable(username) + " changed" : "user " + printable(username) + " added");
            return null;
        });
    }

    /**
     * Removes the user; its credential stops working at the next request.
     *
     * @throws KmipException Item Not Found for an unknown user
     */
    public void remove(Actor actor, String username) throws KmipException {
        checkAllowed(actor);
        store.write(tx -> {
            if (!tx.deleteUser(username)) {
                throw new KmipException(ResultReason.ITEM_NOT_FOUND, "no user " + printable(username));
            }
            recordChange(tx, actor, "Remove User", "user " + printable(username) + " removed");
            return null;
        });
    }

    /** The user names, in order. */
    public List<String> list() throws KmipException {
        return store.read(tx -> tx.usernames());
    }

    /**
     * THE place where a user change (added, password changed, removed) is recorded: called inside the
     * change's own write transaction, whose audit record is appended through {@code tx} so that it commits
     * or rolls back with the change. Never given the password or its hash.
     */
    private void recordChange(WriteTransaction tx, Actor actor, String operation, String detail) {
        LOG.info("{} by {}", detail, actor.describe());
        tx.appendAudit(AuditEvent.change(clock.instant(), actor.describe(), actor.source(), operation, List.of(), detail));
    }

    private void checkAllowed(Actor actor) throws KmipException {
        if (actor instanceof Actor.Client client && !policy.isAdministrator(client.identity())) {
            throw new KmipException(ResultReason.PERMISSION_DENIED, client.identity().name()
                    + " may not manage users (administrators only)");
        }
    }

    static void checkName(String username) throws KmipException {
        if (username == null || username.isBlank()) {
            throw new KmipException(ResultReason.INVALID_FIELD, "the user name is empty");
        }
        if (username.length() > MAX_NAME_CHARS) {
            throw new KmipException(ResultReason.INVALID_FIELD, "the user name has " + username.length()
                    + " characters (expected: at most " + MAX_NAME_CHARS + ")");
        }
        if (!username.equals(username.strip()) || username.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new KmipException(ResultReason.INVALID_FIELD, "the user name \"" + printable(username)
                    + "\" has leading or trailing spaces or control characters");
        }
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
