package io.keyhold.cli;

import io.keyhold.server.pki.DevPki;
import io.keyhold.server.security.Pkcs12MasterKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@code keyhold serve} configuration over the development certificates and master key of one directory,
 * for the commands that work on the configured database.
 */
final class DevConfigFiles {
    private DevConfigFiles() {
    }

    /** Creates the development certificates and master key in {@code pkiDir}, unless they exist. */
    static void ensurePkiAndMasterKey(Path pkiDir) throws Exception {
        DevPki.ensure(pkiDir);
        Pkcs12MasterKey.createForDevelopment(pkiDir.resolve("master-key.p12"), pkiDir.resolve("master-key.pass"));
    }

    /** Writes {@code dir/keyhold.yaml}: TLS and master key from {@code pkiDir}, data under {@code dir/data}. */
    static Path write(Path dir, Path pkiDir) throws IOException {
        return Files.writeString(dir.resolve("keyhold.yaml"), """
                tls:
                  certificate: %s
                  private_key: %s
                  trusted_cas: [%s]
                storage:
                  data_dir: data
                master_key:
                  keystore: %s
                  passphrase_file: %s
                """.formatted(pkiDir.resolve("server.pem"), pkiDir.resolve("server.key"), pkiDir.resolve("ca.pem"),
                pkiDir.resolve("master-key.p12"), pkiDir.resolve("master-key.pass")));
    }
}
