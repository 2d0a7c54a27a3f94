package io.modelloop.model.builtin;

import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Settles DJL's environment before anything touches DJL: no downloads (ai.djl.offline=true)
 * and the native library unpacked under the data folder (DJL_CACHE_DIR=data/djl-cache, about
 * 430 MB for libtorch), unless the user set them (system property or environment variable).
 *
 * <p>On a platform the build has no libtorch jar for (see the djl-natives-* Maven profiles),
 * set DJL_OFFLINE=false (or -Dai.djl.offline=false) so DJL downloads libtorch on first use.
 */
public final class DjlEnvironment {

    public static final String OFFLINE_PROPERTY = "ai.djl.offline";
    public static final String OFFLINE_ENV = "DJL_OFFLINE";
    public static final String CACHE_DIR = "DJL_CACHE_DIR";
    static final String INTEROP_THREADS = "ai.djl.pytorch.num_interop_threads";

    private DjlEnvironment() {
    }

    /** Applies the defaults above; returns the cache folder DJL will use. */
    public static synchronized Path prepare(Path dataDir) {
        if (System.getProperty(OFFLINE_PROPERTY) == null && System.getenv(OFFLINE_ENV) == null) {
            System.setProperty(OFFLINE_PROPERTY, "true");
        }
        String cache = firstSet(System.getenv(CACHE_DIR), System.getProperty(CACHE_DIR));
        if (cache == null) {
            cache = dataDir.resolve("djl-cache").toAbsolutePath().normalize().toString();
            System.setProperty(CACHE_DIR, cache);
        }
        // one inter-op thread: the pod has few cores, and intra-op parallelism already uses them
        if (System.getProperty(INTEROP_THREADS) == null) {
            System.setProperty(INTEROP_THREADS, "1");
        }
        // decode images in memory, never through temporary files
        ImageIO.setUseCache(false);
        return Path.of(cache);
    }

    private static String firstSet(String a, String b) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        return b != null && !b.isBlank() ? b : null;
    }
}
