package io.keyhold.server.store.sql;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a {@link SqlObjectStore} keeps its data: a SQLite file on this machine, or a PostgreSQL database
 * that several nodes share. Written in the configuration as a path (SQLite) or a JDBC URL
 * ({@code jdbc:postgresql://host:5432/keyhold}); {@link #name()} and {@link #toString()} never show a
 * password.
 */
public sealed interface Database permits Database.Sqlite, Database.Postgres {

    /** A short name for messages: the file name, or host, port and database. */
    String name();

    /** The dialect of its SQL. */
    Dialect dialect();

    /** The SQLite database in this file (created if absent). */
    static Sqlite sqlite(Path file) {
        return new Sqlite(file);
    }

    /**
     * A database from its configured form: a {@code jdbc:postgresql:} (or {@code postgresql://}) URL, a
     * {@code jdbc:sqlite:} URL, or a file path (SQLite). Relative SQLite paths are resolved against {@code base}.
     */
    static Database parse(String text, String user, String password, Path base) {
        Objects.requireNonNull(text, "text");
        String t = text.strip();
        if (t.startsWith("jdbc:postgresql:")) {
            return new Postgres(t, user, password);
        }
        if (t.startsWith("postgresql://") || t.startsWith("postgres://")) {
            return new Postgres("jdbc:postgresql://" + t.substring(t.indexOf("://") + 3), user, password);
        }
        String path = t.startsWith("jdbc:sqlite:") ? t.substring("jdbc:sqlite:".length()) : t;
        if (path.isEmpty() || path.startsWith("jdbc:") || path.contains("://")) {
            throw new IllegalArgumentException("not a database Keyhold can use: " + redact(t)
                    + " (expected: a SQLite file path, jdbc:sqlite:PATH or jdbc:postgresql://HOST[:PORT]/NAME)");
        }
        Path p = Path.of(path);
        return new Sqlite(base == null || p.isAbsolute() ? p.toAbsolutePath() : base.resolve(p).toAbsolutePath());
    }

    /** The database a configuration names: its PostgreSQL database, else its SQLite file. */
    static Database of(io.keyhold.server.config.ServerConfig.Storage storage) {
        io.keyhold.server.config.ServerConfig.Postgres p = storage.postgres();
        return p == null ? new Sqlite(storage.database()) : new Postgres(p.url(), p.user(), p.password());
    }

    /** A URL with any password parameter or user-info password replaced by {@code ***}. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("(://[^/:@]*:)[^@/]*@", "$1***@");
    }

    /** The SQLite database in this file. */
    record Sqlite(Path file) implements Database {
        public Sqlite {
            Objects.requireNonNull(file, "file");
            file = file.toAbsolutePath();
        }

        @Override
        public String name() {
            return file.getFileName().toString();
        }

        @Override
        public Dialect dialect() {
            return Dialect.SQLITE;
        }

        @Override
        public String toString() {
            return file.toString();
        }
    }

    /**
     * A PostgreSQL database.
     *
     * @param url      {@code jdbc:postgresql://host[:port]/database[?parameters]}
     * @param user     the role to connect as, or null to take it from the URL (or the driver's default)
     * @param password the role's password, or null (trust or certificate authentication, or in the URL)
     */
    record Postgres(String url, String user, String password) implements Database {
        public Postgres {
            Objects.requireNonNull(url, "url");
            if (!url.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + redact(url));
            }
        }

        @Override
        public String name() {
            String rest = url.substring("jdbc:postgresql:".length());
            int query = rest.indexOf('?');
            rest = query >= 0 ? rest.substring(0, query) : rest;
            return rest.startsWith("//") ? rest.substring(2) : rest;
        }

        @Override
        public Dialect dialect() {
            return Dialect.POSTGRESQL;
        }

        @Override
        public String toString() {
            return redact(url) + (user == null ? "" : " as " + user);
        }
    }
}
