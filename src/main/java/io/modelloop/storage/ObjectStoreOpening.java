package io.modelloop.storage;

import io.modelloop.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Opens the object store on its own thread while Camel starts on the main one: the local
 * profile's in-process store (or, on AWS, the bucket and topic checks), the S3 client and the
 * bucket prefixes take about as long as Camel's own start, and nothing needs them before the
 * routes start. Beans get {@link #client()} at once: a client that waits for the store on its
 * first call. ModelLoop calls {@link #await()} before the routes start, so a store that cannot
 * open still ends start-up with its own message.
 */
public final class ObjectStoreOpening {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectStoreOpening.class);

    private final String endpoint;
    private final CompletableFuture<Opened> opened;
    private final S3Client client;

    /** What opening produced: the client, and the in-process store in the local profile (else null). */
    public record Opened(S3Client s3, LocalS3Server localServer) {
    }

    private ObjectStoreOpening(String endpoint, CompletableFuture<Opened> opened) {
        this.endpoint = endpoint;
        this.opened = opened;
        this.client = awaiting(opened);
    }

    /**
     * Starts opening the store.
     *
     * @param checkTopic whether the aws profile also checks that the SNS topic exists (the sns sink is on)
     */
    public static ObjectStoreOpening begin(Settings settings, AwsClients clients, boolean checkTopic) {
        String bucket = settings.bucket();
        if (settings.isLocal()) {
            int port = fixedPort(settings.getInt("modelloop.s3.port"));
            String endpoint = LocalS3Server.endpoint(port);
            return new ObjectStoreOpening(endpoint, CompletableFuture.supplyAsync(
                    () -> prefixed(new Opened(clients.s3(endpoint), openLocal(settings, port)), bucket),
                    ObjectStoreOpening::onOwnThread));
        }
        String endpoint = settings.get("modelloop.s3.endpoint");
        return new ObjectStoreOpening(endpoint, CompletableFuture.supplyAsync(() -> {
            S3Client s3 = clients.s3(endpoint);
            AwsStartupCheck.bucket(settings, s3);
            if (checkTopic) {
                try (var sns = clients.sns()) {
                    AwsStartupCheck.topic(settings, sns);
                }
            }
            return prefixed(new Opened(s3, null), bucket);
        }, ObjectStoreOpening::onOwnThread));
    }

    /** The S3 client; its calls wait until the store is open (and fail as opening failed). */
    public S3Client client() {
        return client;
    }

    /** Where the S3 client reaches the store (blank on AWS without an override). */
    public String endpoint() {
        return endpoint;
    }

    /** Waits until the store is open; rethrows what ended opening, with its own message. */
    public Opened await() {
        try {
            return opened.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** Waits until opening ends; the store, or null if it failed (closing must not leave a store running). */
    public Opened awaitQuietly() {
        try {
            return opened.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            return null;
        }
    }

    private static LocalS3Server openLocal(Settings settings, int port) {
        String bucket = settings.bucket();
        try {
            // before the store serves, so no upload can be in flight: what looks like one is a killed run's leftover
            IncompleteUploads.moveAside(settings.dataDir().resolve(bucket), settings.dataDir().resolve(IncompleteUploads.FOLDER));
            LocalS3Server server = new LocalS3Server(settings.dataDir(), port).start(bucket);
            new LocalObjectRepair(settings.dataDir().resolve(bucket), 0).repair();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("The local S3 store could not open " + settings.dataDir().resolve(bucket) + ": " + e.getMessage(), e);
        }
    }

    private static Opened prefixed(Opened o, String bucket) {
        List<String> created = BucketLayout.ensurePrefixes(o.s3(), bucket);
        if (!created.isEmpty()) {
            LOG.info("Created bucket prefixes {} in {}", created, bucket);
        }
        return o;
    }

    // the endpoint must be known before the store starts (beans and links take it): port 0 picks a free port now
    private static int fixedPort(int configured) {
        if (configured != 0) {
            return configured;
        }
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port for the local S3 store", e);
        }
    }

    private static void onOwnThread(Runnable work) {
        Thread t = new Thread(work, "modelloop-store-opening");
        t.setDaemon(true);
        t.start();
    }

    private static S3Client awaiting(CompletableFuture<Opened> opened) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "S3Client (waits for the object store to open)";
                };
            }
            S3Client real;
            try {
                real = opened.join().s3();
            } catch (CompletionException e) {
                throw e.getCause();
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (S3Client) Proxy.newProxyInstance(S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class}, handler);
    }
}
