package io.keyhold.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keyhold.client.KmipClient;
import io.keyhold.client.KmipClientException;
import io.keyhold.client.KmipTransportException;
import io.keyhold.protocol.spec.KmipEnumeration;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A client command: one or a few KMIP requests to a server through {@link KmipClient}, with the
 * connection settings of {@link ClientOptions}. Exit status: 0 success, 1 the server answered with a
 * failure (one line on standard error, {@code keyhold CMD: Result Reason: Result Message}), 2 a usage
 * error, 3 no KMIP answer (server unreachable, TLS refused, connection broken).
 */
abstract class ClientCommand implements Callable<Integer> {
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_UNREACHABLE = 3;

    static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions connection;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    /** Checks the arguments before connecting; throws {@link ParameterException} for a usage error. */
    void validate() {
    }

    /** The work, with the client; returns the exit status. */
    abstract int run(KmipClient kmip) throws Exception;

    @Override
    public final Integer call() throws Exception {
        validate();
        ClientOptions.Settings settings;
        try {
            settings = connection.resolve();
        } catch (ClientOptions.SettingsException e) {
            throw usage(e.getMessage());
        }
        try (KmipClient kmip = settings.connect()) {
            return run(kmip);
        } catch (ClientOptions.SettingsException e) {
            throw usage(e.getMessage());
        } catch (KmipClientException e) {
            String message = e.resultMessage().filter(m -> !m.isBlank()).map(m -> ": " + m).orElse("");
            return fail(EXIT_FAILED, e.resultReason().specName() + message);
        } catch (KmipTransportException e) {
            return fail(EXIT_UNREACHABLE, "cannot reach the KMIP server: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    /** One line on standard error, {@code keyhold CMD: message}; returns the status. */
    int fail(int status, String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println((spec.qualifiedName() + ": " + message).replaceAll("\\R+", " "));
        err.flush();
        return status;
    }

    ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    ObjectNode jsonObject() {
        return JSON.createObjectNode();
    }

    /** Prints one JSON document on one line. */
    void printJson(Object node) throws IOException {
        out().println(JSON.writeValueAsString(node));
        out().flush();
    }

    private KeyholdCommand root() {
        return (KeyholdCommand) spec.root().userObject();
    }

    /** The bytes of a file, or of standard input for "-". */
    byte[] readInput(String file) throws IOException {
        if (file.equals("-")) {
            InputStream in = root().stdin();
            return in.readAllBytes();
        }
        return Files.readAllBytes(Path.of(file));
    }

    /**
     * Writes bytes to a file (readable by its owner only, when the file system has POSIX permissions), or to
     * standard output for "-".
     */
    void writeOutput(String file, byte[] data) throws IOException {
        if (file.equals("-")) {
            OutputStream o = root().stdout();
            out().flush();
            o.write(data);
            o.flush();
            return;
        }
        Path p = Path.of(file);
        if (!Files.exists(p)) {
            try {
                Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
                // not a POSIX file system, or created meanwhile: written below with the defaults
            }
        }
        Files.write(p, data, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /**
     * The value of a KMIP enumeration named on the command line: its specification name or constant in any
     * case, ignoring spaces, dashes and underscores ("symmetric-key", "Symmetric Key", "SHA-256", "p256").
     */
    static <E extends Enum<E> & KmipEnumeration> E parseEnum(Class<E> type, String option, String text) {
        String want = squash(text);
        for (E e : type.getEnumConstants()) {
            if (squash(e.name()).equals(want) || squash(e.specName()).equals(want)) {
                return e;
            }
        }
        throw new IllegalArgumentException(option + ": unknown value '" + text + "' (expected: "
                + Arrays.stream(type.getEnumConstants()).map(ClientCommand::cliName).collect(Collectors.joining(", ")) + ")");
    }

    /** The command-line spelling of an enumeration value: "symmetric-key", "sha-256". */
    static String cliName(KmipEnumeration e) {
        return e.specName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("^-|-$", "");
    }

    private static String squash(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    /**
     * Reports a usage error of a client command in one line on standard error, {@code keyhold CMD: message
     * (see keyhold CMD --help)}, exit status 2; other commands' usage errors go to {@code others}.
     */
    static IParameterExceptionHandler oneLineUsageErrors(IParameterExceptionHandler others) {
        return (ex, args) -> {
            CommandLine cl = ex.getCommandLine();
            if (!(cl.getCommandSpec().userObject() instanceof ClientCommand)) {
                return others.handleParseException(ex, args);
            }
            String name = cl.getCommandSpec().qualifiedName();
            cl.getErr().println((name + ": " + ex.getMessage()).replaceAll("\\R+", " ") + " (see " + name + " --help)");
            cl.getErr().flush();
            return EXIT_USAGE;
        };
    }
}
