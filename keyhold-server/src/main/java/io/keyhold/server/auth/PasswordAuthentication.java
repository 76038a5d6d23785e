package io.keyhold.server.auth;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CredentialType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.ItemType;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.config.ServerConfig.PasswordCredentials;
import io.keyhold.server.store.ObjectStore;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a request header's Authentication (KMIP 1.4 section 2.1.2 and 6.6, 2.1 sections 2.1.2 and 8.3): its
 * Credential of type Username and Password names the client instead of the certificate, when
 * {@code access.password_credentials} allows it. 1.x carries one Credential, 2.x one or more; both forms
 * are read the same way, and more than one Username and Password credential is refused as ambiguous.
 *
 * <p>Every failure is Authentication Not Successful with the same message, whether the user is unknown or
 * the password wrong, so that the answer does not tell which names exist; the server log says which. The
 * password is never logged, and its characters are erased once checked.
 */
public final class PasswordAuthentication {
    private static final Logger LOG = LoggerFactory.getLogger(PasswordAuthentication.class);
    static final String REFUSED = "authentication failed: the Username and Password credential was not accepted";
    static final String MISSING = "authentication required: send a Username and Password credential";

    private final PasswordCredentials mode;
    private final ObjectStore store;

    public PasswordAuthentication(PasswordCredentials mode, ObjectStore store) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.store = store;
        if (mode != PasswordCredentials.DISABLED) {
            Objects.requireNonNull(store, "store");
        }
    }

    /** Credentials are ignored; the certificate names every client. */
    public static PasswordAuthentication disabled() {
        return new PasswordAuthentication(PasswordCredentials.DISABLED, null);
    }

    public PasswordCredentials mode() {
        return mode;
    }

    /**
     * The identity of the request: the credential's username when a valid one is sent, else the
     * certificate's identity (unless credentials are required).
     *
     * @param certificate   the identity of the connection's certificate
     * @param authentication the header's Authentication structure, or null
     * @param remoteAddress for the log
     * @throws KmipException Authentication Not Successful: a credential that is not valid, or none when required
     */
    public Identity identify(Identity certificate, TtlvItem authentication, String remoteAddress) throws KmipException {
        if (mode == PasswordCredentials.DISABLED) {
            return certificate;
        }
        List<TtlvItem> credentials = authentication == null ? List.of()
                : authentication.childrenWith(Tag.CREDENTIAL).stream()
                        .filter(c -> c.isStructure() && c.child(Tag.CREDENTIAL_TYPE).filter(t -> t.type() == ItemType.ENUMERATION)
                                .map(TtlvItem::enumValue).orElse(-1) == CredentialType.USERNAME_AND_PASSWORD.value())
                        .toList();
        if (credentials.isEmpty()) {
            if (mode == PasswordCredentials.REQUIRED) {
                LOG.info("Refused a request from {} ({}): no Username and Password credential", certificate, remoteAddress);
                throw new KmipException(ResultReason.AUTHENTICATION_NOT_SUCCESSFUL, MISSING);
            }
            return certificate;
        }
        if (credentials.size() > 1) {
            LOG.info("Refused a request from {} ({}): {} Username and Password credentials", certificate, remoteAddress,
                    credentials.size());
            throw new KmipException(ResultReason.AUTHENTICATION_NOT_SUCCESSFUL, REFUSED);
        }
        Optional<TtlvItem> value = credentials.get(0).child(Tag.CREDENTIAL_VALUE).filter(TtlvItem::isStructure);
        Optional<String> username = value.flatMap(v -> v.child(Tag.USERNAME))
                .filter(u -> u.type() == ItemType.TEXT_STRING).map(TtlvItem::textValue).filter(u -> !u.isEmpty());
        Optional<String> password = value.flatMap(v -> v.child(Tag.PASSWORD))
                .filter(p -> p.type() == ItemType.TEXT_STRING).map(TtlvItem::textValue);
        if (username.isEmpty() || password.isEmpty()) {
            LOG.info("Refused a request from {} ({}): the Username and Password credential lacks its Username or Password",
                    certificate, remoteAddress);
            throw new KmipException(ResultReason.AUTHENTICATION_NOT_SUCCESSFUL, REFUSED);
        }
        Optional<String> stored = store.read(tx -> tx.passwordHash(username.get()));
        char[] chars = password.get().toCharArray();
        boolean valid;
        try {
            // an unknown user costs a hash too, so that timing does not reveal which users exist
            valid = PasswordHashes.matches(chars, stored.orElse(UNKNOWN_USER)) && stored.isPresent();
        } finally {
            Arrays.fill(chars, '\0');
        }
        if (!valid) {
            LOG.info("Refused a request from {} ({}): {} for user {}", certificate, remoteAddress,
                    stored.isPresent() ? "wrong password" : "unknown user", printable(username.get()));
            throw new KmipException(ResultReason.AUTHENTICATION_NOT_SUCCESSFUL, REFUSED);
        }
        return new Identity(username.get());
    }

    /** A well-formed hash no password produces, checked for unknown users. */
    private static final String UNKNOWN_USER = PasswordHashes.DEFAULT.hash("\u0000unknown user".toCharArray());

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && i < 64; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }
}
