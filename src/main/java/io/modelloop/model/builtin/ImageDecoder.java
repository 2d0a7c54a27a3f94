package io.modelloop.model.builtin;

import io.modelloop.model.InvalidImageException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns image bytes into the network's input: PNG or JPEG only (recognised by their magic
 * bytes, never by the key's extension), within the byte and pixel limits, decoded with
 * javax.imageio, flattened onto white, scaled into a square keeping the aspect ratio (padded with
 * the mean colour of the image's border) and normalised channel-first.
 * A decoder warning (e.g. a truncated JPEG) counts as corrupt.
 *
 * <p>Greyscale, palette, 16-bit and transparent PNGs and CMYK/YCCK JPEGs (Adobe APP14, as
 * Photoshop writes them) are read by javax.imageio and drawn as RGB. Large images are
 * decoded subsampled to at most {@link #decodedSide} pixels a side, so a 4096 x 4096 image
 * (16-bit RGBA would be 128 MB decoded in full) costs a few MB whatever its depth.
 */
public final class ImageDecoder {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};

    private final long maxBytes;
    private final long maxPixels;

    public ImageDecoder(long maxBytes, long maxPixels) {
        this.maxBytes = maxBytes;
        this.maxPixels = maxPixels;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** "PNG", "JPEG", or null when the content is neither. */
    public static String format(byte[] bytes) {
        if (startsWith(bytes, PNG)) {
            return "PNG";
        }
        return startsWith(bytes, JPEG) ? "JPEG" : null;
    }

    /** The image as floats, channel-first (3 x size x size), normalised per channel. */
    public float[] decode(byte[] bytes, int size, Normalisation norm) {
        return decodeForModel(bytes, size, norm, ImageInput.RGB, false).pixels();
    }

    /** Side of the ink map familiarity compares (whatever the network's input size). */
    public static final int INK_MAP_SIDE = 32;

    /** An image decoded once for the built-in model: the network's input and, when asked, the ink map familiarity uses. */
    public record Decoded(float[] pixels, float[] ink) {
    }

    /**
     * Decodes once for the network (as {@code input} says) and, with {@code withInkMap}, for the
     * ink view of familiarity; the content is found once for both.
     */
    public Decoded decodeForModel(byte[] bytes, int size, Normalisation norm, ImageInput input, boolean withInkMap) {
        BufferedImage image = read(bytes, decodedSide(withInkMap ? Math.max(size, INK_MAP_SIDE) : size));
        Content content = input == ImageInput.INK || withInkMap ? Content.of(image) : null;
        float[] pixels = input == ImageInput.INK ? content.ink(size, norm) : pixels(resize(image, size), norm);
        float[] ink = withInkMap
                ? Arrays.copyOf(content.ink(INK_MAP_SIDE, Normalisation.ZERO_TO_ONE), INK_MAP_SIDE * INK_MAP_SIDE) : null;
        return new Decoded(pixels, ink);
    }

    /**
     * What {@link ImageInput#INK} looks at: the image's background (the mean colour of its border)
     * and the part of the image that differs from it.
     */
    record Content(Color background, BufferedImage cropped) {

        static Content of(BufferedImage image) {
            Color bg = borderMean(image);
            return new Content(bg, cropToContent(image, bg));
        }

        /** Cropped to the content, scaled into the square, contrast with the background in every channel. */
        float[] ink(int size, Normalisation norm) {
            int[] argb = resize(cropped, size).getRGB(0, 0, size, size, null, 0, size);
            int plane = size * size;
            float[] out = new float[3 * plane];
            float[] mean = norm.meanArray();
            float[] std = norm.stdArray();
            for (int i = 0; i < plane; i++) {
                float v = contrast(argb[i], background) / 255f;
                out[i] = (v - mean[0]) / std[0];
                out[plane + i] = (v - mean[1]) / std[1];
                out[2 * plane + i] = (v - mean[2]) / std[2];
            }
            return out;
        }
    }

    /**
     * The longest side an image is decoded at for a model input of {@code size}: far above what
     * the resize needs (it halves down from there), far below what a 4096-pixel image costs.
     */
    static int decodedSide(int size) {
        return Math.max(1024, size * 8);
    }

    /** Checks format and limits, then decodes at full resolution; every problem is an {@link InvalidImageException}. */
    public BufferedImage read(byte[] bytes) {
        return read(bytes, Integer.MAX_VALUE);
    }

    /**
     * Checks format and limits, then decodes, keeping every n-th pixel when the image's longest
     * side is over {@code maxSide} (n the smallest that brings it to {@code maxSide} or less).
     */
    public BufferedImage read(byte[] bytes, int maxSide) {
        if (bytes.length > maxBytes) {
            throw new InvalidImageException("image is " + bytes.length + " bytes, more than the limit of " + maxBytes);
        }
        String format = format(bytes);
        if (format == null) {
            throw new InvalidImageException("not a PNG or JPEG image (content starts with " + head(bytes) + ")");
        }
        List<String> warnings = new ArrayList<>();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
            if (!readers.hasNext()) {
                throw new InvalidImageException("no " + format + " decoder available");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w < 1 || h < 1) {
                    throw new InvalidImageException("corrupt " + format + ": empty image");
                }
                if (w * h > maxPixels) {
                    throw new InvalidImageException("image is " + w + "x" + h + " pixels, more than the limit of "
                            + maxPixels + " pixels");
                }
                reader.addIIOReadWarningListener((IIOReadWarningListener) (source, warning) -> warnings.add(warning));
                ImageReadParam param = reader.getDefaultReadParam();
                long longest = Math.max(w, h);
                if (longest > maxSide) {
                    int step = (int) ((longest + maxSide - 1) / maxSide);
                    param.setSourceSubsampling(step, step, 0, 0);
                }
                BufferedImage image = reader.read(0, param);
                if (!warnings.isEmpty()) {
                    throw new InvalidImageException("corrupt " + format + ": " + warnings.get(0));
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (InvalidImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InvalidImageException(unreadable(format, e), e);
        }
    }

    /** What a user can do about a decoder failure, with the decoder's own words. */
    private static String unreadable(String format, Throwable e) {
        String m = describe(e);
        if ("Unsupported Image Type".equals(m)) {
            // javax.imageio's JPEG reader: a colour layout it cannot turn into RGB (e.g. 4 channels marked RGB)
            return "unsupported " + format + " colour format (the decoder says: " + m + "); save it as an RGB or"
                    + " greyscale " + format;
        }
        return "unreadable " + format + ": " + m;
    }

    /**
     * Resizes into size x size RGB keeping the aspect ratio: the image (transparency over white)
     * is scaled until its longer side is {@code size}, halving first for large images, and
     * centred on a square of the mean colour of its border pixels. Padding with the image's own
     * background (white for a logo on white, black for one on black) keeps the padding from
     * becoming a feature of its own, as a fixed colour would for images of one background.
     */
    public static BufferedImage resize(BufferedImage src, int size) {
        int sw = src.getWidth();
        int sh = src.getHeight();
        int tw = sw >= sh ? size : scaledSide(sw, sh, size);
        int th = sh >= sw ? size : scaledSide(sh, sw, size);
        BufferedImage current = src;
        int w = sw;
        int h = sh;
        while (w / 2 >= tw * 2 && h / 2 >= th * 2) {
            w /= 2;
            h /= 2;
            current = draw(current, w, h);
        }
        BufferedImage scaled = draw(current, tw, th);
        if (tw == size && th == size) {
            return scaled;
        }
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(borderMean(src));
            g.fillRect(0, 0, size, size);
            g.drawImage(scaled, (size - tw) / 2, (size - th) / 2, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** The shorter side scaled as the longer one goes to {@code size}; at least one pixel. */
    private static int scaledSide(int shorter, int longer, int size) {
        return (int) Math.max(1, Math.min(size, Math.round((double) shorter * size / longer)));
    }

    /**
     * The part of the image that differs from its background {@code bg}, with a small margin; the
     * whole image when nothing or nearly everything differs.
     */
    static BufferedImage cropToContent(BufferedImage src, Color bg) {
        int w = src.getWidth();
        int h = src.getHeight();
        int step = Math.max(1, Math.max(w, h) / 512);
        int x0 = w;
        int y0 = h;
        int x1 = -1;
        int y1 = -1;
        for (int y = 0; y < h; y += step) {
            for (int x = 0; x < w; x += step) {
                if (contrast(src.getRGB(x, y), bg) > 48) {
                    x0 = Math.min(x0, x);
                    y0 = Math.min(y0, y);
                    x1 = Math.max(x1, x);
                    y1 = Math.max(y1, y);
                }
            }
        }
        if (x1 < 0) {
            return src;
        }
        int margin = Math.max(1, Math.max(x1 - x0, y1 - y0) / 16) + step;
        x0 = Math.max(0, x0 - margin);
        y0 = Math.max(0, y0 - margin);
        x1 = Math.min(w - 1, x1 + margin);
        y1 = Math.min(h - 1, y1 + margin);
        long area = (long) (x1 - x0 + 1) * (y1 - y0 + 1);
        if (area > 0.9 * w * h) {
            return src;
        }
        return src.getSubimage(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    }

    /** The largest channel difference (0-255) of a pixel, over white where transparent, from {@code bg}. */
    private static int contrast(int argb, Color bg) {
        return Math.max(Math.abs(overWhite(argb, 0) - bg.getRed()),
                Math.max(Math.abs(overWhite(argb, 1) - bg.getGreen()), Math.abs(overWhite(argb, 2) - bg.getBlue())));
    }

    /** Channel c (0 red, 1 green, 2 blue) of a pixel drawn over white, as {@link #draw} does. */
    private static int overWhite(int argb, int c) {
        int a = (argb >>> 24) & 0xFF;
        int v = (argb >> (16 - 8 * c)) & 0xFF;
        return (v * a + 255 * (255 - a) + 127) / 255;
    }

    /** The mean colour of the outermost rows and columns, transparency over white as in {@link #draw}. */
    static Color borderMean(BufferedImage src) {
        int w = src.getWidth();
        int h = src.getHeight();
        long[] sum = new long[3];
        long n = 0;
        int[] row = new int[w];
        for (int y : h == 1 ? new int[] {0} : new int[] {0, h - 1}) {
            src.getRGB(0, y, w, 1, row, 0, w);
            for (int argb : row) {
                add(sum, argb);
            }
            n += w;
        }
        int[] column = new int[Math.max(0, h - 2)];
        if (column.length > 0) {
            for (int x : w == 1 ? new int[] {0} : new int[] {0, w - 1}) {
                src.getRGB(x, 1, 1, column.length, column, 0, 1);
                for (int argb : column) {
                    add(sum, argb);
                }
                n += column.length;
            }
        }
        return new Color((int) ((sum[0] + n / 2) / n), (int) ((sum[1] + n / 2) / n), (int) ((sum[2] + n / 2) / n));
    }

    private static void add(long[] sum, int argb) {
        for (int c = 0; c < 3; c++) {
            sum[c] += overWhite(argb, c);
        }
    }

    private static BufferedImage draw(BufferedImage src, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.drawImage(src, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Channel-first floats of an RGB image: (value / 255 - mean) / std per channel. */
    public static float[] pixels(BufferedImage rgb, Normalisation norm) {
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        int[] argb = rgb.getRGB(0, 0, w, h, null, 0, w);
        int plane = w * h;
        float[] out = new float[3 * plane];
        float[] mean = norm.meanArray();
        float[] std = norm.stdArray();
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            out[i] = (((p >> 16) & 0xFF) / 255f - mean[0]) / std[0];
            out[plane + i] = (((p >> 8) & 0xFF) / 255f - mean[1]) / std[1];
            out[2 * plane + i] = ((p & 0xFF) / 255f - mean[2]) / std[2];
        }
        return out;
    }

    private static boolean startsWith(byte[] bytes, byte[] magic) {
        if (bytes.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (bytes[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static String head(byte[] bytes) {
        if (bytes.length == 0) {
            return "nothing: the object is empty";
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(4, bytes.length); i++) {
            s.append(String.format("%02X", bytes[i] & 0xFF));
        }
        return "0x" + s;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
