package io.keyhold.cli;

import io.keyhold.server.auth.Actor;
import io.keyhold.server.auth.PasswordHashes;
import io.keyhold.server.auth.Users;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code keyhold user add|remove|list}: the users of Username and Password credentials
 * (docs/access-control.md), in the database the configuration names. A password is read from standard
 * input or a file, never from the command line, where other users of the machine could see it.
 */
@Command(name = "user",
        description = "Adds, removes and lists users of Username and Password credentials (docs/access-control.md).",
        mixinStandardHelpOptions = true,
        subcommands = {UserCommand.Add.class, UserCommand.Remove.class, UserCommand.ListUsers.class})
final class UserCommand implements Callable<Integer> {
    static final int MAX_PASSWORD_BYTES = 4096;

    @Spec
    private CommandSpec spec;

    @ParentCommand
    KeyholdCommand root;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand (add, remove, list)");
    }

    abstract static class Base implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        UserCommand parent;

        @Option(names = "--config", paramLabel = "FILE", required = true,
                description = "The server's configuration file (its database is changed).")
        Path config;

        /** The environment the configuration overrides come from; tests replace it. */
        Map<String, String> environment = System.getenv();
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Adds a user; the password is the first line of standard input or of --password-file.")
    static final class Add extends Base {
        @Parameters(index = "0", paramLabel = "NAME", description = "The user name (the identity its requests get).")
        String name;

        @Option(names = "--password-file", paramLabel = "FILE", description = "Read the password from the first line of FILE.")
        Path passwordFile;

        @Option(names = "--replace", description = "Set a new password for an existing user.")
        boolean replace;

        @Override
        public Integer call() throws IOException {
            byte[] raw = passwordFile != null ? Files.readAllBytes(passwordFile) : readLimited(parent.root.stdin());
            char[] password;
            try {
                password = firstLine(raw);
            } catch (CharacterCodingException e) {
                spec.commandLine().getErr().println(spec.qualifiedName() + ": the password is not valid UTF-8");
                return 1;
            } finally {
                Arrays.fill(raw, (byte) 0);
            }
            try {
                return ConfiguredStore.run(spec, config, environment, (cfg, store, policy) -> {
                    new Users(store, policy, PasswordHashes.DEFAULT, Clock.systemUTC())
                            .add(Actor.Operator.local(), name, password, replace);
                    spec.commandLine().getOut().println((replace ? "stored password of user " : "added user ") + name);
                });
            } finally {
                Arrays.fill(password, '\0');
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes a user.")
    static final class Remove extends Base {
        @Parameters(index = "0", paramLabel = "NAME", description = "The user name.")
        String name;

        @Override
        public Integer call() {
            return ConfiguredStore.run(spec, config, environment, (cfg, store, policy) -> {
                new Users(store, policy, PasswordHashes.DEFAULT, Clock.systemUTC()).remove(Actor.Operator.local(), name);
                spec.commandLine().getOut().println("removed user " + name);
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the user names, one per line.")
    static final class ListUsers extends Base {
        @Override
        public Integer call() {
            return ConfiguredStore.run(spec, config, environment, (cfg, store, policy) -> {
                for (String u : new Users(store, policy, PasswordHashes.DEFAULT, Clock.systemUTC()).list()) {
                    spec.commandLine().getOut().println(u);
                }
            });
        }
    }

    private static byte[] readLimited(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int b;
        while (buffer.size() <= MAX_PASSWORD_BYTES && (b = in.read()) >= 0 && b != '\n') {
            buffer.write(b);
        }
        return buffer.toByteArray();
    }

    /** The first line (without its line end) as characters; the intermediate buffers are erased. */
    static char[] firstLine(byte[] raw) throws CharacterCodingException {
        int end = 0;
        while (end < raw.length && raw[end] != '\n') {
            end++;
        }
        if (end > 0 && raw[end - 1] == '\r') {
            end--;
        }
        CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw, 0, end));
        char[] out = new char[chars.remaining()];
        chars.get(out);
        if (chars.hasArray()) {
            Arrays.fill(chars.array(), '\0');
        }
        return out;
    }
}
