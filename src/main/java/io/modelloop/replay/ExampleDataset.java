package io.modelloop.replay;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * A small labelled dataset drawn with Java2D, the same on every machine: shapes of different
 * colours on noisy backgrounds, at random positions and sizes. Enough to watch a replay work
 * without downloading anything.
 */
public final class ExampleDataset {

    public static final List<String> LABELS = List.of("red-circle", "blue-square", "green-triangle", "orange-cross",
            "purple-ring");

    private ExampleDataset() {
    }

    /** Writes {@code perLabel} PNGs of {@code size} pixels for the first {@code labels} labels under dir/<label>/. */
    public static void write(Path dir, int labels, int perLabel, int size) throws IOException {
        if (labels < 2 || labels > LABELS.size()) {
            throw new IllegalArgumentException("labels must be 2 to " + LABELS.size());
        }
        for (int l = 0; l < labels; l++) {
            String label = LABELS.get(l);
            Path folder = Files.createDirectories(dir.resolve(label));
            Random r = new Random(1000L * (l + 1));
            for (int i = 0; i < perLabel; i++) {
                ImageIO.write(draw(label, r, size), "png", folder.resolve(String.format("%s-%03d.png", label, i)).toFile());
            }
        }
    }

    /** The default example: 5 labels, 40 images each, 40 x 40 pixels. */
    public static void write(Path dir) throws IOException {
        write(dir, 5, 40, 40);
    }

    static BufferedImage draw(String label, Random r, int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        int bg = 200 + r.nextInt(50);
        g.setColor(new Color(bg, bg - r.nextInt(20), bg - r.nextInt(20)));
        g.fillRect(0, 0, size, size);
        for (int i = 0; i < size; i++) {
            int v = 150 + r.nextInt(100);
            g.setColor(new Color(v, v, v));
            g.fillRect(r.nextInt(size), r.nextInt(size), 1, 1);
        }
        int d = size / 3 + r.nextInt(size / 3);
        int x = r.nextInt(Math.max(1, size - d));
        int y = r.nextInt(Math.max(1, size - d));
        int jitter = r.nextInt(50);
        switch (label) {
            case "red-circle" -> {
                g.setColor(new Color(200 + r.nextInt(55), jitter, jitter));
                g.fillOval(x, y, d, d);
            }
            case "blue-square" -> {
                g.setColor(new Color(jitter, jitter + 40, 200 + r.nextInt(55)));
                g.fillRect(x, y, d, d);
            }
            case "green-triangle" -> {
                g.setColor(new Color(jitter, 160 + r.nextInt(60), jitter));
                g.fillPolygon(new Polygon(new int[] {x, x + d, x + d / 2}, new int[] {y + d, y + d, y}, 3));
            }
            case "orange-cross" -> {
                g.setColor(new Color(230 + r.nextInt(25), 120 + r.nextInt(40), jitter / 2));
                g.setStroke(new BasicStroke(Math.max(2, d / 5f)));
                g.drawLine(x, y, x + d, y + d);
                g.drawLine(x + d, y, x, y + d);
            }
            default -> {
                g.setColor(new Color(130 + r.nextInt(40), jitter, 160 + r.nextInt(60)));
                g.setStroke(new BasicStroke(Math.max(2, d / 6f)));
                g.drawOval(x, y, d, d);
            }
        }
        g.dispose();
        return img;
    }
}
