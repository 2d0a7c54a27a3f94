package io.modelloop.model;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.ImageIO;

/** Generated pictures of three visually distinct classes, with random position, size and noise. */
public final class TrainingImages {

    public static final String CIRCLE = "red-circle";
    public static final String STRIPES = "blue-stripes";
    public static final String CHECKERS = "green-checkers";

    private TrainingImages() {
    }

    public static BufferedImage draw(String kind, Random r) {
        int w = 56 + r.nextInt(24);
        int h = 56 + r.nextInt(24);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(200 + r.nextInt(56), 200 + r.nextInt(56), 200 + r.nextInt(56)));
        g.fillRect(0, 0, w, h);
        switch (kind) {
            case CIRCLE -> {
                int d = Math.min(w, h) / 3 + r.nextInt(Math.min(w, h) / 3);
                g.setColor(new Color(180 + r.nextInt(76), r.nextInt(60), r.nextInt(60)));
                g.fillOval(r.nextInt(w - d), r.nextInt(h - d), d, d);
            }
            case STRIPES -> {
                int period = 8 + r.nextInt(8);
                int thick = period / 2;
                g.setColor(new Color(r.nextInt(60), r.nextInt(60), 160 + r.nextInt(96)));
                for (int y = r.nextInt(period); y < h; y += period) {
                    g.fillRect(0, y, w, thick);
                }
            }
            case CHECKERS -> {
                int cell = 6 + r.nextInt(8);
                int ox = r.nextInt(cell);
                int oy = r.nextInt(cell);
                g.setColor(new Color(r.nextInt(60), 140 + r.nextInt(116), r.nextInt(60)));
                for (int y = -oy; y < h; y += cell) {
                    for (int x = -ox; x < w; x += cell) {
                        if ((((x + ox) / cell) + ((y + oy) / cell)) % 2 == 0) {
                            g.fillRect(x, y, cell, cell);
                        }
                    }
                }
            }
            default -> throw new IllegalArgumentException(kind);
        }
        g.setStroke(new BasicStroke(1));
        g.dispose();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = img.getRGB(x, y);
                int n = r.nextInt(41) - 20;
                img.setRGB(x, y, (clamp(((p >> 16) & 0xFF) + n) << 16) | (clamp(((p >> 8) & 0xFF) + n) << 8)
                        | clamp((p & 0xFF) + n));
            }
        }
        return img;
    }

    public static byte[] encode(BufferedImage img, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
