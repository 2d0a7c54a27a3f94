package io.modelloop.storage;

import io.modelloop.config.Settings;
import java.time.Duration;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheckRegistry;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The object store and the databases: the S3 client ModelLoop opened at start-up (the routes'
 * aws2-s3 endpoints name it #s3Client), the databases the stores open on first use, and links
 * reviewers' browsers fetch images through.
 */
@Configuration
public class StorageConfiguration implements CamelConfiguration {

    private final Settings settings;
    private final S3Client s3;
    private final String s3Endpoint;
    private final AwsClients clients;
    private final Databases databases;
    private final boolean localStore;

    @PropertyInject("modelloop.bucket")
    String bucket;

    /** @param localStore whether the local profile's in-process store serves the bucket (files in data/bucket) */
    public StorageConfiguration(Settings settings, AwsClients clients, S3Client s3, String s3Endpoint, boolean localStore) {
        this.settings = settings;
        this.clients = clients;
        this.s3 = s3;
        this.s3Endpoint = s3Endpoint;
        this.localStore = localStore;
        this.databases = new Databases(settings, clients);
    }

    @BindToRegistry("s3Client")
    public S3Client s3Client() {
        return s3;
    }

    @BindToRegistry("databases")
    public Databases databases() {
        return databases;
    }

    @BindToRegistry("imageLinks")
    public ImageLinks imageLinks() {
        return new ImageLinks(clients.s3Presigner(s3Endpoint), Duration.ofMinutes(5));
    }

    @Override
    public void configure(CamelContext camel) throws Exception {
        HealthCheckRegistry.get(camel).register(new ObjectStoreHealthCheck(s3, bucket));
        if (localStore) {
            LocalObjectRepair repair = new LocalObjectRepair(settings.dataDir().resolve(bucket), 1000);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("timer:local-object-repair?period=2000&delay=2000").routeId("local-object-repair")
                            .routeDescription("Registers files copied straight into data/bucket as S3 objects")
                            .process(e -> repair.repair());
                }
            });
        }
    }
}
