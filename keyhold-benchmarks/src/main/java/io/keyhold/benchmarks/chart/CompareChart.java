package io.keyhold.benchmarks.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import javax.imageio.ImageIO;

/**
 * Draws the table of {@code benchmarks/compare.sh} as a PNG: per operation and connection count a group of
 * two bars, PyKMIP's and Keyhold's ops/s, on a logarithmic axis, each bar labelled with its value and each
 * group with the ratio Keyhold / PyKMIP. Java2D only (run with {@code -Djava.awt.headless=true}).
 *
 * <pre>
 * java -Djava.awt.headless=true -cp keyhold-benchmarks/target/classes \
 *     io.keyhold.benchmarks.chart.CompareChart INPUT.json OUTPUT.png [--size WIDTHxHEIGHT]
 * </pre>
 *
 * INPUT.json is described in {@link CompareData}. Exit status 0 when the PNG was written, 2 with one line on
 * standard error for bad arguments or input, 1 when a file cannot be read or written.
 */
public final class CompareChart {
    static final int DEFAULT_WIDTH = 1280;
    static final int DEFAULT_HEIGHT = 720;
    static final int MIN_WIDTH = 400;
    static final int MIN_HEIGHT = 300;
    static final int MAX_SIDE = 8000;

    static final Color BACKGROUND = Color.WHITE;
    static final Color PYKMIP = new Color(0xE6, 0x9F, 0x00);
    static final Color KEYHOLD = new Color(0x00, 0x72, 0xB2);
    private static final Color TEXT = new Color(0x20, 0x20, 0x20);
    private static final Color MUTED = new Color(0x60, 0x60, 0x60);
    private static final Color GRID = new Color(0xDD, 0xDD, 0xDD);
    private static final Color MINOR_GRID = new Color(0xF0, 0xF0, 0xF0);
    private static final Color AXIS = new Color(0x80, 0x80, 0x80);

    private static final int MARGIN_TOP = 86;
    private static final int MARGIN_LEFT = 92;
    private static final int MARGIN_RIGHT = 28;
    private static final int MARGIN_BOTTOM = 92;
    /** Room above the tallest bar for its value and the group's ratio. */
    private static final int HEADROOM = 44;

    private final int width;
    private final int height;

    CompareChart(int width, int height) {
        if (width < MIN_WIDTH || height < MIN_HEIGHT || width > MAX_SIDE || height > MAX_SIDE) {
            throw new IllegalArgumentException("size " + width + "x" + height + " (expected: " + MIN_WIDTH + "x"
                    + MIN_HEIGHT + " to " + MAX_SIDE + "x" + MAX_SIDE + ")");
        }
        this.width = width;
        this.height = height;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.err));
    }

    /** The command line: returns the exit status; messages go to {@code err}. */
    static int run(String[] args, PrintStream err) {
        int w = DEFAULT_WIDTH;
        int h = DEFAULT_HEIGHT;
        Path input = null;
        Path output = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--size")) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--size needs WIDTHxHEIGHT");
                    }
                    String s = args[++i];
                    if (!s.matches("[0-9]{1,5}x[0-9]{1,5}")) {
                        throw new IllegalArgumentException("--size " + s + " (expected: WIDTHxHEIGHT, e.g. 1280x720)");
                    }
                    w = Integer.parseInt(s.substring(0, s.indexOf('x')));
                    h = Integer.parseInt(s.substring(s.indexOf('x') + 1));
                } else if (a.startsWith("-") && a.length() > 1) {
                    throw new IllegalArgumentException("unknown option " + a);
                } else if (input == null) {
                    input = Path.of(a);
                } else if (output == null) {
                    output = Path.of(a);
                } else {
                    throw new IllegalArgumentException("unexpected argument " + a);
                }
            }
            if (output == null) {
                throw new IllegalArgumentException("usage: CompareChart INPUT.json OUTPUT.png [--size WIDTHxHEIGHT]");
            }
            CompareChart chart = new CompareChart(w, h);
            String json;
            try {
                json = Files.readString(input, StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("CompareChart: cannot read " + input + ": " + e.getMessage());
                return 1;
            }
            CompareData data;
            try {
                data = CompareData.parse(json);
            } catch (IllegalArgumentException e) {
                err.println("CompareChart: " + input + ": " + e.getMessage());
                return 2;
            }
            try {
                Files.write(output, chart.png(data));
            } catch (IOException e) {
                err.println("CompareChart: cannot write " + output + ": " + e.getMessage());
                return 1;
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("CompareChart: " + e.getMessage());
            return 2;
        }
    }

    /** The chart as PNG bytes. */
    byte[] png(CompareData data) {
        BufferedImage image = render(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer in this JDK");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Draws the chart. */
    BufferedImage render(CompareData data) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, width, height);
            draw(g, data);
        } finally {
            g.dispose();
        }
        return image;
    }

    private void draw(Graphics2D g, CompareData data) {
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 20);
        Font textFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        Font smallFont = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        Font boldFont = new Font(Font.SANS_SERIF, Font.BOLD, 13);

        g.setColor(TEXT);
        g.setFont(titleFont);
        g.drawString(data.title(), MARGIN_LEFT, 30);
        g.setFont(textFont);
        g.setColor(MUTED);
        int subtitleY = 52;
        for (String line : wrap(data.subtitle(), g.getFontMetrics(), width - MARGIN_LEFT - MARGIN_RIGHT)) {
            g.drawString(line, MARGIN_LEFT, subtitleY);
            subtitleY += 16;
        }
        legend(g, textFont);

        int left = MARGIN_LEFT;
        int right = width - MARGIN_RIGHT;
        int top = MARGIN_TOP;
        int bottom = height - MARGIN_BOTTOM;
        Scale scale = Scale.of(data.rows(), top + HEADROOM, bottom);

        // grid: a line per decade, fainter ones at 2x and 5x
        g.setFont(smallFont);
        FontMetrics sm = g.getFontMetrics();
        for (int e = scale.lowExponent; e <= scale.highExponent; e++) {
            double decade = Math.pow(10, e);
            if (e < scale.highExponent) {
                g.setColor(MINOR_GRID);
                for (int m : new int[] {2, 5}) {
                    int y = scale.y(decade * m);
                    g.drawLine(left, y, right, y);
                }
            }
            int y = scale.y(decade);
            g.setColor(GRID);
            g.drawLine(left, y, right, y);
            g.setColor(MUTED);
            String label = e >= 0 ? String.format(Locale.ROOT, "%,d", Math.round(decade)) : number(decade);
            g.drawString(label, left - 8 - sm.stringWidth(label), y + sm.getAscent() / 2 - 1);
        }
        g.setColor(AXIS);
        g.drawLine(left, top, left, bottom);
        g.drawLine(left, bottom, right, bottom);

        // y axis title, rotated
        g.setFont(textFont);
        FontMetrics tm = g.getFontMetrics();
        String yTitle = "ops/s (log scale)";
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.setColor(MUTED);
        g.drawString(yTitle, -(top + bottom) / 2 - tm.stringWidth(yTitle) / 2, 24);
        g.setTransform(saved);

        List<CompareData.Row> rows = data.rows();
        double group = (right - left) / (double) rows.size();
        int bar = (int) Math.max(4, Math.min(64, group * 0.32));
        for (int i = 0; i < rows.size(); i++) {
            CompareData.Row row = rows.get(i);
            int centre = (int) Math.round(left + group * (i + 0.5));
            if (i > 0 && !rows.get(i - 1).operation().equals(row.operation())) {
                int x = (int) Math.round(left + group * i);
                g.setColor(GRID);
                g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                        new float[] {4f, 4f}, 0f));
                g.drawLine(x, top, x, bottom + 40);
                g.setStroke(new BasicStroke(1f));
            }
            int gap = Math.max(2, bar / 8);
            int topP = bar(g, smallFont, scale, centre - gap / 2 - bar, bar, bottom, row.pykmip(), PYKMIP);
            int topK = bar(g, smallFont, scale, centre + (gap + 1) / 2, bar, bottom, row.keyhold(), KEYHOLD);

            // the ratio over the group
            g.setFont(boldFont);
            FontMetrics bm = g.getFontMetrics();
            OptionalDouble ratio = row.ratio();
            String r = ratio.isPresent() ? ratio(ratio.getAsDouble()) : "ratio n/a";
            g.setColor(ratio.isPresent() ? TEXT : MUTED);
            g.drawString(r, centre - bm.stringWidth(r) / 2, Math.min(topP, topK) - 5);

            // x labels: the connection count under each group
            g.setFont(textFont);
            g.setColor(MUTED);
            String conns = row.connections() + (row.connections() == 1 ? " connection" : " connections");
            g.drawString(conns, centre - tm.stringWidth(conns) / 2, bottom + 18);
        }
        // and the operation once under each run of groups with the same operation, wrapped to its width
        g.setFont(boldFont);
        g.setColor(TEXT);
        FontMetrics bm = g.getFontMetrics();
        for (int start = 0; start < rows.size(); ) {
            int end = start + 1;
            while (end < rows.size() && rows.get(end).operation().equals(rows.get(start).operation())) {
                end++;
            }
            int spanLeft = (int) Math.round(left + group * start);
            int spanRight = (int) Math.round(left + group * end);
            int centre = (spanLeft + spanRight) / 2;
            int baseline = bottom + 38;
            for (String line : wrap(rows.get(start).operation(), bm, spanRight - spanLeft - 8)) {
                g.drawString(line, centre - bm.stringWidth(line) / 2, baseline);
                baseline += bm.getHeight();
            }
            start = end;
        }

        g.setFont(smallFont);
        g.setColor(MUTED);
        String note = "Above each group: Keyhold ops/s / PyKMIP ops/s. Closed loop, one request in flight per "
                + "connection; load tool and server on the same machine.";
        g.drawString(note, left, height - 18);
    }

    /** Draws one bar and its value label; returns the y of the label's top. */
    private static int bar(Graphics2D g, Font font, Scale scale, int x, int w, int bottom, OptionalDouble value,
            Color colour) {
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();
        String label;
        int y;
        if (value.isEmpty()) {
            label = "n/a";
            y = bottom;
        } else {
            double v = value.getAsDouble();
            label = number(v);
            y = v > 0 ? scale.y(v) : bottom;
            if (y < bottom) {
                g.setColor(colour);
                g.fillRect(x, y, w, bottom - y);
            }
        }
        g.setColor(value.isEmpty() ? MUTED : TEXT);
        int labelBaseline = y - 4;
        g.drawString(label, x + w / 2 - fm.stringWidth(label) / 2, labelBaseline);
        return labelBaseline - fm.getAscent();
    }

    private void legend(Graphics2D g, Font font) {
        g.setFont(font);
        FontMetrics fm = g.getFontMetrics();
        int box = 12;
        int x = width - MARGIN_RIGHT;
        int y = 30;
        String[] names = {"Keyhold", "PyKMIP"};
        Color[] colours = {KEYHOLD, PYKMIP};
        for (int i = 0; i < names.length; i++) {
            x -= fm.stringWidth(names[i]);
            g.setColor(TEXT);
            g.drawString(names[i], x, y);
            x -= box + 6;
            g.setColor(colours[i]);
            g.fillRect(x, y - box + 1, box, box);
            x -= 18;
        }
    }

    /**
     * Splits text at spaces into lines no wider than {@code max} pixels (a single word wider than that stays on
     * its own line); at most two lines, the second cut with an ellipsis when more would be needed.
     */
    static List<String> wrap(String text, FontMetrics fm, int max) {
        List<String> lines = new java.util.ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.trim().split("\\s+")) {
            if (line.length() > 0 && fm.stringWidth(line + " " + word) > max) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        lines.add(line.toString());
        if (lines.size() <= 2) {
            return lines;
        }
        String second = String.join(" ", lines.subList(1, lines.size()));
        while (second.length() > 1 && fm.stringWidth(second + "\u2026") > max) {
            second = second.substring(0, second.length() - 1);
        }
        return List.of(lines.get(0), second.stripTrailing() + "\u2026");
    }

    /** Ops/s as shown on the chart: grouped thousands from 100, one decimal from 10, two below. */
    static String number(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (v >= 0.01 || v == 0) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.1e", v);
    }

    /** A ratio as shown on the chart, e.g. "24.2x". */
    static String ratio(double r) {
        return (r >= 100 ? String.format(Locale.ROOT, "%,.0f", r) : String.format(Locale.ROOT, "%.1f", r)) + "x";
    }

    /**
     * The logarithmic value axis: whole decades from the one below the smallest positive value (one more when
     * that value is less than 1.42 times its decade, so that its bar shows) to the one at or above the largest;
     * 1 to 10 when there is no positive value.
     */
    static final class Scale {
        final int lowExponent;
        final int highExponent;
        private final int top;
        private final int bottom;

        private Scale(int lowExponent, int highExponent, int top, int bottom) {
            this.lowExponent = lowExponent;
            this.highExponent = highExponent;
            this.top = top;
            this.bottom = bottom;
        }

        static Scale of(List<CompareData.Row> rows, int top, int bottom) {
            double min = Double.POSITIVE_INFINITY;
            double max = 0;
            for (CompareData.Row row : rows) {
                for (OptionalDouble v : List.of(row.pykmip(), row.keyhold())) {
                    if (v.isPresent() && v.getAsDouble() > 0) {
                        min = Math.min(min, v.getAsDouble());
                        max = Math.max(max, v.getAsDouble());
                    }
                }
            }
            if (max == 0) {
                return new Scale(0, 1, top, bottom);
            }
            int lo = (int) Math.floor(Math.log10(min));
            if (Math.log10(min) - lo < 0.15) {
                lo--; // a bar just above its decade would hardly show
            }
            int hi = (int) Math.ceil(Math.log10(max));
            if (hi <= lo) {
                hi = lo + 1;
            }
            return new Scale(lo, hi, top, bottom);
        }

        /** The y pixel of a positive value. */
        int y(double v) {
            double f = (Math.log10(v) - lowExponent) / (highExponent - lowExponent);
            return (int) Math.round(bottom - f * (bottom - top));
        }
    }
}
