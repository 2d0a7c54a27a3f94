package io.modelloop.storage;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves S3Proxy's temporary files of uploads that a previous run never finished out of the local
 * bucket. S3Proxy writes a PUT to "&lt;name&gt;-&lt;random UUID&gt;", sets its extended attributes
 * (the MD5 first) and renames it; a process killed before that leaves the temporary file, which
 * S3Proxy then lists as an object nobody uploaded. The client got no 200 and uploads again, so
 * nothing is lost by moving it away.
 *
 * <p>Only safe before the store serves: during a run such a file is an upload in flight. Files
 * are moved aside, never deleted: one copied in by hand may have a name of that shape. A file
 * with S3Proxy's MD5 attribute is an object (its key may end in a UUID) and stays.
 */
public final class IncompleteUploads {

    private static final Logger LOG = LoggerFactory.getLogger(IncompleteUploads.class);

    /** The folder under the data folder that receives them. */
    public static final String FOLDER = "incomplete-uploads";

    private IncompleteUploads() {
    }

    /**
     * Moves every incomplete upload under {@code bucketDir} to {@code target}, keeping its path
     * relative to the bucket folder; returns the keys moved.
     */
    public static List<String> moveAside(Path bucketDir, Path target) throws IOException {
        List<String> moved = new ArrayList<>();
        if (!Files.isDirectory(bucketDir)) {
            return moved;
        }
        Files.walkFileTree(bucketDir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return LocalObjectRepair.isStoreBookkeeping(dir.getFileName().toString())
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile() && LocalObjectRepair.IN_FLIGHT_UPLOAD.matcher(file.getFileName().toString()).matches()
                        && lacksMd5(file)) {
                    String key = bucketDir.relativize(file).toString().replace('\\', '/');
                    Path dest = move(file, target.resolve(bucketDir.relativize(file)));
                    LOG.warn("Moved incomplete upload '{}' left by an earlier run (no S3Proxy MD5; the client was never "
                            + "told it succeeded) out of the local bucket to {}", key, dest);
                    moved.add(key);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                LOG.warn("Cannot read {} in the local bucket: {}", file, exc.getMessage());
                return FileVisitResult.CONTINUE;
            }
        });
        return moved;
    }

    private static boolean lacksMd5(Path file) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        // without extended attributes S3Proxy keeps no MD5 either: nothing tells a temporary file from an object
        return view != null && !view.list().contains(LocalObjectRepair.MD5_ATTR);
    }

    /** Moves without replacing: an earlier start-up's file of the same name gets a numbered neighbour. */
    private static Path move(Path file, Path dest) throws IOException {
        Files.createDirectories(dest.getParent());
        for (int n = 1; ; n++) {
            try {
                return Files.move(file, dest);
            } catch (FileAlreadyExistsException taken) {
                dest = dest.resolveSibling(file.getFileName() + "." + n);
            }
        }
    }
}
