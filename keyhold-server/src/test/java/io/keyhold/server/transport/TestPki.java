package io.keyhold.server.transport;

import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.pki.DevPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Two development PKIs made once per test JVM: the trusted one and a stranger's. */
public final class TestPki {
    private static DevPki.Layout trusted;
    private static DevPki.Layout other;

    private TestPki() {
    }

    public static synchronized DevPki.Layout trusted() {
        if (trusted == null) {
            trusted = create("keyhold-pki-");
        }
        return trusted;
    }

    public static synchronized DevPki.Layout other() {
        if (other == null) {
            other = create("keyhold-other-pki-");
        }
        return other;
    }

    private static DevPki.Layout create(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            DevPki.ensure(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            return new DevPki.Layout(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temporary files; the OS cleans up
        }
    }

    /** Default limits, the default (modern) TLS profile, 127.0.0.1, port 0. */
    public static ServerConfig config() {
        return config(ServerConfig.Limits.defaults());
    }

    public static ServerConfig config(ServerConfig.Limits limits) {
        DevPki.Layout pki = trusted();
        return new ServerConfig(new ServerConfig.Kmip("127.0.0.1", 0),
                ServerConfig.Tls.of(pki.serverCertificate(), pki.serverKey(), List.of(pki.ca())),
                ServerConfig.Storage.in(pki.dir()), limits, ServerConfig.Logging.defaults());
    }

    public static ServerConfig.Limits limits(int maxMessageBytes, int maxConnections, Duration idle, Duration grace) {
        return ServerConfig.Limits.defaults().withMaxMessageBytes(maxMessageBytes).withMaxConnections(maxConnections)
                .withIdleTimeout(idle).withShutdownGrace(grace);
    }
}
