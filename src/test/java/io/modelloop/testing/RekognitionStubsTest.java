package io.modelloop.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelloop.config.Settings;
import io.modelloop.model.Classification;
import io.modelloop.model.ImageRef;
import io.modelloop.model.ModelStatus;
import io.modelloop.model.ModelVersion;
import io.modelloop.model.ModelVersionNotFoundException;
import io.modelloop.model.NoRunningModelException;
import io.modelloop.model.RekognitionClients;
import io.modelloop.model.RekognitionModelBackend;
import io.modelloop.model.TrainingRequest;
import io.modelloop.model.TransientModelException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rekognition.RekognitionClient;

/**
 * The Rekognition stubs other tests build on, driven through the real backend: each lifecycle
 * step answers what Rekognition would, in order, so a pipeline test using them sees the same
 * thing a pipeline on AWS would.
 */
class RekognitionStubsTest {

    static final String BUCKET = "modelloop-bucket";
    static final ImageRef IMAGE = new ImageRef(BUCKET, "images_for_detection/a.jpg");

    RekognitionStubs rek;
    RekognitionModelBackend backend;

    @BeforeEach
    void start() {
        rek = RekognitionStubs.start("modelloop");
        backend = rek.backend(BUCKET);
    }

    @AfterEach
    void stop() {
        rek.close();
    }

    static TrainingRequest training(String name) {
        return new TrainingRequest(name, BUCKET, "manifests/" + name + ".manifest", "evaluation/" + name + "/", 40);
    }

    @Test
    void wholeLifecycleTrainStartClassifyStop() {
        rek.projectExists();
        String arn = rek.version("v1").trainingFor(2).completesWithF1(0.93).startingFor(1).stoppingFor(1)
                .detects("dog", 8.5, "cat", 91.5).install().arn();

        assertThatThrownBy(() -> backend.describe(arn)).isInstanceOf(ModelVersionNotFoundException.class);
        assertThat(backend.createVersion(training("v1")).id()).isEqualTo(arn);
        assertThat(backend.describe(arn).status()).isEqualTo(ModelStatus.TRAINING_IN_PROGRESS);
        assertThat(backend.describe(arn).status()).isEqualTo(ModelStatus.TRAINING_IN_PROGRESS);
        ModelVersion trained = backend.describe(arn);
        assertThat(trained.status()).isEqualTo(ModelStatus.TRAINING_COMPLETED);
        assertThat(trained.f1()).isEqualTo(0.93);
        assertThatThrownBy(() -> backend.classify(arn, IMAGE)).isInstanceOf(NoRunningModelException.class);

        backend.start(arn, 2);
        assertThat(backend.describe(arn).status()).isEqualTo(ModelStatus.STARTING);
        ModelVersion running = backend.describe(arn);
        assertThat(running.status()).isEqualTo(ModelStatus.RUNNING);
        assertThat(running.f1()).isEqualTo(0.93);
        Classification c = backend.classify(arn, IMAGE);
        assertThat(c.label()).isEqualTo("cat");
        assertThat(c.confidence()).isEqualTo(91.5);

        backend.stop(arn);
        assertThat(backend.describe(arn).status()).isEqualTo(ModelStatus.STOPPING);
        assertThat(backend.describe(arn).status()).isEqualTo(ModelStatus.STOPPED);
        assertThatThrownBy(() -> backend.classify(arn, IMAGE)).isInstanceOf(NoRunningModelException.class);

        assertThat(rek.count("CreateProjectVersion")).isEqualTo(1);
        assertThat(rek.requests("StartProjectVersion")).singleElement()
                .satisfies(b -> assertThat(b.path("MinInferenceUnits").asInt()).isEqualTo(2));
        assertThat(rek.count("StopProjectVersion")).isEqualTo(1);
        assertThat(rek.count("DetectCustomLabels")).isEqualTo(3);
        assertThat(rek.count("CreateProject")).isZero();
    }

    @Test
    void failedTrainingCannotBeStarted() {
        rek.projectExists();
        String reason = "The manifest file contains too many invalid data lines.";
        String arn = rek.version("v1").trainingFor(1).failsWith(reason).install().arn();

        backend.createVersion(training("v1"));
        assertThat(backend.describe(arn).status()).isEqualTo(ModelStatus.TRAINING_IN_PROGRESS);
        ModelVersion failed = backend.describe(arn);
        assertThat(failed.status()).isEqualTo(ModelStatus.TRAINING_FAILED);
        assertThat(failed.statusMessage()).isEqualTo(reason);
        assertThat(failed.f1()).isNull();
        assertThatThrownBy(() -> backend.start(arn, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anyVersionFollowsTheNameTheApplicationChoosesAndAMissingProjectIsCreated() {
        rek.projectMissing();
        rek.anyVersion().trainingFor(0).completesWithF1(0.5).install();

        ModelVersion created = backend.createVersion(training("run-2026-11-24-1200"));
        ModelVersion described = backend.describe(created.id());

        assertThat(created.id()).isEqualTo(rek.versionArn("run-2026-11-24-1200"));
        assertThat(described.id()).isEqualTo(created.id());
        assertThat(described.status()).isEqualTo(ModelStatus.TRAINING_COMPLETED);
        assertThat(described.f1()).isEqualTo(0.5);
        assertThat(rek.count("CreateProject")).isEqualTo(1);
        assertThat(rek.requests("CreateProjectVersion").get(0).path("ProjectArn").asText()).isEqualTo(rek.projectArn());
    }

    @Test
    void twoVersionsAreIndependentForABlueGreenSwitch() {
        rek.projectExists();
        RekognitionStubs.Version blueVersion = rek.version("blue").completesWithF1(0.85).detects("cat", 60.0).alreadyRunning();
        String blue = blueVersion.arn();
        String green = rek.version("green").trainingFor(0).completesWithF1(0.95).startingFor(0)
                .detects("cat", 99.0).install().arn();

        backend.createVersion(training("green"));
        backend.start(green, 1);
        assertThat(backend.describe(green).status()).isEqualTo(ModelStatus.RUNNING);
        assertThat(backend.classify(blue, IMAGE).confidence()).isEqualTo(60.0);
        backend.stop(blue);
        assertThat(blueVersion.state()).isEqualTo("stopping-1");

        assertThat(backend.describe(blue).status()).isEqualTo(ModelStatus.STOPPING);
        assertThat(blueVersion.state()).isEqualTo("stopped");
        assertThat(backend.describe(green).status()).isEqualTo(ModelStatus.RUNNING);
        assertThat(backend.classify(green, IMAGE).confidence()).isEqualTo(99.0);
    }

    @Test
    void alreadyCreatedResumesPollingWithoutTrainingAgain() {
        rek.projectExists();
        String arn = rek.version("v7").trainingFor(1).completesWithF1(0.9).alreadyCreated().arn();

        assertThat(backend.describe(arn).status()).isEqualTo(ModelStatus.TRAINING_IN_PROGRESS);
        assertThat(backend.describe(arn).status()).isEqualTo(ModelStatus.TRAINING_COMPLETED);
        assertThat(rek.count("CreateProjectVersion")).isZero();
    }

    @Test
    void injectedThrottlingIsRetriedThenPersistentThrottlingSurfaces() {
        rek.projectExists();
        String arn = rek.version("v1").completesWithF1(0.9).detects("cat", 70.0).alreadyRunning().arn();
        rek.failNext("DetectCustomLabels", 2, "ThrottlingException", "Rate exceeded");

        assertThat(backend.classify(arn, IMAGE).label()).isEqualTo("cat");
        assertThat(rek.count("DetectCustomLabels")).isEqualTo(3);

        rek.failAlways("DetectCustomLabels", "ThrottlingException", "Rate exceeded");
        assertThatThrownBy(() -> backend.classify(arn, IMAGE)).isInstanceOf(TransientModelException.class);
        assertThat(rek.count("DetectCustomLabels")).isEqualTo(6);
    }

    @Test
    void settingsPointTheApplicationsClientAtTheStubs() {
        rek.projectExists();
        String arn = rek.version("v1").completesWithF1(0.9).detects("cat", 70.0).alreadyRunning().arn();
        Map<String, String> overrides = new HashMap<>(rek.settings());
        overrides.put("camel.main.profile", "aws");

        try (RekognitionClient client = RekognitionClients.fromSettings(Settings.load(Path.of("config"), overrides))) {
            RekognitionModelBackend fromSettings = new RekognitionModelBackend(client, rek.projectName(), BUCKET);
            assertThat(fromSettings.classify(arn, IMAGE).label()).isEqualTo("cat");
        }
        assertThat(rek.count("DetectCustomLabels")).isEqualTo(1);
    }
}
