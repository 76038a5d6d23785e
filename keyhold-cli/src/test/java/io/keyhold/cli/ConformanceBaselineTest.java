package io.keyhold.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays every OASIS test vector for KMIP 1.0-2.1 against a fresh development server with
 * {@code keyhold conformance}, a new client identity per file, and fails when fewer files pass than the
 * committed baseline records; the failing files are printed either way.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ConformanceBaselineTest {
    private static final Pattern SUMMARY = Pattern.compile("(?m)^(\\d+) passed, (\\d+) failed$");

    /**
     * Every encoding: TTLV on the KMIP port, and JSON and XML posted to /kmip on the HTTPS port (KMIP
     * Additional Message Encodings), against the same baseline.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ttlv", "json", "xml"})
    void conformance_allVectors1_0to2_1_passAtLeastTheBaseline(String encoding, @TempDir Path tmp) throws Exception {
        Path vectors = vectors();
        int baseline = baseline();
        Path dir = tmp.resolve("dev");
        ServerCommands server = new ServerCommands();
        int port = server.start("dev", "--dir", dir.toString(), "--port", "0", "--http-port", "0");
        CliRun run;
        Path report = tmp.resolve("report.md");
        try {
            int target = encoding.equals("ttlv") ? port : server.httpsPort();
            assertThat(target).as("listening port for " + encoding).isPositive();
            run = CliRun.run("", "conformance", "--vectors", vectors.toString(), "--server", "127.0.0.1:" + target,
                    "--certs", dir.toString(), "--fresh-identity", "--version-filter", "1.0-2.1", "--encoding",
                    encoding, "--report", report.toString());
        } finally {
            ((DevCommand) server.cl.getSubcommands().get("dev").getCommand()).stop();
        }
        Matcher m = SUMMARY.matcher(run.stdout());
        assertThat(m.find()).as("summary line in: " + run.stdout() + run.stderr()).isTrue();
        int passed = Integer.parseInt(m.group(1));
        int failed = Integer.parseInt(m.group(2));
        List<String> failing = run.stdout().lines().filter(l -> l.startsWith("FAIL ")).toList();
        System.out.println("conformance (" + encoding + "): " + passed + " passed, " + failed + " failed (baseline " + baseline + ")");
        failing.forEach(System.out::println);

        assertThat(passed + failed).as("every 1.0-2.1 vector replayed").isEqualTo(vectorsFor1_0to2_1(vectors));
        assertThat(run.exitCode()).isEqualTo(failed == 0 ? 0 : 1);
        assertThat(failing).hasSize(failed);
        assertThat(Files.readString(report)).contains(passed + " passed, " + failed + " failed");
        assertThat(passed).as("files passing; failing:\n" + String.join("\n", failing)).isGreaterThanOrEqualTo(baseline);
    }

    static Path vectors() {
        String configured = System.getProperty("keyhold.shared.dir");
        Path dir = Path.of(configured == null || configured.isBlank() ? "/work/shared" : configured)
                .resolve("conformance").resolve("vectors");
        assertThat(dir).as("conformance vectors; set -Dkeyhold.shared.dir").isDirectory();
        return dir;
    }

    /** The rows of the vectors' index whose protocol version is 1.0 to 2.1. */
    private static long vectorsFor1_0to2_1(Path vectors) throws Exception {
        return Files.readAllLines(vectors.resolve("INDEX.csv")).stream().skip(1)
                .map(l -> l.split(",")[2]).filter(v -> v.matches("1\\.[0-4]|2\\.[01]")).count();
    }

    private static int baseline() throws Exception {
        Properties p = new Properties();
        try (InputStream in = ConformanceBaselineTest.class.getResourceAsStream("conformance-baseline.properties")) {
            p.load(in);
        }
        return Integer.parseInt(p.getProperty("passed").trim());
    }
}
