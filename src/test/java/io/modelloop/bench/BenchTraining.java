package io.modelloop.bench;

import io.modelloop.model.builtin.BuiltinModelBackend;
import io.modelloop.model.GroundTruthManifest;
import io.modelloop.model.ModelStatus;
import io.modelloop.model.ModelVersion;
import io.modelloop.model.TrainingRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** What the model benchmarks share: write a manifest, train a version through the backend, serve it. */
final class BenchTraining {

    /** A trained version, RUNNING, and how long its training took. */
    record Trained(ModelVersion version, double trainSeconds) {
    }

    private BenchTraining() {
    }

    static Trained trainAndStart(S3Client s3, String bucket, BuiltinModelBackend backend, String version,
                                 List<GroundTruthManifest.Entry> entries) throws InterruptedException {
        String manifestKey = "manifests/" + version + ".manifest";
        s3.putObject(b -> b.bucket(bucket).key(manifestKey),
                RequestBody.fromBytes(GroundTruthManifest.write(entries, Instant.now()).getBytes(StandardCharsets.UTF_8)));
        long t0 = System.nanoTime();
        backend.createVersion(new TrainingRequest(version, bucket, manifestKey, "evaluation/", entries.size()));
        ModelVersion v = backend.describe(version);
        while (!v.status().trainingDone()) {
            Thread.sleep(100);
            v = backend.describe(version);
        }
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        if (v.status() != ModelStatus.TRAINING_COMPLETED) {
            throw new IllegalStateException(version + ": " + v.status() + " " + v.statusMessage());
        }
        backend.start(version, 1);
        while (backend.describe(version).status() != ModelStatus.RUNNING) {
            if (backend.describe(version).status() == ModelStatus.FAILED) {
                throw new IllegalStateException(backend.describe(version).statusMessage());
            }
            Thread.sleep(20);
        }
        return new Trained(v, trainSeconds);
    }
}
