package io.keyhold.server.dispatch;

/**
 * How an unexpected failure is written to the server log: its type, its message and the one place in
 * Keyhold's code where it was thrown, never a whole stack trace (logs are read by more people than the
 * code is, and stack traces leak internals). The reference ties the log line to the client's Result
 * Message.
 */
public final class Failures {
    private Failures() {}

    public static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.getClass().getName());
        if (e.getMessage() != null) {
            sb.append(": ").append(e.getMessage());
        }
        for (StackTraceElement frame : e.getStackTrace()) {
            if (frame.getClassName().startsWith("io.keyhold.")) {
                sb.append(" (at ").append(frame.getClassName()).append('.').append(frame.getMethodName()).append(':')
                        .append(frame.getLineNumber()).append(')');
                break;
            }
        }
        if (e.getCause() != null && e.getCause() != e) {
            sb.append("; caused by ").append(e.getCause().getClass().getName());
        }
        return sb.toString();
    }
}
