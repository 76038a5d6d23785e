package io.keyhold.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image run by a container engine without a daemon (Podman, in its own storage under a
 * temporary directory): the master key made with the image's own {@code keyhold master-key init}, the
 * server started with the image's entry point and built-in configuration, its ports set from the
 * environment, TLS files and master key mounted read-only as a Kubernetes secret would be; a KMIP client
 * (the image again) creates and finds a key; the image's health check command passes; the server runs as
 * uid 10001; a second container on the same data volume still has the key.
 *
 * <p>Skipped when podman is not installed, unless {@code KEYHOLD_REQUIRE_PODMAN=1} (set by .ci/run, which
 * installs it) makes that a failure.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ContainerRunIT {
    static final String VERSION = System.getProperty("keyhold.version");
    static final Path IMAGE = Path.of(System.getProperty("keyhold.dist.image"));
    static final String REFERENCE = "docker.io/keyhold/keyhold:" + VERSION;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    static Path storage;
    static Path tls;
    static Path masterKey;
    static Path client;
    static final List<String> containers = new ArrayList<>();
    static final String VOLUME = "keyhold-it-data-" + ProcessHandle.current().pid();

    @BeforeAll
    static void loadTheImage() throws Exception {
        boolean installed = Files.isExecutable(Path.of("/usr/bin/podman"));
        if ("1".equals(System.getenv("KEYHOLD_REQUIRE_PODMAN"))) {
            assertThat(installed).as("podman is required (KEYHOLD_REQUIRE_PODMAN=1)").isTrue();
        }
        assumeTrue(installed, "podman is not installed");
        storage = Files.createDirectories(tmp.resolve("podman"));
        // no limits podman cannot set inside an unprivileged sandbox; runc copes with hybrid cgroups
        Files.writeString(storage.resolve("containers.conf"),
                "[containers]\ndefault_ulimits = []\n[engine]\nruntime = \"runc\"\n");
        assertThat(podman("load", "-i", IMAGE.toString())).contains(REFERENCE);
        pki();
    }

    @AfterAll
    static void removeEverything() throws Exception {
        if (storage == null) {
            return;
        }
        for (String name : containers) {
            run(60, false, podmanCommand("rm", "-f", "-t", "5", name));
        }
        run(60, false, podmanCommand("volume", "rm", "-f", VOLUME));
        run(120, false, podmanCommand("rmi", "-f", REFERENCE));
        // the storage holds files owned by the container's user; podman removes them itself
        run(120, false, podmanCommand("system", "reset", "-f"));
    }

    @Test
    void servesKmipAsTheKeyholdUserFromItsBuiltInConfigurationAndKeepsDataInItsVolume() throws Exception {
        // the master key store, made by the image itself into the directory the secret will be
        String init = podman("run", "--rm", "--network=host", "-v", masterKey + ":/etc/keyhold/master-key",
                "-v", tls + ":/etc/keyhold/tls:ro",
                REFERENCE, "master-key", "init", "--config", "/etc/keyhold/keyhold.yaml");
        assertThat(init).contains("created master key");
        assertThat(masterKey.resolve("master.p12")).isRegularFile();

        int kmipPort = freePort();
        int httpsPort = freePort();
        String server = start(kmipPort, httpsPort);
        awaitReady(server, kmipPort);

        // the entry point's process is the bundled java, as uid and gid 10001
        int pid = Integer.parseInt(podman("inspect", "--format", "{{.State.Pid}}", server).strip());
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        assertThat(status).containsPattern("(?m)^Uid:\\s+10001\\s+10001\\s+10001\\s+10001$")
                .containsPattern("(?m)^Gid:\\s+10001\\s+10001\\s+10001\\s+10001$");
        assertThat(Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' '))
                .startsWith("/opt/keyhold/runtime/bin/java ").contains("-jar /opt/keyhold/lib/keyhold.jar serve");

        // keyhold is on the PATH of a shell in the container, as for kubectl exec
        assertThat(podman("exec", server, "keyhold", "--version")).contains("keyhold " + VERSION);

        // the health check the image's configuration names, run inside the container as an engine runs it
        List<String> health = healthCheck();
        List<String> exec = new ArrayList<>(List.of("exec", server));
        exec.addAll(health);
        assertThat(podman(exec.toArray(String[]::new))).contains("ready:", "\"database\":\"up\"");

        String id = clientCommand(kmipPort, "key", "create", "--alg", "AES", "--length", "256", "--name",
                "orders").strip();
        assertThat(id).matches("[0-9a-f-]{36}");
        assertThat(clientCommand(kmipPort, "locate", "--name", "orders").strip()).isEqualTo(id);

        // with the server stopped, the same health check fails
        podman("stop", "-t", "30", server);
        podman("rm", "-f", server);
        containers.remove(server);
        Result down = run(120, false, podmanCommand("run", "--rm", "--network=host", "-e",
                "KEYHOLD_HTTP_PORT=" + httpsPort, REFERENCE, "health"));
        assertThat(down.exitCode()).as(down.output()).isEqualTo(1);
        assertThat(down.output()).contains("keyhold health: cannot reach https://127.0.0.1:" + httpsPort);

        // a new container on the same volume has the key
        String second = start(kmipPort, httpsPort);
        awaitReady(second, kmipPort);
        assertThat(clientCommand(kmipPort, "locate", "--name", "orders").strip()).isEqualTo(id);
    }

    private static String start(int kmipPort, int httpsPort) throws Exception {
        String name = "keyhold-it-" + ProcessHandle.current().pid() + "-" + containers.size();
        containers.add(name);
        podman("run", "-d", "--name", name, "--network=host",
                "-e", "KEYHOLD_KMIP_HOST=127.0.0.1", "-e", "KEYHOLD_HTTP_HOST=127.0.0.1",
                "-e", "KEYHOLD_KMIP_PORT=" + kmipPort, "-e", "KEYHOLD_HTTP_PORT=" + httpsPort,
                "-v", tls + ":/etc/keyhold/tls:ro", "-v", masterKey + ":/etc/keyhold/master-key:ro",
                "-v", VOLUME + ":/var/lib/keyhold", REFERENCE);
        return name;
    }

    private static void awaitReady(String container, int kmipPort) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String logs = "";
        while (System.nanoTime() < deadline) {
            logs = run(60, false, podmanCommand("logs", container)).output;
            if (logs.contains("Keyhold ready: KMIP on 127.0.0.1:" + kmipPort)) {
                return;
            }
            String state = podman("inspect", "--format", "{{.State.Status}}", container).strip();
            if (!state.equals("running") && !state.equals("created") && !state.equals("configured")) {
                break;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the container did not get ready; its log:\n" + logs);
    }

    private static List<String> healthCheck() throws Exception {
        Path layout = Files.createDirectories(tmp.resolve("layout"));
        run(120, true, List.of("tar", "-xf", IMAGE.toString(), "-C", layout.toString(), "./index.json"));
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        String manifestDigest = index.path("manifests").get(0).path("digest").asText().substring(7);
        run(120, true, List.of("tar", "-xf", IMAGE.toString(), "-C", layout.toString(),
                "./blobs/sha256/" + manifestDigest));
        JsonNode manifest = JSON.readTree(layout.resolve("blobs/sha256/" + manifestDigest).toFile());
        String configDigest = manifest.path("config").path("digest").asText().substring(7);
        run(120, true, List.of("tar", "-xf", IMAGE.toString(), "-C", layout.toString(),
                "./blobs/sha256/" + configDigest));
        JsonNode test = JSON.readTree(layout.resolve("blobs/sha256/" + configDigest).toFile())
                .path("config").path("Healthcheck").path("Test");
        assertThat(test.get(0).asText()).isEqualTo("CMD");
        List<String> command = new ArrayList<>();
        for (int i = 1; i < test.size(); i++) {
            command.add(test.get(i).asText());
        }
        return command;
    }

    private static String clientCommand(int kmipPort, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("run", "--rm", "--network=host",
                "-v", client + ":/certs:ro", REFERENCE));
        command.addAll(List.of(args));
        command.addAll(List.of("--server", "127.0.0.1:" + kmipPort, "--certs", "/certs"));
        Result result = run(120, true, podmanCommand(command.toArray(String[]::new)));
        return result.output.lines().filter(line -> !line.contains(" level=")).reduce("", (a, b) -> a + b + "\n");
    }

    /** A test CA, the server's certificate for 127.0.0.1, a client certificate, made with openssl. */
    private static void pki() throws Exception {
        tls = Files.createDirectories(tmp.resolve("tls"));
        client = Files.createDirectories(tmp.resolve("client"));
        masterKey = Files.createDirectories(tmp.resolve("master-key"));
        Path ca = tmp.resolve("ca.key");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", ca.toString(),
                "-out", tls.resolve("ca.crt").toString(), "-days", "2", "-subj", "/CN=Keyhold image test CA");
        leaf("localhost", tls.resolve("tls.key"), tls.resolve("tls.crt"), ca,
                "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        leaf("client1", client.resolve("client.key"), client.resolve("client.pem"), ca, "extendedKeyUsage=clientAuth\n");
        Files.copy(tls.resolve("ca.crt"), client.resolve("ca.pem"));
        Files.writeString(masterKey.resolve("passphrase"), "image-test-" + System.nanoTime() + "\n");
        // the container's user (10001) reads the mounts, as with a secret's defaultMode and fsGroup
        for (Path dir : List.of(tls, client, masterKey)) {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
        // master-key init writes the key store here
        Files.setPosixFilePermissions(masterKey, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    private static void leaf(String cn, Path key, Path certificate, Path caKey, String extensions) throws Exception {
        Path csr = tmp.resolve(cn + ".csr");
        Path ext = Files.writeString(tmp.resolve(cn + ".ext"), extensions);
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(),
                "-out", csr.toString(), "-subj", "/CN=" + cn);
        openssl("x509", "-req", "-in", csr.toString(), "-CA", tls.resolve("ca.crt").toString(), "-CAkey",
                caKey.toString(), "-CAcreateserial", "-out", certificate.toString(), "-days", "2", "-extfile", ext.toString());
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        run(60, true, command);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String podman(String... args) throws Exception {
        return run(300, true, podmanCommand(args)).output;
    }

    private static List<String> podmanCommand(String... args) {
        List<String> command = new ArrayList<>(List.of("podman", "--root", storage.resolve("root").toString(),
                "--runroot", storage.resolve("run").toString(), "--storage-driver", "vfs",
                "--volumepath", storage.resolve("volumes").toString()));
        command.addAll(List.of(args));
        return command;
    }

    record Result(int exitCode, String output) {}

    private static Result run(int seconds, boolean mustSucceed, List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (storage != null) {
            builder.environment().put("CONTAINERS_CONF", storage.resolve("containers.conf").toString());
        }
        Path output = Files.createTempFile(tmp, "out", ".txt");
        Process process = builder.redirectOutput(output.toFile()).start();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + ": no end within " + seconds + " s");
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        if (mustSucceed) {
            assertThat(process.exitValue()).as("%s:%n%s", String.join(" ", command), text).isZero();
        }
        return new Result(process.exitValue(), text);
    }
}
