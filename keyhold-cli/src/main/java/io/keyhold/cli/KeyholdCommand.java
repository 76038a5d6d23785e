package io.keyhold.cli;

import io.keyhold.server.ServerAssembly;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code keyhold} command. Exit status: 0 on success, 1 when the input or the work fails (one line
 * on standard error, never a stack trace), 2 on a usage error (picocli's message and usage); the client
 * commands ({@link ClientCommand}) exit 3 when the KMIP server cannot be reached.
 *
 * <p>The standard streams are passed in, so tests run the command in-process with
 * {@link #commandLine(InputStream, OutputStream, OutputStream)}.
 */
@Command(name = "keyhold",
        mixinStandardHelpOptions = true,
        versionProvider = KeyholdCommand.Version.class,
        description = "Keyhold, a KMIP server, client and toolkit.",
        subcommands = {DevCommand.class, ServeCommand.class, TtlvCommand.class, MasterKeyCommand.class,
                GrantCommand.class, UserCommand.class, TokenCommand.class, RotationCommand.class, AuditCommand.class, MigrateCommand.class,
                BackupCommands.Backup.class, BackupCommands.Restore.class, ConformanceCommand.class,
                BenchCommand.class, KeyCommand.class, ObjectCommands.Register.class, ObjectCommands.Get.class,
                ObjectCommands.Locate.class, AttributesCommand.class, ObjectCommands.Activate.class,
                ObjectCommands.Revoke.class, ObjectCommands.Destroy.class, ObjectCommands.Archive.class,
                ObjectCommands.Recover.class, ObjectCommands.Rekey.class, ObjectCommands.RekeyPair.class,
                CryptoCommands.Encrypt.class, CryptoCommands.Decrypt.class, CryptoCommands.Sign.class,
                CryptoCommands.Verify.class, CryptoCommands.Mac.class, CryptoCommands.MacVerify.class,
                CryptoCommands.Hash.class, CryptoCommands.Rng.class, ServerInfoCommands.Query.class,
                ServerInfoCommands.DiscoverVersions.class, ServerInfoCommands.Ping.class, OperationCommands.DeriveKey.class,
                OperationCommands.Certify.class, OperationCommands.Recertify.class, OperationCommands.Validate.class,
                OperationCommands.SplitKey.class, OperationCommands.Check.class, OperationCommands.ObtainLease.class,
                OperationCommands.GetUsageAllocation.class, OperationCommands.RngSeed.class, OperationCommands.Log.class,
                OperationCommands.Export.class, OperationCommands.Import.class, OperationCommands.Login.class,
                OperationCommands.Logout.class, OperationCommands.Poll.class, OperationCommands.Cancel.class,
                OperationCommands.Call.class, CompletionCommand.class, HealthCommand.class,
                CommandLine.HelpCommand.class})
public final class KeyholdCommand implements Callable<Integer> {
    private final InputStream in;
    private final OutputStream out;

    @Spec
    private CommandSpec spec;

    KeyholdCommand(InputStream in, OutputStream out) {
        this.in = in;
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.in, System.out, System.err).execute(args));
    }

    /** The command line with its streams, exit codes and error handling configured. */
    static CommandLine commandLine(InputStream in, OutputStream out, OutputStream err) {
        CommandLine cl = new CommandLine(new KeyholdCommand(in, out));
        cl.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        cl.setExecutionExceptionHandler(new FailureReporter());
        cl.setParameterExceptionHandler(ClientCommand.oneLineUsageErrors(
                BenchCommand.oneLineUsageErrors(cl.getParameterExceptionHandler())));
        return cl;
    }

    /** {@code keyhold} alone is a usage error: a subcommand is required. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand");
    }

    /** Standard input, for subcommands. */
    InputStream stdin() {
        return in;
    }

    /** Standard output as bytes, for subcommands that write binary; flush after writing. */
    OutputStream stdout() {
        return out;
    }

    /**
     * "keyhold 0.1.0": the version the server reports (Query Server Information, the REST status, metrics),
     * from the one resource the build writes ({@link ServerAssembly#version()}).
     */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"keyhold " + version()};
        }

        static String version() {
            return ServerAssembly.version();
        }
    }
}
