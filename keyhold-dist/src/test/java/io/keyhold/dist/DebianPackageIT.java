package io.keyhold.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package keyhold_VERSION_amd64.deb, read with dpkg-deb and unpacked with dpkg -x into a temporary
 * root: its control fields, conffile, maintainer scripts, files and their modes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DebianPackageIT {
    static final String VERSION = System.getProperty("keyhold.version");
    /** Debian's form of the Maven version: a snapshot sorts before its release. */
    static final String DEB_VERSION = VERSION.replace("-SNAPSHOT", "~SNAPSHOT");
    static final Path DEB = Path.of(System.getProperty("keyhold.dist.dir"), "keyhold_" + DEB_VERSION + "_amd64.deb");

    @TempDir
    static Path tmp;

    static Path root;

    @BeforeAll
    static void unpack() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpkg-deb")), "dpkg-deb is not installed");
        assertThat(DEB).isRegularFile();
        root = Files.createDirectories(tmp.resolve("root"));
        run("dpkg-deb", "-x", DEB.toString(), root.toString());
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", String.join(" ", command), output).isZero();
        return output;
    }

    private static String field(String name) throws Exception {
        return run("dpkg-deb", "--field", DEB.toString(), name).strip();
    }

    @Test
    void controlFields() throws Exception {
        assertThat(field("Package")).isEqualTo("keyhold");
        assertThat(field("Version")).isEqualTo(DEB_VERSION);
        assertThat(field("Architecture")).isEqualTo("amd64");
        // the bundled runtime's shared libraries (no Java package) and adduser for postinst
        assertThat(Arrays.stream(field("Depends").split(",")).map(d -> d.strip().split("[\\s(]")[0]))
                .containsExactlyInAnyOrder("libc6", "libgcc-s1", "libstdc++6", "zlib1g", "adduser");
        assertThat(field("Maintainer")).isNotBlank();
        assertThat(field("Description")).startsWith("KMIP key management server");
        assertThat(run("dpkg-deb", "--info", DEB.toString(), "conffiles").lines())
                .containsExactly("/etc/keyhold/keyhold.yaml");
    }

    @Test
    void contentsAndModes() throws Exception {
        List<String> contents = run("dpkg-deb", "--contents", DEB.toString()).lines().toList();
        assertThat(contents).anySatisfy(line -> assertThat(line)
                .matches("-rwxr-xr-x root/root .* \\./opt/keyhold/bin/keyhold"));
        assertThat(contents).anySatisfy(line -> assertThat(line)
                .matches("-rwxr-xr-x root/root .* \\./opt/keyhold/runtime/bin/java"));
        assertThat(contents).anySatisfy(line -> assertThat(line)
                .matches("-rw-r--r-- root/root .* \\./opt/keyhold/lib/keyhold\\.jar"));
        assertThat(contents).anySatisfy(line -> assertThat(line)
                .matches("-rw-r--r-- root/root .* \\./lib/systemd/system/keyhold\\.service"));
        assertThat(contents).anySatisfy(line -> assertThat(line)
                .matches("-rw-r----- root/root .* \\./etc/keyhold/keyhold\\.yaml"));
        assertThat(contents).anySatisfy(line -> assertThat(line)
                .matches("drwxr-x--- root/root .* \\./var/lib/keyhold/"));
        assertThat(contents).anySatisfy(line -> assertThat(line)
                .matches("drwxr-x--- root/root .* \\./etc/keyhold/"));
        // nothing outside /opt/keyhold, /etc/keyhold, /var/lib/keyhold and the unit
        assertThat(contents).extracting(line -> line.substring(line.lastIndexOf(" ./") + 3))
                .allSatisfy(path -> assertThat(path).matches(
                        "|opt/|opt/keyhold/.*|etc/|etc/keyhold/.*|var/|var/lib/|var/lib/keyhold/|lib/|lib/systemd/"
                                + "|lib/systemd/system/|lib/systemd/system/keyhold\\.service"));

        Path bin = root.resolve("opt/keyhold/bin/keyhold");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(bin))).isEqualTo("rwxr-xr-x");
        assertThat(Files.readString(bin)).isEqualTo(Files.readString(
                Path.of(System.getProperty("keyhold.dist.dir"), "keyhold-" + VERSION, "bin/keyhold")));
        assertThat(Files.isExecutable(root.resolve("opt/keyhold/runtime/bin/java"))).isTrue();
        assertThat(root.resolve("opt/keyhold/docs/install.md")).isRegularFile();
        assertThat(root.resolve("lib/systemd/system/keyhold.service")).hasSameTextualContentAs(
                Path.of("src/main/dist/systemd/keyhold.service"));
    }

    /** The installed configuration is the example with its data under /var/lib/keyhold and nothing else changed. */
    @Test
    void configurationIsTheExampleWithDataInVarLib() throws Exception {
        String installed = Files.readString(root.resolve("etc/keyhold/keyhold.yaml"));
        String example = Files.readString(root.resolve("opt/keyhold/keyhold.example.yaml"));
        assertThat(installed).contains("\n  data_dir: /var/lib/keyhold\n").doesNotContain("keyhold-data");
        assertThat(installed.replace("/var/lib/keyhold", "keyhold-data")).isEqualTo(example);
        assertThat(installed).contains("certificate: /etc/keyhold/server.pem", "keystore: /etc/keyhold/master-key.p12");
    }

    @Test
    void maintainerScripts() throws Exception {
        Path control = tmp.resolve("control");
        run("dpkg-deb", "--control", DEB.toString(), control.toString());
        for (String script : List.of("postinst", "prerm", "postrm")) {
            assertThat(Files.isExecutable(control.resolve(script))).as(script).isTrue();
            run("sh", "-n", control.resolve(script).toString());
        }
        String postinst = Files.readString(control.resolve("postinst"));
        assertThat(postinst).contains("adduser --system", "--home /var/lib/keyhold --no-create-home",
                "getent passwd keyhold", "chown keyhold:keyhold /var/lib/keyhold", "chmod 0640 /etc/keyhold/keyhold.yaml",
                "systemctl enable --now keyhold");
        // installing never starts or enables the service: the configuration needs certificates first
        assertThat(postinst.lines().filter(line -> !line.strip().startsWith("echo")))
                .noneMatch(line -> line.contains("systemctl start") || line.contains("systemctl enable"));
        String prerm = Files.readString(control.resolve("prerm"));
        assertThat(prerm).contains("systemctl stop keyhold.service", "disable keyhold.service");
        // the data and the master key stay: no removal of /var/lib/keyhold, /etc/keyhold or the user
        for (String script : List.of("prerm", "postrm")) {
            assertThat(Files.readString(control.resolve(script))).doesNotContain("rm -", "deluser", "userdel");
        }
    }
}
