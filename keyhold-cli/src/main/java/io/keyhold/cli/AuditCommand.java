package io.keyhold.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.keyhold.server.audit.AuditChain;
import io.keyhold.server.audit.AuditEvent;
import io.keyhold.server.audit.AuditQuery;
import io.keyhold.server.audit.AuditRecord;
import io.keyhold.server.audit.AuditVerifier;
import io.keyhold.server.config.ConfigException;
import io.keyhold.server.config.ConfigLoader;
import io.keyhold.server.store.StoreException;
import io.keyhold.server.store.sql.Database;
import io.keyhold.server.store.sql.SqlAuditLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keyhold audit verify|export|query --config keyhold.yaml}: reads the audit log of the database the
 * server's configuration names (docs/audit.md). It opens the database read-only, needs no master key, and
 * can run while the server does.
 */
@Command(name = "audit",
        description = "Verifies, exports and queries the audit log of the server's database.",
        mixinStandardHelpOptions = true,
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class, AuditCommand.Query.class})
final class AuditCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand (verify, export or query)");
    }

    /** What every subcommand shares: the configuration file and opening the log it names. */
    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", paramLabel = "FILE", required = true,
                description = "The server's configuration file (as for keyhold serve); its storage.database is read.")
        Path config;

        /** The environment the configuration's overrides come from; tests replace it. */
        Map<String, String> environment = System.getenv();

        @Override
        public final Integer call() throws IOException {
            Database database;
            try {
                database = Database.of(ConfigLoader.load(config, environment).storage());
            } catch (ConfigException e) {
                return fail(e.getMessage(), 2);
            }
            try (SqlAuditLog log = SqlAuditLog.open(database)) {
                return run(log, spec.commandLine().getOut());
            } catch (StoreException e) {
                return fail(e.getMessage(), 1);
            } finally {
                spec.commandLine().getOut().flush();
            }
        }

        abstract int run(SqlAuditLog log, PrintWriter out) throws IOException;

        int fail(String message, int status) {
            spec.commandLine().getErr().println(spec.qualifiedName() + ": " + message.replaceAll("\\R+", " "));
            return status;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Checks the whole hash chain of the audit log and the head kept beside it.",
                    "Prints the number of records verified and the head (sequence:hash): note it somewhere the"
                            + " database's administrators cannot write, and pass it later with --anchor to detect"
                            + " records cut from the end even if the head row was rewritten too.",
                    "Exit status 1 names the first record changed, removed or reordered."})
    static final class Verify extends Base {
        @Option(names = "--anchor", paramLabel = "SEQUENCE:HASH", converter = HeadConverter.class,
                description = "A head printed by an earlier verify: the record with that sequence must have that hash.")
        AuditChain.Head anchor;

        @Override
        int run(SqlAuditLog log, PrintWriter out) {
            AuditVerifier verifier = new AuditVerifier(anchor);
            Optional<AuditChain.Head> kept = log.scan(verifier::accept);
            AuditVerifier.Result result = verifier.finish(kept);
            out.println("verified " + result.verified() + " audit record(s); head " + result.head());
            if (result.problem().isPresent()) {
                return fail("audit chain broken at record " + result.problem().get().sequence() + ": "
                        + result.problem().get().message(), 1);
            }
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Writes every audit record as one JSON object per line (JSON Lines), oldest first.")
    static final class Export extends Base {
        @Override
        int run(SqlAuditLog log, PrintWriter out) throws IOException {
            try (JsonLines json = new JsonLines(out)) {
                log.scan(r -> {
                    json.write(r);
                    return true;
                });
            }
            return 0;
        }
    }

    @Command(name = "query", mixinStandardHelpOptions = true,
            description = "Lists the audit records that match every criterion given, oldest first.")
    static final class Query extends Base {
        @Option(names = "--object", paramLabel = "UID", description = "Records involving this Unique Identifier.")
        String object;

        @Option(names = "--identity", paramLabel = "NAME", description = "Records of this client identity.")
        String identity;

        @Option(names = "--since", paramLabel = "TIME", converter = TimeConverter.class,
                description = "Records at or after this time (2026-01-31T12:00:00Z, or a date: 2026-01-31, UTC).")
        Instant since;

        @Option(names = "--until", paramLabel = "TIME", converter = TimeConverter.class,
                description = "Records before this time (same forms as --since).")
        Instant until;

        @Option(names = "--operation", paramLabel = "OP", description = "Records of this operation (\"Create\", \"Get\").")
        String operation;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
                description = "At most N records (0, the default: all).")
        int limit;

        @Option(names = "--json", description = "JSON Lines, as export writes, instead of a table.")
        boolean json;

        @Override
        int run(SqlAuditLog log, PrintWriter out) throws IOException {
            if (limit < 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--limit: " + limit + " (expected: >= 0)");
            }
            List<AuditRecord> records = log.query(new AuditQuery(object, identity, since, until, operation, limit));
            if (json) {
                try (JsonLines lines = new JsonLines(out)) {
                    records.forEach(lines::write);
                }
            } else {
                table(records, out);
            }
            return 0;
        }

        private static void table(List<AuditRecord> records, PrintWriter out) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"SEQ", "TIME", "IDENTITY", "SOURCE", "VERSION", "OPERATION", "STATUS", "REASON",
                    "OBJECTS", "DETAIL"});
            for (AuditRecord r : records) {
                AuditEvent e = r.event();
                String objects = String.join(",", e.uniqueIdentifiers());
                if (e.objectCount() > e.uniqueIdentifiers().size()) {
                    objects += (objects.isEmpty() ? "" : ",") + "... (" + e.objectCount() + " in all)";
                }
                rows.add(new String[] {Long.toString(r.sequence()), DateTimeFormatter.ISO_INSTANT.format(e.time()),
                        e.identity(), e.sourceAddress(), dash(e.protocolVersion()), dash(e.operation()), e.resultStatus(),
                        dash(e.resultReason()), dash(objects.isEmpty() ? null : objects), dash(e.detail())});
            }
            int[] width = new int[rows.get(0).length];
            for (String[] row : rows) {
                for (int i = 0; i < row.length - 1; i++) {
                    width[i] = Math.max(width[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    sb.append(i == row.length - 1 ? row[i] : String.format("%-" + width[i] + "s  ", row[i]));
                }
                out.println(sb.toString().stripTrailing());
            }
            out.println(records.size() + " record(s)");
        }

        private static String dash(String s) {
            return s == null ? "-" : s;
        }
    }

    /** Records as JSON Lines: every field, hashes in hexadecimal, absent values as null. */
    static final class JsonLines implements AutoCloseable {
        private final Writer out;
        private final JsonFactory factory = new JsonFactory();

        JsonLines(Writer out) {
            this.out = out;
        }

        void write(AuditRecord r) {
            AuditEvent e = r.event();
            try {
                JsonGenerator g = factory.createGenerator(new NonClosing(out));
                g.writeStartObject();
                g.writeNumberField("sequence", r.sequence());
                g.writeStringField("time", DateTimeFormatter.ISO_INSTANT.format(e.time()));
                g.writeStringField("identity", e.identity());
                g.writeStringField("source_address", e.sourceAddress());
                g.writeStringField("protocol_version", e.protocolVersion());
                g.writeStringField("operation", e.operation());
                g.writeArrayFieldStart("unique_identifiers");
                for (String uid : e.uniqueIdentifiers()) {
                    g.writeString(uid);
                }
                g.writeEndArray();
                g.writeNumberField("object_count", e.objectCount());
                g.writeStringField("result_status", e.resultStatus());
                g.writeStringField("result_reason", e.resultReason());
                g.writeStringField("detail", e.detail());
                g.writeStringField("previous_hash", HexFormat.of().formatHex(r.previousHash()));
                g.writeStringField("hash", HexFormat.of().formatHex(r.hash()));
                g.writeEndObject();
                g.close();
                out.write('\n');
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    /** Keeps the generator from closing standard output. */
    private static final class NonClosing extends java.io.FilterWriter {
        NonClosing(Writer out) {
            super(out);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** "2026-01-31T12:00:00Z", "2026-01-31T13:00:00+01:00" or "2026-01-31" (midnight UTC). */
    static final class TimeConverter implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException e) {
                try {
                    return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant().truncatedTo(ChronoUnit.SECONDS);
                } catch (DateTimeParseException again) {
                    throw new CommandLine.TypeConversionException("'" + value
                            + "' is not a time (expected 2026-01-31T12:00:00Z or 2026-01-31)");
                }
            }
        }
    }

    /** "SEQUENCE:HASH" as verify prints it. */
    static final class HeadConverter implements CommandLine.ITypeConverter<AuditChain.Head> {
        @Override
        public AuditChain.Head convert(String value) {
            int colon = value.indexOf(':');
            try {
                if (colon > 0) {
                    long seq = Long.parseLong(value.substring(0, colon));
                    byte[] hash = HexFormat.of().parseHex(value.substring(colon + 1));
                    if (seq >= 1 && hash.length == 32) {
                        return new AuditChain.Head(seq, hash);
                    }
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            throw new CommandLine.TypeConversionException("'" + value
                    + "' is not a head (expected SEQUENCE:HASH as verify prints it, the hash in 64 hexadecimal digits)");
        }
    }
}
