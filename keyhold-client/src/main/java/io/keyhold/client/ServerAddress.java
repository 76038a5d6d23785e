package io.keyhold.client;

import java.util.Objects;

/** A KMIP server's host and port (5696 unless given). */
public record ServerAddress(String host, int port) {
    /** The port IANA assigned to KMIP over TLS. */
    public static final int DEFAULT_PORT = 5696;

    public ServerAddress {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host name");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " (expected: 1 to 65535)");
        }
    }

    /** Parses "host", "host:port", "[::1]:port" or "[::1]". */
    public static ServerAddress parse(String text) {
        String t = text.trim();
        String host;
        String port = null;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("server '" + text + "': missing ']'");
            }
            host = t.substring(1, close);
            if (close + 1 < t.length()) {
                if (t.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("server '" + text + "': expected [HOST]:PORT");
                }
                port = t.substring(close + 2);
            }
        } else {
            int colon = t.lastIndexOf(':');
            if (colon >= 0 && t.indexOf(':') == colon) {
                host = t.substring(0, colon);
                port = t.substring(colon + 1);
            } else {
                host = t; // a bare IPv6 address or a host name
            }
        }
        if (port == null) {
            return new ServerAddress(host, DEFAULT_PORT);
        }
        try {
            return new ServerAddress(host, Integer.parseInt(port));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("server '" + text + "': port '" + port + "' is not a number", e);
        }
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
