package io.modelloop.replay;

import io.modelloop.review.BuiltinReviewService;
import io.modelloop.detection.HumanLoop;
import io.modelloop.training.LabeledImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * A labelled image folder: one sub-folder per label, images inside. Reading it checks what would
 * break a replay later (label names the loop refuses, empty labels) and skips files that are not
 * readable images, counting them.
 */
public final class Dataset {

    /** One image with its true label; {@code format} is png or jpg (other readable formats are converted to png). */
    public record Item(String label, Path file, String format) {

        /** The bytes to upload, in {@link #format}. */
        public byte[] bytes() {
            try {
                byte[] raw = Files.readAllBytes(file);
                String actual = formatOf(raw);
                if (format.equals(actual)) {
                    return raw;
                }
                BufferedImage img = ImageIO.read(new java.io.ByteArrayInputStream(raw));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ImageIO.write(img, "png", out);
                return out.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException("Reading " + file + " failed", e);
            }
        }
    }

    private final Path root;
    private final Map<String, List<Item>> byLabel;
    private final List<String> problems;
    private final int skipped;
    private final List<String> skippedExamples;

    private Dataset(Path root, Map<String, List<Item>> byLabel, List<String> problems, int skipped,
                    List<String> skippedExamples) {
        this.root = root;
        this.byLabel = byLabel;
        this.problems = problems;
        this.skipped = skipped;
        this.skippedExamples = skippedExamples;
    }

    /**
     * Reads the folder. {@code what} names it in messages ("dataset", "test set"). Never throws for
     * a bad folder: the problems are in {@link #problems()}.
     */
    public static Dataset read(Path root, String what) {
        List<String> problems = new ArrayList<>();
        Map<String, List<Item>> byLabel = new TreeMap<>();
        int skipped = 0;
        List<String> examples = new ArrayList<>();
        if (root == null || !Files.isDirectory(root)) {
            problems.add("the " + what + " folder " + root + " does not exist or is not a folder");
            return new Dataset(root, byLabel, problems, 0, examples);
        }
        List<Path> folders;
        try (Stream<Path> s = Files.list(root)) {
            folders = s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            problems.add("the " + what + " folder " + root + " cannot be read: " + e.getMessage());
            return new Dataset(root, byLabel, problems, 0, examples);
        }
        for (Path folder : folders) {
            String label = folder.getFileName().toString();
            if (label.startsWith(".")) {
                continue; // hidden folders (.git, .DS_Store's kin) are not labels
            }
            if (HumanLoop.NONE_OF_THE_ABOVE.equalsIgnoreCase(label.strip())
                    || !LabeledImages.LABEL.matcher(label).matches()) {
                problems.add("label folder '" + printable(label) + "' in the " + what + " breaks the label rule ("
                        + BuiltinReviewService.LABEL_RULE + ", and not 'None of the Above'): rename it");
                continue;
            }
            List<Item> items = new ArrayList<>();
            List<Path> files;
            try (Stream<Path> s = Files.walk(folder)) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            } catch (IOException e) {
                problems.add("label folder '" + label + "' in the " + what + " cannot be read: " + e.getMessage());
                continue;
            }
            for (Path f : files) {
                if (f.getFileName().toString().startsWith(".")) {
                    continue;
                }
                String format = readableFormat(f);
                if (format == null) {
                    skipped++;
                    if (examples.size() < 3) {
                        examples.add(root.relativize(f).toString());
                    }
                    continue;
                }
                items.add(new Item(label, f, format));
            }
            if (items.isEmpty()) {
                problems.add("label folder '" + label + "' in the " + what + " has no readable images");
                continue;
            }
            byLabel.put(label, List.copyOf(items));
        }
        if (byLabel.isEmpty() && problems.isEmpty()) {
            problems.add("the " + what + " folder " + root + " has no label folders: put each label's images in <label>/");
        }
        return new Dataset(root, byLabel, problems, skipped, examples);
    }

    /** png or jpg when the file decodes as an image (others readable by ImageIO become png), else null. */
    private static String readableFormat(Path f) {
        try (InputStream in = Files.newInputStream(f); ImageInputStream iis = ImageIO.createImageInputStream(in)) {
            if (iis == null) {
                return null;
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis);
                BufferedImage img = reader.read(0);
                if (img == null || img.getWidth() < 1) {
                    return null;
                }
                String name = reader.getFormatName().toLowerCase(Locale.ROOT);
                return name.equals("jpeg") || name.equals("jpg") ? "jpg" : "png";
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static String formatOf(byte[] bytes) {
        if (bytes.length > 3 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8) {
            return "jpg";
        }
        if (bytes.length > 8 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
            return "png";
        }
        return "other";
    }

    private static String printable(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 60 ? t.substring(0, 60) + "..." : t;
    }

    public Path root() {
        return root;
    }

    /** Label -> its readable images (sorted by file name), labels sorted. */
    public Map<String, List<Item>> byLabel() {
        return byLabel;
    }

    public List<String> labels() {
        return List.copyOf(byLabel.keySet());
    }

    public List<String> problems() {
        return problems;
    }

    /** Files skipped because they are not readable images. */
    public int skipped() {
        return skipped;
    }

    /** The note for the terminal about skipped files, or null when none were skipped. */
    public String skippedNote(String what) {
        if (skipped == 0) {
            return null;
        }
        return "skipped " + skipped + " file(s) in the " + what + " that are not readable images (e.g. "
                + String.join(", ", skippedExamples) + ")";
    }

    /** Counts per label, for the report. */
    public Map<String, Integer> counts() {
        Map<String, Integer> m = new LinkedHashMap<>();
        byLabel.forEach((k, v) -> m.put(k, v.size()));
        return m;
    }
}
