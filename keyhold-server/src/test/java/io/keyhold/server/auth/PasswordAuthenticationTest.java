package io.keyhold.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keyhold.protocol.KmipException;
import io.keyhold.protocol.spec.CredentialType;
import io.keyhold.protocol.spec.ResultReason;
import io.keyhold.protocol.spec.Tag;
import io.keyhold.protocol.ttlv.TtlvItem;
import io.keyhold.server.config.ServerConfig.PasswordCredentials;
import io.keyhold.server.store.memory.InMemoryObjectStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link PasswordAuthentication}: the header's Username and Password credential names the client. */
class PasswordAuthenticationTest {
    private final InMemoryObjectStore store = new InMemoryObjectStore();
    private final Identity certificate = new Identity("client1");

    @BeforeEach
    void users() throws Exception {
        String hash = new PasswordHashes(64, 1, 1).hash("s3cret".toCharArray());
        store.write(tx -> tx.putUser("alice", hash, 0L));
    }

    static TtlvItem credential(String username, String password) {
        return TtlvItem.structure(Tag.CREDENTIAL,
                TtlvItem.enumeration(Tag.CREDENTIAL_TYPE, CredentialType.USERNAME_AND_PASSWORD.value()),
                TtlvItem.structure(Tag.CREDENTIAL_VALUE, TtlvItem.text(Tag.USERNAME, username),
                        TtlvItem.text(Tag.PASSWORD, password)));
    }

    static TtlvItem authentication(TtlvItem... credentials) {
        return TtlvItem.structure(Tag.AUTHENTICATION, credentials);
    }

    private PasswordAuthentication mode(PasswordCredentials mode) {
        return new PasswordAuthentication(mode, store);
    }

    private static KmipException refused(PasswordAuthentication auth, TtlvItem authentication) {
        KmipException e = catchThrowableOfType(KmipException.class,
                () -> auth.identify(new Identity("client1"), authentication, "127.0.0.1:1"));
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(ResultReason.AUTHENTICATION_NOT_SUCCESSFUL);
        return e;
    }

    @Test
    void disabled_ignoresCredentials() throws Exception {
        assertThat(PasswordAuthentication.disabled().identify(certificate, authentication(credential("alice", "wrong")), "a"))
                .isEqualTo(certificate);
    }

    @Test
    void accepted_validCredential_namesTheUser() throws Exception {
        assertThat(mode(PasswordCredentials.ACCEPTED).identify(certificate, authentication(credential("alice", "s3cret")), "a"))
                .isEqualTo(new Identity("alice"));
    }

    @Test
    void accepted_noCredential_keepsTheCertificateIdentity() throws Exception {
        assertThat(mode(PasswordCredentials.ACCEPTED).identify(certificate, null, "a")).isEqualTo(certificate);
    }

    @Test
    void accepted_wrongPasswordAndUnknownUser_areRefusedAlike() {
        KmipException wrong = refused(mode(PasswordCredentials.ACCEPTED), authentication(credential("alice", "s3cret!")));
        KmipException unknown = refused(mode(PasswordCredentials.ACCEPTED), authentication(credential("mallory", "s3cret")));
        assertThat(wrong.getMessage()).isEqualTo(unknown.getMessage()).doesNotContain("s3cret").doesNotContain("alice");
    }

    @Test
    void required_noCredential_isRefused() {
        refused(mode(PasswordCredentials.REQUIRED), null);
        refused(mode(PasswordCredentials.REQUIRED), authentication());
    }

    @Test
    void required_validCredential_namesTheUser() throws Exception {
        assertThat(mode(PasswordCredentials.REQUIRED).identify(certificate, authentication(credential("alice", "s3cret")), "a"))
                .isEqualTo(new Identity("alice"));
    }

    @Test
    void twoCredentials_areRefusedAsAmbiguous() {
        refused(mode(PasswordCredentials.ACCEPTED),
                authentication(credential("alice", "s3cret"), credential("alice", "s3cret")));
    }

    @Test
    void credentialWithoutPassword_isRefused() {
        TtlvItem noPassword = TtlvItem.structure(Tag.CREDENTIAL,
                TtlvItem.enumeration(Tag.CREDENTIAL_TYPE, CredentialType.USERNAME_AND_PASSWORD.value()),
                TtlvItem.structure(Tag.CREDENTIAL_VALUE, TtlvItem.text(Tag.USERNAME, "alice")));
        refused(mode(PasswordCredentials.ACCEPTED), authentication(noPassword));
    }

    @Test
    void otherCredentialTypes_areNotUsernameAndPassword() throws Exception {
        TtlvItem device = TtlvItem.structure(Tag.CREDENTIAL,
                TtlvItem.enumeration(Tag.CREDENTIAL_TYPE, CredentialType.DEVICE.value()),
                TtlvItem.structure(Tag.CREDENTIAL_VALUE, TtlvItem.text(Tag.DEVICE_IDENTIFIER, "d1")));
        assertThat(mode(PasswordCredentials.ACCEPTED).identify(certificate, authentication(device), "a")).isEqualTo(certificate);
        refused(mode(PasswordCredentials.REQUIRED), authentication(device));
    }

    @Test
    void removedUser_isRefusedAtTheNextRequest() throws Exception {
        PasswordAuthentication auth = mode(PasswordCredentials.ACCEPTED);
        assertThat(auth.identify(certificate, authentication(credential("alice", "s3cret")), "a")).isEqualTo(new Identity("alice"));
        store.write(tx -> tx.deleteUser("alice"));
        refused(auth, authentication(credential("alice", "s3cret")));
    }

    // ---- Ticket credentials

    private final Tickets tickets = new Tickets(new io.keyhold.server.store.memory.InMemoryObjectStore(), java.time.Clock.systemUTC());

    private TtlvItem ticketCredential(byte[] value) {
        return TtlvItem.structure(Tag.CREDENTIAL, TtlvItem.enumeration(Tag.CREDENTIAL_TYPE, CredentialType.TICKET.value()),
                TtlvItem.structure(Tag.CREDENTIAL_VALUE, Tickets.ticket(value)));
    }

    private byte[] ticketOf(String identity) throws Exception {
        return tickets.issue(new Identity(identity), Tickets.Terms.NONE, TicketRights.UNRESTRICTED,
                java.util.Optional.empty()).value();
    }

    private KmipException ticketRefused(PasswordAuthentication auth, TtlvItem authentication) {
        KmipException e = catchThrowableOfType(KmipException.class,
                () -> auth.authenticate(certificate, authentication, "127.0.0.1:1", tickets));
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(ResultReason.AUTHENTICATION_NOT_SUCCESSFUL);
        assertThat(e.getMessage()).isEqualTo(PasswordAuthentication.TICKET_REFUSED);
        return e;
    }

    @Test
    void ticket_namesItsIdentity_inEveryMode() throws Exception {
        for (PasswordCredentials m : PasswordCredentials.values()) {
            PasswordAuthentication auth = m == PasswordCredentials.DISABLED ? PasswordAuthentication.disabled() : mode(m);
            PasswordAuthentication.Authenticated who = auth.authenticate(certificate,
                    authentication(ticketCredential(ticketOf("bob"))), "a", tickets);
            assertThat(who.identity()).as(m.name()).isEqualTo(new Identity("bob"));
            assertThat(who.ticket()).isPresent();
        }
    }

    @Test
    void noTicket_isIdentifyAsBefore() throws Exception {
        PasswordAuthentication.Authenticated who = mode(PasswordCredentials.ACCEPTED).authenticate(certificate,
                authentication(credential("alice", "s3cret")), "a", tickets);
        assertThat(who.identity()).isEqualTo(new Identity("alice"));
        assertThat(who.ticket()).isEmpty();
        assertThat(PasswordAuthentication.disabled().authenticate(certificate, null, "a", tickets).identity())
                .isEqualTo(certificate);
    }

    @Test
    void ticket_credentialValueHoldingTheTicketFields_isReadToo() throws Exception {
        TtlvItem flat = TtlvItem.structure(Tag.CREDENTIAL, TtlvItem.enumeration(Tag.CREDENTIAL_TYPE, CredentialType.TICKET.value()),
                TtlvItem.structure(Tag.CREDENTIAL_VALUE, Tickets.ticket(ticketOf("bob")).children()));
        assertThat(PasswordAuthentication.disabled().authenticate(certificate, authentication(flat), "a", tickets).identity())
                .isEqualTo(new Identity("bob"));
    }

    @Test
    void ticket_unknownOrAmbiguousOrEmpty_isRefusedWithOneMessage() throws Exception {
        PasswordAuthentication auth = mode(PasswordCredentials.ACCEPTED);
        ticketRefused(auth, authentication(ticketCredential(new byte[32])));
        ticketRefused(auth, authentication(ticketCredential(ticketOf("bob")), ticketCredential(ticketOf("bob"))));
        ticketRefused(auth, authentication(ticketCredential(ticketOf("bob")), credential("alice", "s3cret")));
        ticketRefused(auth, authentication(TtlvItem.structure(Tag.CREDENTIAL,
                TtlvItem.enumeration(Tag.CREDENTIAL_TYPE, CredentialType.TICKET.value()))));
        byte[] gone = ticketOf("bob");
        tickets.logout(gone);
        ticketRefused(PasswordAuthentication.disabled(), authentication(ticketCredential(gone)));
    }
}
