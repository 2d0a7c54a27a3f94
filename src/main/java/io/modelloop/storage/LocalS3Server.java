package io.modelloop.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * The local profile's S3-compatible store: S3Proxy serving the data folder on loopback, one
 * folder per bucket (data/bucket). It must be up before Camel starts: aws2-s3 checks the
 * bucket when its endpoints start.
 */
public final class LocalS3Server implements AutoCloseable {

    private final S3Proxy proxy;
    private final Path root;

    public LocalS3Server(Path root, int port) {
        this.root = root.toAbsolutePath();
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create data folder " + this.root, e);
        }
        this.proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(this.root.toString()))
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.NONE, null, null)
                .ignoreUnknownHeaders(true)
                .build();
    }

    public LocalS3Server start(String bucket) {
        try {
            proxy.start();
            while (!proxy.getState().equals("STARTED")) {
                Thread.sleep(10);
            }
            Files.createDirectories(root.resolve(bucket));
        } catch (Exception e) {
            throw new IllegalStateException("Local S3 store could not start on " + endpoint() + ": " + e.getMessage(), e);
        }
        return this;
    }

    /** The endpoint S3 tools use, e.g. http://127.0.0.1:9000 (path-style addressing). */
    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    public Path root() {
        return root;
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Local S3 store did not stop cleanly", e);
        }
    }
}
