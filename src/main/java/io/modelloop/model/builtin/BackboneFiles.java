package io.modelloop.model.builtin;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Backbones named by an http(s) URL. The file is downloaded once, checked against its configured
 * SHA-256 and cached in the bucket under {@code models/backbones/<sha256>.<ext>}: every pod then
 * reads that copy (so all use the same bytes, and serving never depends on the URL), keeping a
 * local copy under the data folder.
 */
public final class BackboneFiles {

    public static final String PREFIX = ArtifactStore.PREFIX + "backbones/";

    private final ArtifactStore store;
    private final Path localDir;
    private final HttpClient http;

    /** The URL could not be fetched (no network, refused, HTTP error): a fallback may be used. */
    public static final class DownloadFailedException extends Backbones.BackboneUnavailableException {
        DownloadFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public BackboneFiles(ArtifactStore store, Path localDir) {
        this.store = store;
        this.localDir = localDir;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** Bucket key of a backbone with this checksum, fetched from this URL. */
    public static String key(String url, String sha256) {
        return PREFIX + sha256 + extension(url);
    }

    /**
     * A local copy of the backbone: the local cache, else the bucket's copy, else (when allowed)
     * the URL, then stored in the bucket.
     *
     * @param download whether the URL may be fetched (training); serving reads only the bucket
     * @throws DownloadFailedException               when the URL could not be fetched
     * @throws Backbones.BackboneUnavailableException when no checksum is configured, the bytes do not
     *                                               match it, or (serving) the bucket has no copy
     */
    public Path localCopy(String url, String sha256, boolean download) {
        if (sha256 == null) {
            throw new Backbones.BackboneUnavailableException("Backbone " + url
                    + " is a URL: set modelloop.builtin.backbone-sha256 to its SHA-256 so it can be downloaded and checked",
                    null);
        }
        String key = key(url, sha256);
        Path local = localDir.resolve(sha256 + extension(url));
        try {
            Files.createDirectories(localDir);
            if (Files.isRegularFile(local) && sha256.equals(sha256(local))) {
                return local;
            }
            Path part = Files.createTempFile(localDir, sha256, ".part");
            try {
                Files.delete(part);
                if (store.getFile(key, part)) {
                    check(part, sha256, url + " (bucket copy s3://" + store.bucket() + "/" + key + ")");
                } else if (!download) {
                    throw new Backbones.BackboneUnavailableException("Backbone " + url + " is not in the bucket at s3://"
                            + store.bucket() + "/" + key + " (it is put there by the training that downloads it)", null);
                } else {
                    fetch(url, part);
                    check(part, sha256, url);
                    store.putFile(key, part, "application/octet-stream");
                }
                Files.move(part, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return local;
            } finally {
                Files.deleteIfExists(part);
            }
        } catch (IOException e) {
            throw new Backbones.BackboneUnavailableException("Backbone " + url + " could not be stored under "
                    + localDir + ": " + e.getMessage(), e);
        }
    }

    private void fetch(String url, Path target) {
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofMinutes(10)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    throw new DownloadFailedException("Backbone " + url + " could not be downloaded: HTTP "
                            + response.statusCode(), null);
                }
                Files.copy(in, target);
            }
        } catch (IOException e) {
            throw new DownloadFailedException("Backbone " + url + " could not be downloaded: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownloadFailedException("Backbone " + url + " download interrupted", e);
        }
    }

    private static void check(Path file, String expected, String what) throws IOException {
        String actual = sha256(file);
        if (!expected.equals(actual)) {
            throw new Backbones.BackboneUnavailableException("Backbone " + what + " has SHA-256 " + actual
                    + " but modelloop.builtin.backbone-sha256 expects " + expected, null);
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** ".onnx", ".pt", ".zip"...: from the URL's path, so the loader can tell the kind; "" when none. */
    static String extension(String url) {
        String path = URI.create(url).getPath();
        String name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot < 0 || !name.substring(dot + 1).matches("[a-z0-9]{1,8}") ? "" : name.substring(dot);
    }
}
