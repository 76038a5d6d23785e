package io.keyhold.server.audit;

import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * An audit record as an RFC 5424 syslog message: the record's fields as the structured data element
 * {@code audit@32473} (32473 is the enterprise number RFC 5612 reserves for documentation; a site may
 * filter on the SD-ID), and a short readable summary as MSG. Severity is informational for items that
 * did not fail and warning for failures; the facility and APP-NAME come from the configuration.
 */
final class SyslogMessage {
    static final String SD_ID = "audit@32473";
    private static final int SEVERITY_WARNING = 4;
    private static final int SEVERITY_INFORMATIONAL = 6;

    private SyslogMessage() {}

    /** The message as text (without any transport framing). */
    static String format(AuditRecord r, int facility, String hostname, String appName, long processId) {
        AuditEvent e = r.event();
        boolean failed = "Operation Failed".equals(e.resultStatus());
        int pri = facility * 8 + (failed ? SEVERITY_WARNING : SEVERITY_INFORMATIONAL);
        StringBuilder sb = new StringBuilder(512);
        sb.append('<').append(pri).append(">1 ")
                .append(DateTimeFormatter.ISO_INSTANT.format(e.time().truncatedTo(ChronoUnit.MILLIS))).append(' ')
                .append(headerField(hostname, 255)).append(' ')
                .append(headerField(appName, 48)).append(' ')
                .append(processId).append(' ')
                .append("audit ")
                .append('[').append(SD_ID);
        param(sb, "seq", Long.toString(r.sequence()));
        param(sb, "time", DateTimeFormatter.ISO_INSTANT.format(e.time().truncatedTo(ChronoUnit.MILLIS)));
        param(sb, "identity", e.identity());
        param(sb, "source", e.sourceAddress());
        param(sb, "version", e.protocolVersion());
        param(sb, "operation", e.operation());
        for (String uid : e.uniqueIdentifiers()) {
            param(sb, "uid", uid);
        }
        param(sb, "objects", Long.toString(e.objectCount()));
        param(sb, "status", e.resultStatus());
        param(sb, "reason", e.resultReason());
        param(sb, "detail", e.detail());
        param(sb, "prev", r.previousHashHex());
        param(sb, "hash", r.hashHex());
        sb.append("] ");
        sb.append(e.operation() == null ? "message" : e.operation()).append(" by ").append(e.identity())
                .append(" from ").append(e.sourceAddress()).append(": ").append(e.resultStatus());
        if (e.resultReason() != null) {
            sb.append(" (").append(e.resultReason()).append(')');
        }
        if (e.detail() != null) {
            sb.append(", ").append(e.detail());
        }
        return sb.toString();
    }

    /** The message framed for TCP by octet counting (RFC 6587 section 3.4.1): "LENGTH SP MESSAGE". */
    static byte[] octetCounted(String message) {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = (body.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(body, 0, out, prefix.length, body.length);
        return out;
    }

    private static void param(StringBuilder sb, String name, String value) {
        if (value == null) {
            return;
        }
        sb.append(' ').append(name).append("=\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == ']') {
                sb.append('\\');
            }
            sb.append(c);
        }
        sb.append('"');
    }

    /** A header field: printable US-ASCII without spaces, "-" when empty (RFC 5424 section 6.2). */
    private static String headerField(String s, int maxLength) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; s != null && i < s.length() && sb.length() < maxLength; i++) {
            char c = s.charAt(i);
            sb.append(c >= 33 && c <= 126 ? c : '_');
        }
        return sb.length() == 0 ? "-" : sb.toString();
    }
}
