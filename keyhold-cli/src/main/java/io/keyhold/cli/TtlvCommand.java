package io.keyhold.cli;

import io.keyhold.protocol.ttlv.CodecException;
import io.keyhold.protocol.ttlv.TtlvItem;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code keyhold ttlv --from FORMAT --to FORMAT [FILE]}: converts KMIP messages between binary TTLV,
 * hex, XML and JSON. Reads the whole input, converts every message in it, and writes nothing unless
 * all of them convert.
 */
@Command(name = "ttlv",
        sortOptions = false,
        description = {
            "Converts KMIP messages between binary TTLV, hex, XML and JSON.",
            "Every message in the input is converted, in order: TTLV or hex messages back to back, "
                    + "an XML vector file with several messages, or a JSON array."},
        footer = {"", "Example:", "  keyhold ttlv --from hex --to xml <<< 42002002000000040000000800000000"})
final class TtlvCommand implements Callable<Integer> {
    @ParentCommand
    private KeyholdCommand parent;

    @Option(names = "--from", required = true, paramLabel = "FORMAT", converter = FormatConverter.class,
            completionCandidates = FormatNames.class, description = "Input format: ${COMPLETION-CANDIDATES}.")
    private MessageFormat from;

    @Option(names = "--to", required = true, paramLabel = "FORMAT", converter = FormatConverter.class,
            completionCandidates = FormatNames.class, description = "Output format: ${COMPLETION-CANDIDATES}.")
    private MessageFormat to;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    private boolean help;

    @Parameters(arity = "0..1", paramLabel = "FILE",
            description = "Input file; standard input when absent or '-'.")
    private Path file;

    @Override
    public Integer call() throws IOException, CodecException {
        byte[] output;
        try {
            output = to.write(read(from, input()));
        } catch (StackOverflowError e) {
            throw new CodecException("input is nested too deeply to convert");
        } catch (OutOfMemoryError e) {
            throw new CodecException("input is too large for the memory available (raise -Xmx in KEYHOLD_JAVA_OPTS)");
        }
        OutputStream out = parent.stdout();
        out.write(output);
        out.flush();
        return 0;
    }

    private byte[] input() throws IOException {
        if (file == null || file.toString().equals("-")) {
            return parent.stdin().readAllBytes();
        }
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException | AccessDeniedException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<TtlvItem> read(MessageFormat format, byte[] input) throws CodecException {
        List<TtlvItem> messages = format.read(input);
        if (messages.isEmpty()) {
            throw new CodecException("input holds no message");
        }
        return messages;
    }

    static final class FormatConverter implements ITypeConverter<MessageFormat> {
        @Override
        public MessageFormat convert(String value) {
            return MessageFormat.fromCliName(value).orElseThrow(() -> new TypeConversionException(
                    "expected one of " + String.join(", ", new FormatNames()) + " but was '" + value + "'"));
        }
    }

    static final class FormatNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Stream.of(MessageFormat.values()).map(MessageFormat::cliName).iterator();
        }
    }
}
