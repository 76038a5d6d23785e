package io.keyhold.cli;

import io.keyhold.protocol.ttlv.CodecException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns any failure of a running command into one line on standard error, "keyhold ttlv: message",
 * and exit status 1. Codec and file errors keep their message, which says what and where; anything
 * else is a bug and gets a generic line with the exception's class, never its stack trace.
 */
final class FailureReporter implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
        String line = cl.getCommandSpec().qualifiedName() + ": " + describe(e);
        cl.getErr().println(line.replaceAll("\\R+", " "));
        cl.getErr().flush();
        return CommandLine.ExitCode.SOFTWARE;
    }

    static String describe(Exception e) {
        if (e instanceof CodecException) {
            return e.getMessage();
        }
        if (e instanceof NoSuchFileException f) {
            return "no such file: " + f.getFile();
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        if (e instanceof IOException) {
            return "I/O error: " + e.getMessage();
        }
        return "internal error (" + e.getClass().getSimpleName() + "); please report it";
    }
}
