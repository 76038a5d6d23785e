package io.keyhold.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The systemd unit {@code keyhold.service} that the release archive and the Debian package carry. */
class SystemdUnitTest {
    static final Path UNIT = Path.of(System.getProperty("keyhold.dist.sources", "src"),
            "main/dist/systemd/keyhold.service");

    /** Section name to directive name to its values, in file order (a directive may appear more than once). */
    static Map<String, Map<String, List<String>>> parse(Path unit) throws IOException {
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        Map<String, List<String>> current = null;
        for (String raw : Files.readAllLines(unit, StandardCharsets.UTF_8)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                current = sections.computeIfAbsent(line.substring(1, line.length() - 1), s -> new LinkedHashMap<>());
                continue;
            }
            assertThat(current).as("directive outside a section: %s", line).isNotNull();
            int eq = line.indexOf('=');
            assertThat(eq).as("not a directive: %s", line).isPositive();
            current.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>())
                    .add(line.substring(eq + 1).strip());
        }
        return sections;
    }

    private static String single(Map<String, List<String>> section, String name) {
        assertThat(section).as("directive %s", name).containsKey(name);
        assertThat(section.get(name)).as("directive %s given once", name).hasSize(1);
        return section.get(name).get(0);
    }

    @Test
    void runsTheServerAsKeyholdWithTheInstalledConfiguration() throws IOException {
        Map<String, List<String>> service = parse(UNIT).get("Service");
        assertThat(service).isNotNull();
        assertThat(single(service, "Type")).isEqualTo("simple");
        assertThat(single(service, "User")).isEqualTo("keyhold");
        assertThat(single(service, "Group")).isEqualTo("keyhold");
        assertThat(single(service, "ExecStart"))
                .isEqualTo("/opt/keyhold/bin/keyhold serve --config /etc/keyhold/keyhold.yaml");
        assertThat(single(service, "Restart")).isEqualTo("on-failure");
        assertThat(single(service, "RestartPreventExitStatus")).isEqualTo("2");
        assertThat(single(service, "SuccessExitStatus")).isEqualTo("143");
        assertThat(single(service, "TimeoutStopSec")).isNotBlank();
        assertThat(Integer.parseInt(single(service, "LimitNOFILE"))).isGreaterThanOrEqualTo(16384);
        assertThat(single(service, "StateDirectory")).isEqualTo("keyhold");
        assertThat(single(service, "ConfigurationDirectory")).isEqualTo("keyhold");
        assertThat(single(service, "ReadWritePaths")).isEqualTo("/var/lib/keyhold");
        assertThat(single(parse(UNIT).get("Install"), "WantedBy")).isEqualTo("multi-user.target");
    }

    @Test
    void sandboxesTheServer() throws IOException {
        Map<String, List<String>> service = parse(UNIT).get("Service");
        for (String yes : List.of("NoNewPrivileges", "ProtectHome", "PrivateTmp", "PrivateDevices",
                "ProtectKernelTunables", "ProtectKernelModules", "ProtectControlGroups", "LockPersonality",
                "RestrictRealtime", "RestrictSUIDSGID")) {
            assertThat(single(service, yes)).as(yes).isEqualTo("yes");
        }
        assertThat(single(service, "ProtectSystem")).isEqualTo("strict");
        assertThat(single(service, "SystemCallArchitectures")).isEqualTo("native");
        assertThat(single(service, "RestrictAddressFamilies").split("\\s+"))
                .containsExactlyInAnyOrder("AF_INET", "AF_INET6", "AF_UNIX");
        // empty: no capability at all (5696 and 8443 are above 1024)
        assertThat(single(service, "CapabilityBoundingSet")).isEmpty();
        // the JIT compiler writes code it then runs
        assertThat(service).doesNotContainKey("MemoryDenyWriteExecute");
    }

    /** systemd's own parser: it warns on standard error about any directive or value it does not accept. */
    @Test
    void systemdAcceptsEveryDirective(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "systemd-analyze is not installed");
        // verify also checks that ExecStart's program exists, which it does only once the package is installed
        String unit = Files.readString(UNIT, StandardCharsets.UTF_8)
                .replace("ExecStart=/opt/keyhold/bin/keyhold ", "ExecStart=/bin/true ");
        Path copy = Files.writeString(dir.resolve("keyhold.service"), unit, StandardCharsets.UTF_8);
        Process verify = new ProcessBuilder("/usr/bin/systemd-analyze", "verify", "--man=no", copy.toString())
                .redirectErrorStream(true).start();
        String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).as("systemd-analyze verify").isEmpty();
        assertThat(verify.exitValue()).isZero();
    }
}
