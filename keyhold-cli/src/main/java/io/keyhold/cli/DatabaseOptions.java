package io.keyhold.cli;

import io.keyhold.server.config.ConfigException;
import io.keyhold.server.config.ConfigLoader;
import io.keyhold.server.store.sql.Database;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reading the databases of {@code keyhold migrate}, {@code backup} and {@code restore}: a path or JDBC URL
 * with a user and a password taken only from a named environment variable, or the database a server's
 * configuration file names.
 */
final class DatabaseOptions {
    private DatabaseOptions() {
    }

    /** A usage problem: the message says which option and why, never a password. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    /**
     * The database {@code text} names (a SQLite path, {@code jdbc:sqlite:PATH} or {@code jdbc:postgresql://...}),
     * relative paths resolved against the working directory; the password from the environment variable
     * {@code passwordEnv} when given.
     */
    static Database parse(String option, String text, String user, String passwordOption, String passwordEnv,
            Map<String, String> environment) throws Invalid {
        if (text.toLowerCase(java.util.Locale.ROOT).contains("password=")
                || text.matches("(?s).*://[^/@]*:[^/@]*@.*")) {
            throw new Invalid(option + ": a password in the URL is refused (others could read it in the process"
                    + " list): name an environment variable that holds it with " + passwordOption);
        }
        String password = null;
        if (passwordEnv != null) {
            password = environment.get(passwordEnv);
            if (password == null) {
                throw new Invalid(passwordOption + ": environment variable " + passwordEnv + " is not set");
            }
        }
        try {
            return Database.parse(text, user, password, Path.of("").toAbsolutePath());
        } catch (IllegalArgumentException e) {
            throw new Invalid(option + ": " + e.getMessage());
        }
    }

    /** The database of a server's configuration file. */
    static Database configured(Path config, Map<String, String> environment) throws Invalid {
        try {
            return Database.of(ConfigLoader.load(config, environment).storage());
        } catch (ConfigException e) {
            throw new Invalid(e.getMessage());
        }
    }
}
