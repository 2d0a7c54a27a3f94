package io.modelloop.testing;

import io.modelloop.storage.LocalS3Server;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** An S3 client of the in-process local store (S3Proxy), path-style and anonymous as the local profile's. */
public final class LocalStoreClient {

    private LocalStoreClient() {
    }

    public static S3Client of(LocalS3Server server) {
        return builder(server).build();
    }

    public static S3ClientBuilder builder(LocalS3Server server) {
        return S3Client.builder().endpointOverride(URI.create(server.endpoint())).forcePathStyle(true)
                .region(Region.US_EAST_1).credentialsProvider(AnonymousCredentialsProvider.create());
    }
}
