package io.keyhold.cli;

import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.store.StoreException;
import io.keyhold.server.store.sql.Database;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The checks {@code keyhold serve} and {@code keyhold dev} make before and after starting, for mistakes
 * that would otherwise surface only when a client connects or a first write fails: a SQLite data directory
 * or database file this user cannot write, a PostgreSQL server that cannot be reached, and a server
 * certificate close to its end of validity. Each finding is one line naming the setting and what to do.
 */
final class StartupChecks {
    /** A server certificate ending within this period gets a warning at start. */
    static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    private StartupChecks() {
    }

    /**
     * The problem with a SQLite database's directory or file, or empty when it can be written (PostgreSQL is
     * checked by connecting to it). Creates the directory if it is missing, as opening the store would.
     */
    static Optional<String> storage(ServerConfig.Storage storage) {
        if (storage.postgres() != null) {
            return Optional.empty();
        }
        Path database = storage.database().toAbsolutePath().normalize();
        Path dir = database.getParent();
        boolean inDataDir = dir.equals(storage.dataDir().toAbsolutePath().normalize());
        String setting = inDataDir ? "storage.data_dir" : "storage.database";
        String what = inDataDir ? "the data directory " : "the directory of database ";
        if (!Files.isDirectory(dir)) {
            Path existing = dir.getParent();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing != null && !Files.isDirectory(existing)) {
                return Optional.of(setting + ": cannot create " + what + dir + " (" + existing + " exists and is not a"
                        + " directory): create it, writable by the user running keyhold, or choose another " + setting);
            }
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                return Optional.of(setting + ": cannot create " + what + dir + " (" + reason(e) + "): create it,"
                        + " writable by the user running keyhold, or choose another " + setting);
            }
        }
        if (!Files.isWritable(dir)) {
            return Optional.of(setting + ": " + what + dir + " is not writable by the user running keyhold (SQLite"
                    + " writes its journal beside the database): make it writable or choose another " + setting);
        }
        if (Files.exists(database) && !Files.isWritable(database)) {
            return Optional.of("storage.database: the database file " + database + " is not writable by the user"
                    + " running keyhold: make it writable (owner and mode) or restore a writable copy");
        }
        return Optional.empty();
    }

    /**
     * A warning when the server certificate (the first in {@code tls.certificate}) ends within
     * {@link #EXPIRY_WARNING} of {@code now}; empty otherwise, also when the file cannot be read (the TLS
     * set-up reports that).
     */
    static Optional<String> certificateExpiry(ServerConfig.Tls tls, Instant now) {
        X509Certificate certificate;
        try (InputStream in = Files.newInputStream(tls.certificate())) {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | CertificateException | RuntimeException e) {
            return Optional.empty();
        }
        Instant end = certificate.getNotAfter().toInstant();
        if (end.isAfter(now.plus(EXPIRY_WARNING))) {
            return Optional.empty();
        }
        long days = Duration.between(now, end).toDays();
        return Optional.of("warning: the server certificate in " + tls.certificate() + " (tls.certificate) expires on "
                + end.truncatedTo(ChronoUnit.SECONDS) + " (in " + (days == 0 ? "less than a day" : days + " day"
                + (days == 1 ? "" : "s")) + "): renew it; the new files are read without a restart");
    }

    /**
     * The line for a database that cannot be opened: for a PostgreSQL server that cannot be reached, where and
     * why (the URL's host, port and database only, never a password); else the store's own message.
     */
    static String storageFailure(ServerConfig.Storage storage, StoreException e) {
        if (storage.postgres() != null) {
            String where = "PostgreSQL database at " + Database.of(storage).name() + " (storage.database)";
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ConnectException) {
                    return where + " is unreachable: connection refused; check that the server runs and accepts TCP"
                            + " connections there";
                }
                if (t instanceof UnknownHostException) {
                    return where + " is unreachable: the host name is unknown; check storage.database";
                }
                if (t instanceof SocketTimeoutException || t instanceof NoRouteToHostException) {
                    return where + " is unreachable: no answer; check the host, the port and any firewall between";
                }
            }
        }
        return String.valueOf(e.getMessage());
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + " exists and is not a directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getClass().getSimpleName();
    }
}
