package io.keyhold.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image keyhold-VERSION-image.tar, read as a registry or a container engine reads it: the
 * OCI layout's index, manifest, configuration and layers, each blob checked against its digest, then what
 * the configuration says (user, ports, entry point, volume, health check) and what the layers hold (the
 * runtime, the jar, the C library it needs, the user, the data directory that user owns).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ContainerImageIT {
    static final String VERSION = System.getProperty("keyhold.version");
    static final Path IMAGE = Path.of(System.getProperty("keyhold.dist.image"));
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    static Path layout;
    static JsonNode manifest;
    static JsonNode config;
    /** Layer name (base, runtime, app) to its entries, path to "mode owner". */
    static final Map<String, Map<String, Entry>> layers = new LinkedHashMap<>();

    record Entry(String mode, String owner) {}

    @BeforeAll
    static void unpack() throws Exception {
        assertThat(IMAGE).isRegularFile();
        layout = Files.createDirectories(tmp.resolve("layout"));
        run("tar", "-xf", IMAGE.toString(), "-C", layout.toString());
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        assertThat(index.path("manifests")).hasSize(1);
        JsonNode descriptor = index.path("manifests").get(0);
        manifest = JSON.readTree(blob(descriptor));
        config = JSON.readTree(blob(manifest.path("config")));
        List<String> names = List.of("base", "runtime", "app");
        assertThat(manifest.path("layers")).hasSize(names.size());
        for (int i = 0; i < names.size(); i++) {
            JsonNode layer = manifest.path("layers").get(i);
            Path file = layout.resolve("blobs/sha256/" + hex(layer));
            blob(layer);
            // the configuration's diff_id is the digest of the layer uncompressed
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                assertThat("sha256:" + sha256(in)).as("diff_id of layer %d", i)
                        .isEqualTo(config.path("rootfs").path("diff_ids").get(i).asText());
            }
            layers.put(names.get(i), list(file));
        }
    }

    @Test
    void isAnOciImageLayout() throws IOException {
        assertThat(Files.readString(layout.resolve("oci-layout"))).contains("\"imageLayoutVersion\":\"1.0.0\"");
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        assertThat(index.path("manifests").get(0).path("mediaType").asText())
                .isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(index.path("manifests").get(0).path("annotations").path("org.opencontainers.image.ref.name")
                .asText()).isEqualTo(VERSION);
        assertThat(manifest.path("config").path("mediaType").asText())
                .isEqualTo("application/vnd.oci.image.config.v1+json");
        for (JsonNode layer : manifest.path("layers")) {
            assertThat(layer.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
        }
        assertThat(config.path("os").asText()).isEqualTo("linux");
        assertThat(config.path("architecture").asText()).isEqualTo("amd64");
        // docker load before Docker 25 reads manifest.json: the same configuration and layers, tagged
        JsonNode legacy = JSON.readTree(layout.resolve("manifest.json").toFile()).get(0);
        assertThat(legacy.path("RepoTags").get(0).asText()).isEqualTo("keyhold/keyhold:" + VERSION);
        assertThat(legacy.path("Config").asText()).isEqualTo("blobs/sha256/" + hex(manifest.path("config")));
        assertThat(legacy.path("Layers")).hasSize(3);
    }

    @Test
    void runsAsTheKeyholdUserNotRoot() throws Exception {
        assertThat(config.path("config").path("User").asText()).isEqualTo("10001:10001");
        String passwd = read("base", "./etc/passwd");
        assertThat(passwd.lines()).contains("keyhold:x:10001:10001:Keyhold KMIP server:/var/lib/keyhold:/sbin/nologin");
        assertThat(read("base", "./etc/group").lines()).contains("keyhold:x:10001:");
        // the data directory is the only thing the user owns; everything else is root's and not writable by it
        assertThat(layers.get("base").get("./var/lib/keyhold/")).isEqualTo(new Entry("drwxr-x---", "10001/10001"));
        layers.forEach((layer, entries) -> entries.forEach((path, entry) -> {
            if (!path.equals("./var/lib/keyhold/")) {
                assertThat(entry.owner()).as("%s in layer %s", path, layer).isEqualTo("0/0");
                if (!path.equals("./tmp/") && entry.mode().charAt(0) != 'l') {
                    assertThat(entry.mode().charAt(8)).as("%s writable by others", path).isNotEqualTo('w');
                }
            }
        }));
        assertThat(layers.get("base").get("./tmp/").mode()).isEqualTo("drwxrwxrwt");
    }

    @Test
    void exposesTheKmipAndHttpsPortsAndTheDataVolume() {
        JsonNode c = config.path("config");
        List<String> ports = new ArrayList<>();
        c.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
        assertThat(ports).containsExactlyInAnyOrder("5696/tcp", "8443/tcp");
        List<String> volumes = new ArrayList<>();
        c.path("Volumes").fieldNames().forEachRemaining(volumes::add);
        assertThat(volumes).containsExactly("/var/lib/keyhold");
        assertThat(c.path("WorkingDir").asText()).isEqualTo("/var/lib/keyhold");
        assertThat(c.path("Labels").path("org.opencontainers.image.version").asText()).isEqualTo(VERSION);
    }

    @Test
    void entryPointIsTheKeyholdLauncherServingTheBuiltInConfiguration() throws Exception {
        JsonNode c = config.path("config");
        assertThat(strings(c.path("Entrypoint"))).containsExactly("/usr/local/bin/keyhold");
        assertThat(strings(c.path("Cmd"))).containsExactly("serve", "--config", "/etc/keyhold/keyhold.yaml");
        assertThat(strings(c.path("Env"))).contains("PATH=/usr/local/bin:/opt/keyhold/runtime/bin:/bin");
        assertThat(layers.get("app").get("./usr/local/bin/keyhold").mode()).isEqualTo("-rwxr-xr-x");
        String launcher = read("app", "./usr/local/bin/keyhold");
        // the shell replaces itself with the bundled java, which then gets the container's stop signal
        assertThat(launcher).startsWith("#!/bin/sh\n")
                .contains("exec /opt/keyhold/runtime/bin/java ", "-jar /opt/keyhold/lib/keyhold.jar \"$@\"");
        assertThat(layers.get("base").get("./bin/sh").mode()).isEqualTo("-rwxr-xr-x");
        assertThat(layers.get("runtime").get("./opt/keyhold/runtime/bin/java").mode()).isEqualTo("-rwxr-xr-x");
        assertThat(layers.get("runtime")).containsKey("./opt/keyhold/runtime/lib/modules");
        assertThat(layers.get("app")).containsKey("./opt/keyhold/lib/keyhold.jar");
        String yaml = read("app", "./etc/keyhold/keyhold.yaml");
        assertThat(yaml).contains("certificate: /etc/keyhold/tls/tls.crt", "private_key: /etc/keyhold/tls/tls.key",
                "- /etc/keyhold/tls/ca.crt", "data_dir: /var/lib/keyhold",
                "keystore: /etc/keyhold/master-key/master.p12", "passphrase_file: /etc/keyhold/master-key/passphrase",
                "host: 0.0.0.0", "port: 5696", "port: 8443");
        // the mount points exist, owned by root, for the secrets to be mounted on
        assertThat(layers.get("base")).containsKeys("./etc/keyhold/tls/", "./etc/keyhold/master-key/");
    }

    @Test
    void healthCheckAsksTheServerThroughTheKeyholdCommand() {
        JsonNode health = config.path("config").path("Healthcheck");
        List<String> test = strings(health.path("Test"));
        assertThat(test.get(0)).isEqualTo("CMD");
        assertThat(test.get(1)).isEqualTo("/opt/keyhold/runtime/bin/java");
        assertThat(test).endsWith("-jar", "/opt/keyhold/lib/keyhold.jar", "health");
        assertThat(health.path("Interval").asLong()).isEqualTo(TimeUnit.SECONDS.toNanos(30));
        assertThat(health.path("Retries").asInt()).isPositive();
    }

    @Test
    void baseLayerHoldsTheCLibraryTheRuntimeLinksAndOnlyAShell() {
        Map<String, Entry> base = layers.get("base");
        // which others the runtime links depends on the JDK that made it (Debian's links the system zlib and
        // libstdc++, Temurin's carries its own); ContainerRunIT shows that those present are enough
        assertThat(base).containsKeys("./lib64/ld-linux-x86-64.so.2", "./lib/x86_64-linux-gnu/libc.so.6");
        // nothing but libraries, the launcher's shell, the user files and empty directories: no distribution,
        // no package manager, no tools
        assertThat(base.keySet()).allMatch(path -> path.endsWith("/") || path.startsWith("./lib")
                || path.matches("\\./etc/(passwd|group|nsswitch\\.conf)") || path.equals("./bin/sh"),
                "only libraries, /bin/sh and /etc files");
        assertThat(base.keySet().stream().filter(path -> !path.endsWith("/") && !path.startsWith("./lib")))
                .hasSize(4);
    }

    @Test
    void sameInputsGiveTheSameImage() throws Exception {
        Path again = tmp.resolve("again/image.tar");
        Files.createDirectories(again.getParent());
        Path script = Path.of(System.getProperty("keyhold.dist.sources"), "image/build-image.sh");
        Path release = IMAGE.getParent().resolve("keyhold-" + VERSION);
        run("bash", script.toString(), release.toString(), VERSION, again.toString());
        Path otherLayout = Files.createDirectories(tmp.resolve("again/layout"));
        run("tar", "-xf", again.toString(), "-C", otherLayout.toString());
        assertThat(Files.readString(otherLayout.resolve("index.json")))
                .isEqualTo(Files.readString(layout.resolve("index.json")));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static String hex(JsonNode descriptor) {
        String digest = descriptor.path("digest").asText();
        assertThat(digest).startsWith("sha256:");
        return digest.substring("sha256:".length());
    }

    /** The blob a descriptor names, after checking its size and digest. */
    private static byte[] blob(JsonNode descriptor) throws Exception {
        Path file = layout.resolve("blobs/sha256/" + hex(descriptor));
        assertThat(file).isRegularFile();
        assertThat(Files.size(file)).as("size of %s", file.getFileName()).isEqualTo(descriptor.path("size").asLong());
        try (InputStream in = Files.newInputStream(file)) {
            assertThat(sha256(in)).as("digest of %s", file.getFileName()).isEqualTo(hex(descriptor));
        }
        return Files.size(file) < 1 << 20 ? Files.readAllBytes(file) : new byte[0];
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (DigestInputStream digesting = new DigestInputStream(in, sha)) {
            digesting.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static Map<String, Entry> list(Path layer) throws Exception {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (String line : run("tar", "--numeric-owner", "-tvzf", layer.toString()).lines().toList()) {
            String[] f = line.trim().split("\\s+", 6);
            String path = f[5].replaceAll(" -> .*$", "");
            entries.put(path, new Entry(f[0], f[1]));
        }
        return entries;
    }

    private static String read(String layer, String path) throws Exception {
        int index = List.of("base", "runtime", "app").indexOf(layer);
        Path file = layout.resolve("blobs/sha256/" + hex(manifest.path("layers").get(index)));
        return run("tar", "-xzOf", file.toString(), path);
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", String.join(" ", command), err).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }
}
