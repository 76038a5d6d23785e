package io.keyhold.benchmarks.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareChartTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void drawsAPngOfTheRequestedSize() throws IOException {
        byte[] png = new CompareChart(1000, 600).png(CompareData.parse(CompareDataTest.SAMPLE));

        assertThat(png).startsWith(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(1000);
        assertThat(image.getHeight()).isEqualTo(600);
        assertThat(count(image, CompareChart.BACKGROUND.getRGB())).isLessThan(1000 * 600);
        // three Keyhold bars and one PyKMIP bar above zero (the other PyKMIP results: none and 0 ops/s)
        assertThat(count(image, CompareChart.KEYHOLD.getRGB())).isGreaterThan(3 * 20 * 50);
        assertThat(count(image, CompareChart.PYKMIP.getRGB())).isGreaterThan(20 * 50);
    }

    @Test
    void barHeightsFollowTheLogScale() {
        // 100 and 10,000 ops/s: the axis spans 10 .. 10,000 (the smallest value sits on a decade, one more below)
        CompareData d = CompareData.parse("{\"title\": \"t\", \"rows\": [{\"operation\": \"Get\", \"connections\": 1,"
                + " \"pykmip\": {\"opsPerSecond\": 100}, \"keyhold\": {\"opsPerSecond\": 10000}}]}");
        BufferedImage image = new CompareChart(800, 500).render(d);

        int pykmip = columnHeight(image, CompareChart.PYKMIP.getRGB());
        int keyhold = columnHeight(image, CompareChart.KEYHOLD.getRGB());
        // PyKMIP's bar spans one decade of three, Keyhold's all three
        assertThat((double) keyhold / pykmip).isCloseTo(3.0, org.assertj.core.data.Offset.offset(0.05));
    }

    @Test
    void drawsWhenNoServerHasAResult() {
        CompareData d = CompareData.parse("{\"title\": \"t\", \"rows\": [{\"operation\": \"Get\", \"connections\": 1,"
                + " \"pykmip\": null, \"keyhold\": null}]}");
        BufferedImage image = new CompareChart(CompareChart.MIN_WIDTH, CompareChart.MIN_HEIGHT).render(d);

        // no bar: only the legend's 12 x 12 squares carry the servers' colours
        assertThat(count(image, CompareChart.KEYHOLD.getRGB())).isEqualTo(12 * 12);
        assertThat(count(image, CompareChart.PYKMIP.getRGB())).isEqualTo(12 * 12);
        assertThat(count(image, CompareChart.BACKGROUND.getRGB()))
                .isLessThan(CompareChart.MIN_WIDTH * CompareChart.MIN_HEIGHT);
    }

    @Test
    void wrapsALongSubtitleInsideTheRightMargin() {
        String subtitle = "2026-11-28 19:37 UTC, commit 552579a; KMIP 1.4, TLS 1.2 with "
                + "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256; 20 s per run; 2 cores (AMD EPYC) shared by load tool and server";
        CompareData d = CompareData.parse("{\"title\": \"t\", \"subtitle\": \"" + subtitle + "\", \"rows\": [{"
                + "\"operation\": \"Get\", \"connections\": 1, \"pykmip\": null, \"keyhold\": null}]}");
        BufferedImage image = new CompareChart(800, 500).render(d);

        // the subtitle's lines (baselines 52 and 68) leave the right margin empty, and both lines carry text
        for (int y = 38; y < 74; y++) {
            for (int x = 800 - 24; x < 800; x++) {
                assertThat(image.getRGB(x, y) & 0xFFFFFF).as("pixel %d,%d", x, y).isEqualTo(0xFFFFFF);
            }
        }
        assertThat(inkInRows(image, 40, 54)).isPositive();
        assertThat(inkInRows(image, 56, 70)).isPositive();
    }

    @Test
    void rejectsSizesOutsideTheLimits() {
        assertThatThrownBy(() -> new CompareChart(399, 600)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("size 399x600 (expected: 400x300 to 8000x8000)");
        assertThatThrownBy(() -> new CompareChart(800, 8001)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formatsNumbersAndRatios() {
        assertThat(CompareChart.number(13955.14)).isEqualTo("13,955");
        assertThat(CompareChart.number(575.5)).isEqualTo("576");
        assertThat(CompareChart.number(23.94)).isEqualTo("23.9");
        assertThat(CompareChart.number(1.5)).isEqualTo("1.50");
        assertThat(CompareChart.number(0)).isEqualTo("0.00");
        assertThat(CompareChart.ratio(24.248)).isEqualTo("24.2x");
        assertThat(CompareChart.ratio(1234.5)).isEqualTo("1,235x");
    }

    @Test
    void wrapsLongOperationNamesIntoAtMostTwoLines() {
        java.awt.Graphics2D g = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB).createGraphics();
        java.awt.FontMetrics fm = g.getFontMetrics(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 13));
        int word = fm.stringWidth("Encrypt AES");

        assertThat(CompareChart.wrap("Get", fm, 100)).containsExactly("Get");
        assertThat(CompareChart.wrap("Encrypt AES GCM", fm, word)).containsExactly("Encrypt AES", "GCM");
        assertThat(CompareChart.wrap("Encrypt AES GCM 1 KiB", fm, fm.stringWidth("Encrypt")))
                .hasSize(2).first().isEqualTo("Encrypt");
        assertThat(CompareChart.wrap("Encrypt AES GCM 1 KiB", fm, fm.stringWidth("Encrypt")).get(1)).endsWith("\u2026");
        g.dispose();
    }

    @Test
    void commandLineWritesThePng() throws IOException {
        Path in = dir.resolve("in.json");
        Path out = dir.resolve("out.png");
        Files.writeString(in, CompareDataTest.SAMPLE);
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int rc = CompareChart.run(new String[] {in.toString(), out.toString(), "--size", "640x400"}, stream(err));

        assertThat(rc).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        BufferedImage image = ImageIO.read(out.toFile());
        assertThat(image.getWidth()).isEqualTo(640);
        assertThat(image.getHeight()).isEqualTo(400);
    }

    @Test
    void commandLineRejectsBadInputWithStatus2() throws IOException {
        Path in = dir.resolve("bad.json");
        Path out = dir.resolve("out.png");
        Files.writeString(in, "{\"title\": \"t\", \"rows\": []}");
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int rc = CompareChart.run(new String[] {in.toString(), out.toString()}, stream(err));

        assertThat(rc).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("CompareChart: " + in + ": rows: no rows to draw\n");
        assertThat(out).doesNotExist();
    }

    @Test
    void commandLineRejectsBadArguments() {
        assertThat(runWithError(new String[] {"in.json"}))
                .isEqualTo("2 CompareChart: usage: CompareChart INPUT.json OUTPUT.png [--size WIDTHxHEIGHT]\n");
        assertThat(runWithError(new String[] {"a", "b", "--size", "big"}))
                .isEqualTo("2 CompareChart: --size big (expected: WIDTHxHEIGHT, e.g. 1280x720)\n");
        assertThat(runWithError(new String[] {"a", "b", "--size", "10x10"}))
                .isEqualTo("2 CompareChart: size 10x10 (expected: 400x300 to 8000x8000)\n");
        assertThat(runWithError(new String[] {"a", "b", "--bars"})).isEqualTo("2 CompareChart: unknown option --bars\n");
        assertThat(runWithError(new String[] {"a", "b", "c"})).isEqualTo("2 CompareChart: unexpected argument c\n");
    }

    @Test
    void commandLineReportsAMissingInputWithStatus1() {
        String missing = dir.resolve("missing.json").toString();

        assertThat(runWithError(new String[] {missing, dir.resolve("o.png").toString()}))
                .startsWith("1 CompareChart: cannot read " + missing + ": ");
    }

    private static String runWithError(String[] args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = CompareChart.run(args, stream(err));
        return rc + " " + err.toString(StandardCharsets.UTF_8);
    }

    private static PrintStream stream(ByteArrayOutputStream out) {
        return new PrintStream(out, true, StandardCharsets.UTF_8);
    }

    private static int inkInRows(BufferedImage image, int from, int to) {
        int n = 0;
        for (int y = from; y < to; y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                n += (image.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF ? 1 : 0;
            }
        }
        return n;
    }

    private static int count(BufferedImage image, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (rgb & 0xFFFFFF)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** The tallest run of one colour in any column. */
    private static int columnHeight(BufferedImage image, int rgb) {
        int best = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            int n = 0;
            for (int y = 0; y < image.getHeight(); y++) {
                n = (image.getRGB(x, y) & 0xFFFFFF) == (rgb & 0xFFFFFF) ? n + 1 : 0;
                best = Math.max(best, n);
            }
        }
        return best;
    }
}
