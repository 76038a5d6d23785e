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
 *
 * <p>A Credential of type Ticket (KMIP 2.0/2.1 section 2.1.2: its Credential Value holds the Ticket of a
 * Login or Delegated Login) names the ticket's identity, within the ticket's rights, whatever
 * {@code access.password_credentials} says: the ticket was issued to an identity that authenticated. One
 * Ticket credential alone decides; with a second Ticket or a Username and Password credential the message
 * is refused as ambiguous. An unknown, logged out, expired or used up ticket is refused like a wrong
 * password, with one message for every cause; the ticket value is never logged.
 */
public final class PasswordAuthentication {
    private static final Logger LOG = LoggerFactory.getLogger(PasswordAuthentication.class);
    static final String REFUSED = "authentication failed: the Username and Password credential was not accepted";
    static final String MISSING = "authentication required: send a Username and Password credential";
    static final String TICKET_REFUSED = "authentication failed: the Ticket credential was not accepted";

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
     * The request's authentication.
     *
     * @param identity the identity the request acts as
     * @param ticket   the ticket that authenticated it, if one did
     */
    public record Authenticated(Identity identity, Optional<TicketSession> ticket) {
        public Authenticated {
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(ticket, "ticket");
        }
    }

    /**
     * The identity of the request as {@link #identify} gives it, unless a Credential of type Ticket is sent:
     * then the ticket's identity and session, the request counted against the ticket's Request Count.
     *
     * @param tickets the server's tickets
     * @throws KmipException Authentication Not Successful: a ticket that is not alive, more than one
     *                       credential naming the client, or as for {@link #identify}
     */
    public Authenticated authenticate(Identity certificate, TtlvItem authentication, String remoteAddress, Tickets tickets)
            throws KmipException {
        Objects.requireNonNull(tickets, "tickets");
        List<TtlvItem> ticketCredentials = credentials(authentication, CredentialType.TICKET);
        if (ticketCredentials.isEmpty()) {
            return new Authenticated(identify(certificate, authentication, remoteAddress), Optional.empty());
        }
        if (ticketCredentials.size() > 1 || !credentials(authentication, CredentialType.USERNAME_AND_PASSWORD).isEmpty()) {
            LOG.info("Refused a request from {} ({}): a Ticket credential together with {} other credential(s) naming the client",
                    certificate, remoteAddress, credentials(authentication, CredentialType.USERNAME_AND_PASSWORD).size()
                            + ticketCredentials.size() - 1);
            throw new KmipException(ResultReason.AUTHENTICATION_NOT_SUCCESSFUL, TICKET_REFUSED);
        }
        Optional<TtlvItem> value = ticketCredentials.get(0).child(Tag.CREDENTIAL_VALUE).filter(TtlvItem::isStructure);
        // the Credential Value holds the Ticket; a Credential Value holding the Ticket's fields is read the same way
        Optional<byte[]> ticketValue = value.flatMap(v -> v.childrenWith(Tag.TICKET).size() == 1
                ? Tickets.ticketValue(v.childrenWith(Tag.TICKET).get(0))
                : Tickets.ticketValue(TtlvItem.structure(Tag.TICKET, v.children())));
        if (ticketValue.isEmpty()) {
            LOG.info("Refused a request from {} ({}): the Ticket credential holds no Ticket of Ticket Type Login",
                    certificate, remoteAddress);
            throw new KmipException(ResultReason.AUTHENTICATION_NOT_SUCCESSFUL, TICKET_REFUSED);
        }
        Optional<TicketSession> session = tickets.redeem(ticketValue.get());
        if (session.isEmpty()) {
            LOG.info("Refused a request from {} ({}): its Ticket credential is not a live ticket", certificate, remoteAddress);
            throw new KmipException(ResultReason.AUTHENTICATION_NOT_SUCCESSFUL, TICKET_REFUSED);
        }
        return new Authenticated(session.get().identity(), session);
    }

    private static List<TtlvItem> credentials(TtlvItem authentication, CredentialType type) {
        return authentication == null ? List.of()
                : authentication.childrenWith(Tag.CREDENTIAL).stream()
                        .filter(c -> c.isStructure() && c.child(Tag.CREDENTIAL_TYPE).filter(t -> t.type() == ItemType.ENUMERATION)
                                .map(TtlvItem::enumValue).orElse(-1) == type.value())
                        .toList();
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
        List<TtlvItem> credentials = credentials(authentication, CredentialType.USERNAME_AND_PASSWORD);
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
