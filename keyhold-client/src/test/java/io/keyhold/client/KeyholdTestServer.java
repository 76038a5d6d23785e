package io.keyhold.client;

import io.keyhold.server.KeyholdServer;
import io.keyhold.server.ServerAssembly;
import io.keyhold.server.config.ServerConfig;
import io.keyhold.server.pki.DevPki;
import io.keyhold.server.security.Pkcs12MasterKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A real Keyhold server in the test JVM, as {@code keyhold dev} runs it: development certificates and
 * master key in the directory, SQLite store, KMIP over mutual TLS on a free loopback port.
 */
final class KeyholdTestServer implements AutoCloseable {
    private final ServerAssembly.Assembly assembly;
    private final KeyholdServer server;

    private KeyholdTestServer(ServerAssembly.Assembly assembly, KeyholdServer server) {
        this.assembly = assembly;
        this.server = server;
    }

    static KeyholdTestServer start(Path directory) throws Exception {
        return start(directory, UnaryOperator.identity());
    }

    static KeyholdTestServer start(Path directory, UnaryOperator<ServerConfig> customize) throws Exception {
        DevPki.ensure(directory);
        DevPki.Layout pki = new DevPki.Layout(directory);
        ServerConfig config = new ServerConfig(new ServerConfig.Kmip("127.0.0.1", 0),
                ServerConfig.Tls.of(pki.serverCertificate(), pki.serverKey(), List.of(pki.ca())),
                ServerConfig.Storage.in(directory), ServerConfig.Limits.defaults(), ServerConfig.Logging.defaults())
                .withMasterKey(ServerConfig.MasterKeyStore.development(directory));
        config = customize.apply(config);
        Pkcs12MasterKey.createForDevelopment(config.masterKey().keystore(), config.masterKey().passphraseFile());
        ServerAssembly.Assembly assembly = ServerAssembly.open(config, Map.of());
        KeyholdServer server = new KeyholdServer(config, assembly.processor());
        server.start();
        return new KeyholdTestServer(assembly, server);
    }

    int port() {
        return server.port();
    }

    String address() {
        return "127.0.0.1:" + port();
    }

    @Override
    public void close() {
        server.close();
        assembly.close();
    }
}
