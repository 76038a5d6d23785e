package io.keyhold.server.testing;

import java.nio.file.Path;

/** Runs a {@link LiveServer} on a directory in its own JVM, for tests that kill it; prints "PORT n" when ready. */
public final class ServerMain {
    private ServerMain() {}

    public static void main(String[] args) throws Exception {
        LiveServer server = LiveServer.start(Path.of(args[0]));
        System.out.println("PORT " + server.port());
        System.out.flush();
        Thread.currentThread().join();
    }
}
