package io.modelloop.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;

/**
 * Logo-like test images drawn with Java2D: a brand is a word and a simple mark in its colours;
 * each image varies the font, the colour, light or dark background, the layout, the logo's size
 * and its position on a canvas of varying shape.
 */
final class LogoImages {

    record Brand(String word, String mark, Color primary, Color secondary) {
    }

    /** The first two are trained on; the other five are never seen in training. */
    static final List<Brand> BRANDS = List.of(
            new Brand("NOVA", "circle", new Color(0x1f4fbf), new Color(0xf28c1c)),
            new Brand("KITE", "triangle", new Color(0xc62828), new Color(0x555555)),
            new Brand("ZENTRO", "square", new Color(0x2e7d32), new Color(0x9ccc65)),
            new Brand("ORBIX", "ring", new Color(0x6a1b9a), new Color(0xce93d8)),
            new Brand("PLUMA", "star", new Color(0x00838f), new Color(0xffca28)),
            new Brand("VEX", "diamond", new Color(0x6d4c41), new Color(0xd7ccc8)),
            new Brand("HALO", "bars", new Color(0xad1457), new Color(0x90a4ae)));

    private static final String[] FONTS = {"DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono", "DejaVu Sans Condensed"};

    private LogoImages() {
    }

    /** A typical image of the brand. */
    static BufferedImage draw(Brand brand, Random r) {
        boolean dark = r.nextBoolean();
        int w = 64 + r.nextInt(97);
        int h = (int) (w * (0.5 + r.nextDouble() * 0.5));
        Color bg = dark ? new Color(10 + r.nextInt(40), 10 + r.nextInt(40), 20 + r.nextInt(50))
                : new Color(225 + r.nextInt(31), 225 + r.nextInt(31), 215 + r.nextInt(41));
        return draw(brand, r, w, h, bg, dark, 0.45 + r.nextDouble() * 0.45);
    }

    /** The brand shown small on a white canvas. */
    static BufferedImage smallOnWhite(Brand brand, Random r) {
        int w = 96 + r.nextInt(65);
        return draw(brand, r, w, w * 3 / 4, Color.WHITE, false, 0.25 + r.nextDouble() * 0.15);
    }

    private static BufferedImage draw(Brand brand, Random r, int w, int h, Color bg, boolean dark, double scale) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(bg);
            g.fillRect(0, 0, w, h);
            Color ink = switch (r.nextInt(3)) {
                case 0 -> brand.primary();
                case 1 -> brand.secondary();
                default -> dark ? Color.WHITE : Color.BLACK;
            };
            Color markInk = r.nextBoolean() ? brand.primary() : brand.secondary();
            boolean stacked = r.nextInt(3) == 0;
            Font font = new Font(FONTS[r.nextInt(FONTS.length)], r.nextInt(3), 100);
            FontMetrics fm = g.getFontMetrics(font);
            double textW = fm.stringWidth(brand.word());
            double textH = fm.getAscent() * 0.75;
            double markSize = textH * 1.1;
            double logoW = stacked ? Math.max(textW, markSize) : markSize * 1.3 + textW;
            double logoH = stacked ? markSize * 1.2 + textH : Math.max(markSize, textH);
            double k = Math.min(w * scale / logoW, h * scale / logoH);
            double x0 = (w - logoW * k) * r.nextDouble();
            double y0 = (h - logoH * k) * r.nextDouble();
            double ms = markSize * k;
            double mx = stacked ? x0 + (logoW * k - ms) / 2 : x0;
            double my = stacked ? y0 : y0 + (logoH * k - ms) / 2;
            g.setColor(markInk);
            mark(g, brand.mark(), mx, my, ms);
            g.setColor(ink);
            g.setFont(font.deriveFont((float) (100 * k)));
            double tx = stacked ? x0 + (logoW * k - textW * k) / 2 : x0 + markSize * 1.3 * k;
            double ty = stacked ? y0 + markSize * 1.2 * k + textH * k : y0 + (logoH * k + textH * k) / 2;
            g.drawString(brand.word(), (float) tx, (float) ty);
        } finally {
            g.dispose();
        }
        return img;
    }

    private static void mark(Graphics2D g, String mark, double x, double y, double s) {
        int ix = (int) x;
        int iy = (int) y;
        int is = Math.max(2, (int) s);
        switch (mark) {
            case "circle" -> g.fillOval(ix, iy, is, is);
            case "ring" -> {
                g.setStroke(new BasicStroke(Math.max(1f, is / 6f)));
                g.drawOval(ix + is / 12, iy + is / 12, is - is / 6, is - is / 6);
            }
            case "square" -> g.fillRect(ix, iy, is, is);
            case "triangle" -> g.fillPolygon(new Polygon(new int[] {ix, ix + is / 2, ix + is}, new int[] {iy + is, iy, iy + is}, 3));
            case "diamond" -> g.fillPolygon(new Polygon(new int[] {ix + is / 2, ix + is, ix + is / 2, ix},
                    new int[] {iy, iy + is / 2, iy + is, iy + is / 2}, 4));
            case "star" -> {
                int[] xs = new int[10];
                int[] ys = new int[10];
                for (int i = 0; i < 10; i++) {
                    double a = Math.PI / 2 + i * Math.PI / 5;
                    double rad = (i % 2 == 0 ? 0.5 : 0.2) * is;
                    xs[i] = (int) (x + s / 2 + rad * Math.cos(a));
                    ys[i] = (int) (y + s / 2 - rad * Math.sin(a));
                }
                g.fillPolygon(xs, ys, 10);
            }
            case "bars" -> {
                for (int i = 0; i < 3; i++) {
                    g.fillRect(ix + i * is / 3, iy + is - (i + 1) * is / 3, Math.max(1, is / 4), (i + 1) * is / 3);
                }
            }
            default -> throw new IllegalArgumentException(mark);
        }
    }
}
