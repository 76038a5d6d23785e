package io.keyhold.server.auth;

import java.util.Objects;

/**
 * Who asks for a change of grants or users: the operator at the command line, who holds the database and
 * the configuration and so may change anything, or a client identity, which {@link AccessPolicy} limits.
 */
public sealed interface Actor {

    /** How the change is attributed in logs and audit records. */
    String describe();

    /** Where the change came from, for its audit record: "local" for the command line, else the client's address. */
    String source();

    /** The operator running a command on the server's database, described by the local account. */
    record Operator(String account) implements Actor {
        public Operator {
            Objects.requireNonNull(account, "account");
        }

        /** The operator named by the {@code user.name} of this process. */
        public static Operator local() {
            return new Operator(System.getProperty("user.name", "unknown"));
        }

        @Override
        public String describe() {
            return "operator " + account;
        }

        @Override
        public String source() {
            return "local";
        }
    }

    /**
     * An authenticated client, allowed what {@link AccessPolicy#mayManageGrants} allows.
     *
     * @param sourceAddress the client's address ("127.0.0.1:50312"), as its audit records give it
     */
    record Client(Identity identity, String sourceAddress) implements Actor {
        public Client {
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(sourceAddress, "sourceAddress");
        }

        @Override
        public String describe() {
            return "client " + identity.name();
        }

        @Override
        public String source() {
            return sourceAddress;
        }
    }
}
