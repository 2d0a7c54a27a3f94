package io.modelloop.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes files copied straight into the local bucket folder into normal objects. S3Proxy keeps
 * an object's MD5 (its ETag) in the extended attribute it names "user.content-md5" through
 * Java's UserDefinedFileAttributeView (so on Linux the xattr is user.user.content-md5); a file
 * copied by hand has none, so this writes it, and rewrites it when the file changes afterwards.
 *
 * @param settleMillis files modified more recently than this are left for the next pass (still being copied)
 */
public record LocalObjectRepair(Path bucketDir, long settleMillis) {

    private static final Logger LOG = LoggerFactory.getLogger(LocalObjectRepair.class);
    // the name S3Proxy's FilesystemNio2BlobStore passes to UserDefinedFileAttributeView
    static final String MD5_ATTR = "user.content-md5";
    // mtime the MD5 was computed for: a later edit of the file is noticed and re-hashed
    static final String STAMP_ATTR = "modelloop-md5-mtime";
    // S3Proxy's FilesystemNio2BlobStore writes a PUT to "<name>-<random UUID>" beside the target and
    // renames it when the upload completes: not an object, and usually gone before it could be read
    // (one a killed process left behind is moved away at start-up by IncompleteUploads)
    static final Pattern IN_FLIGHT_UPLOAD = Pattern.compile(
            ".+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /** S3Proxy's own bookkeeping (versions, multipart parts), never user content. */
    static boolean isStoreBookkeeping(String fileName) {
        return fileName.startsWith(".s3proxy") || fileName.startsWith(".mpus-");
    }

    /** One pass over the bucket folder; returns the keys it repaired. */
    public List<String> repair() throws IOException {
        List<String> repaired = new ArrayList<>();
        if (!Files.isDirectory(bucketDir)) {
            return repaired;
        }
        long now = System.currentTimeMillis();
        Files.walkFileTree(bucketDir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return isStoreBookkeeping(dir.getFileName().toString()) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = file.getFileName().toString();
                if (!attrs.isRegularFile() || isStoreBookkeeping(name)
                        || IN_FLIGHT_UPLOAD.matcher(name).matches()) {
                    return FileVisitResult.CONTINUE;
                }
                long mtime = attrs.lastModifiedTime().toMillis();
                if (now - mtime < settleMillis) {
                    return FileVisitResult.CONTINUE;
                }
                try {
                    switch (check(file, mtime)) {
                        case REHASH -> {
                            writeMd5(file, mtime);
                            repaired.add(bucketDir.relativize(file).toString().replace('\\', '/'));
                        }
                        case STAMP -> writeStamp(file, mtime);
                        case OK -> { }
                    }
                } catch (NoSuchFileException gone) {
                    // deleted or renamed since the listing: nothing to register
                    LOG.debug("{} went away during the repair pass", file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                if (exc instanceof NoSuchFileException) {
                    LOG.debug("{} went away during the repair pass", file);
                    return FileVisitResult.CONTINUE;
                }
                LOG.warn("Cannot read {} in the local bucket: {}", file, exc.getMessage());
                return FileVisitResult.CONTINUE;
            }
        });
        if (!repaired.isEmpty()) {
            LOG.info("Registered {} file(s) copied into the local bucket: {}", repaired.size(), repaired);
        }
        return repaired;
    }

    private enum Action { OK, STAMP, REHASH }

    private static Action check(Path file, long mtime) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        List<String> names = view.list();
        if (!names.contains(MD5_ATTR)) {
            return Action.REHASH;
        }
        if (!names.contains(STAMP_ATTR)) {
            // written by S3Proxy on PUT (a multipart ETag is no plain MD5): keep it, but remember
            // which version of the file it belongs to so that a later overwrite is noticed
            return Action.STAMP;
        }
        ByteBuffer buf = ByteBuffer.allocate(view.size(STAMP_ATTR));
        view.read(STAMP_ATTR, buf);
        buf.flip();
        return buf.remaining() != Long.BYTES || buf.getLong() != mtime ? Action.REHASH : Action.OK;
    }

    private static void writeStamp(Path file, long mtime) throws IOException {
        Files.getFileAttributeView(file, UserDefinedFileAttributeView.class)
                .write(STAMP_ATTR, ByteBuffer.allocate(Long.BYTES).putLong(0, mtime));
    }

    private static void writeMd5(Path file, long mtime) throws IOException {
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md5)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        view.write(MD5_ATTR, ByteBuffer.wrap(md5.digest()));
        writeStamp(file, mtime);
        // writing xattrs does not touch mtime, so the stamp stays equal to it
    }
}
