package io.modelloop.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.rekognition.RekognitionClient;
import software.amazon.awssdk.services.rekognition.model.AccessDeniedException;
import software.amazon.awssdk.services.rekognition.model.Asset;
import software.amazon.awssdk.services.rekognition.model.CreateProjectVersionRequest;
import software.amazon.awssdk.services.rekognition.model.CustomLabel;
import software.amazon.awssdk.services.rekognition.model.DetectCustomLabelsResponse;
import software.amazon.awssdk.services.rekognition.model.ImageTooLargeException;
import software.amazon.awssdk.services.rekognition.model.InvalidImageFormatException;
import software.amazon.awssdk.services.rekognition.model.InvalidS3ObjectException;
import software.amazon.awssdk.services.rekognition.model.ProjectDescription;
import software.amazon.awssdk.services.rekognition.model.ProjectVersionDescription;
import software.amazon.awssdk.services.rekognition.model.ResourceInUseException;
import software.amazon.awssdk.services.rekognition.model.ResourceNotFoundException;
import software.amazon.awssdk.services.rekognition.model.ResourceNotReadyException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The model port on Amazon Rekognition Custom Labels, through the AWS SDK v2.
 *
 * <p>One Rekognition project (found by name, created when missing) holds every version. A
 * version's id is its ProjectVersionArn
 * ({@code arn:aws:rekognition:REGION:ACCOUNT:project/PROJECT/version/VERSION/TIMESTAMP}).
 * Training uses the legacy "training data in the request" form of CreateProjectVersion: the
 * Ground Truth manifest as the training asset and an automatic test split, so the project must
 * not have datasets of its own (a project this class creates has none).
 *
 * <p>Errors (after the client's own bounded retries, see {@link RekognitionClients}):
 * <ul>
 *   <li>ThrottlingException, ProvisionedThroughputExceededException, InternalServerError / 5xx,
 *       LimitExceededException, network failures: {@link TransientModelException};</li>
 *   <li>ResourceNotReadyException (and an unknown version) on classify: {@link NoRunningModelException};</li>
 *   <li>InvalidImageFormatException, ImageTooLargeException, InvalidS3ObjectException on classify:
 *       {@link InvalidImageException} carrying AWS's message;</li>
 *   <li>ResourceNotFoundException or an ARN outside this project on describe/start/stop:
 *       {@link ModelVersionNotFoundException};</li>
 *   <li>AccessDeniedException: {@link IllegalStateException} naming the IAM action missing;</li>
 *   <li>anything else: {@link IllegalStateException} with the operation, AWS error code and message.</li>
 * </ul>
 *
 * <p>Given an S3 client, {@link #describe} also reads the training summary file Rekognition
 * writes (EvaluationResult.Summary) for the training/test image counts and per-label metrics;
 * without one, or when the file cannot be read, those fields stay null and F1 still comes from
 * DescribeProjectVersions. {@link #listVersions} never reads summary files.
 */
public final class RekognitionModelBackend implements ModelBackend {

    public static final String NAME = "rekognition";

    private static final Logger LOG = LoggerFactory.getLogger(RekognitionModelBackend.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PROJECT_NAME = Pattern.compile("[a-zA-Z0-9_.\\-]{1,255}");

    private final RekognitionClient client;
    private final String projectName;
    private final String bucket;
    private final S3Client s3;
    private volatile String projectArn;
    private final Map<String, EvaluationSummary> summaries = new ConcurrentHashMap<>();

    /**
     * @param client      a client as {@link RekognitionClients#build} makes it (bounded retries)
     * @param projectName the Custom Labels project, created on first use when missing
     * @param bucket      the ModelLoop bucket: training output (OutputConfig) goes there
     */
    public RekognitionModelBackend(RekognitionClient client, String projectName, String bucket) {
        this(client, projectName, bucket, null);
    }

    /** As above; {@code s3} (may be null) reads the training summary files for image counts and per-label metrics. */
    public RekognitionModelBackend(RekognitionClient client, String projectName, String bucket, S3Client s3) {
        if (client == null) {
            throw new IllegalArgumentException("a RekognitionClient is required");
        }
        if (projectName == null || !PROJECT_NAME.matcher(projectName).matches()) {
            throw new IllegalArgumentException("Rekognition project name '" + projectName
                    + "' is not valid: 1-255 characters from a-z A-Z 0-9 _ . -");
        }
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("the bucket for Rekognition training output is required");
        }
        this.client = client;
        this.projectName = projectName;
        this.bucket = bucket;
        this.s3 = s3;
    }

    @Override
    public String name() {
        return NAME;
    }

    // ------------------------------------------------------------------ project

    /** The project's ARN: looked up by name (DescribeProjects) or created, once, then cached. */
    public String projectArn() {
        String arn = projectArn;
        if (arn != null) {
            return arn;
        }
        synchronized (this) {
            if (projectArn == null) {
                projectArn = findOrCreateProject();
            }
            return projectArn;
        }
    }

    private String findOrCreateProject() {
        Optional<String> found = findProject();
        if (found.isPresent()) {
            LOG.info("Using Rekognition Custom Labels project {} ({})", projectName, found.get());
            return found.get();
        }
        try {
            String arn = client.createProject(b -> b.projectName(projectName)).projectArn();
            LOG.info("Created Rekognition Custom Labels project {} ({})", projectName, arn);
            return arn;
        } catch (ResourceInUseException e) {
            // another pod (or the bootstrap command) created it between our look-up and our create
            return findProject().orElseThrow(() -> new TransientModelException("Rekognition project " + projectName
                    + " is in use but not listed yet: " + awsMessage(e), e));
        } catch (SdkException e) {
            throw failure("CreateProject", e);
        }
    }

    private Optional<String> findProject() {
        try {
            return client.describeProjectsPaginator(b -> b.projectNames(projectName)).projectDescriptions().stream()
                    .filter(p -> projectName.equals(projectNameOf(p.projectArn())))
                    .filter(p -> !"DELETING".equals(p.statusAsString()))
                    .map(ProjectDescription::projectArn)
                    .findFirst();
        } catch (SdkException e) {
            throw failure("DescribeProjects", e);
        }
    }

    /** PROJECT in arn:...:project/PROJECT/TIMESTAMP (or .../version/...), else null. */
    static String projectNameOf(String arn) {
        if (arn == null) {
            return null;
        }
        int i = arn.indexOf(":project/");
        if (i < 0) {
            return null;
        }
        String rest = arn.substring(i + ":project/".length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    /**
     * The version name in a version ARN of this project; {@link ModelVersionNotFoundException}
     * for anything else (malformed, or a version of another project).
     */
    String versionNameOf(String versionArn) {
        if (versionArn == null || !versionArn.startsWith("arn:")) {
            throw new ModelVersionNotFoundException(versionArn);
        }
        int i = versionArn.indexOf(":project/");
        String[] parts = i < 0 ? new String[0] : versionArn.substring(i + ":project/".length()).split("/", -1);
        if (parts.length != 4 || !"version".equals(parts[1]) || parts[2].isEmpty() || !projectName.equals(parts[0])) {
            throw new ModelVersionNotFoundException(versionArn);
        }
        return parts[2];
    }

    // ------------------------------------------------------------------ training

    @Override
    public ModelVersion createVersion(TrainingRequest request) {
        String manifestBucket = request.bucket() == null || request.bucket().isBlank() ? bucket : request.bucket();
        String project = projectArn();
        CreateProjectVersionRequest create = CreateProjectVersionRequest.builder()
                .projectArn(project)
                .versionName(request.versionName())
                .outputConfig(o -> o.s3Bucket(bucket).s3KeyPrefix(request.outputPrefix()))
                .trainingData(t -> t.assets(Asset.builder()
                        .groundTruthManifest(g -> g.s3Object(s -> s.bucket(manifestBucket).name(request.manifestKey())))
                        .build()))
                .testingData(t -> t.autoCreate(true))
                .build();
        try {
            String arn = client.createProjectVersion(create).projectVersionArn();
            LOG.info("Rekognition training started: {} from s3://{}/{} ({} images)", arn, manifestBucket,
                    request.manifestKey(), request.imageCount());
            return new ModelVersion(arn, request.versionName(), ModelStatus.TRAINING_IN_PROGRESS, null, null, null, null,
                    null, null, null, Instant.now(), null);
        } catch (ResourceInUseException e) {
            // the same version name again: a retry after a crash between our call and its recording
            Optional<ProjectVersionDescription> existing = describeByName(request.versionName());
            if (existing.isPresent()) {
                LOG.info("Rekognition version {} already exists; reporting it instead of training again",
                        existing.get().projectVersionArn());
                return toVersion(existing.get(), null);
            }
            throw new TransientModelException("Rekognition cannot train " + request.versionName() + " now: "
                    + awsMessage(e), e);
        } catch (ResourceNotFoundException e) {
            forgetProject(project);
            throw new TransientModelException("Rekognition project " + projectName + " was not found (deleted?); it is"
                    + " looked up again on the next call: " + awsMessage(e), e);
        } catch (SdkException e) {
            throw failure("CreateProjectVersion", e);
        }
    }

    @Override
    public ModelVersion describe(String versionId) {
        String versionName = versionNameOf(versionId);
        ProjectVersionDescription d = describeByName(versionName)
                .filter(v -> versionId.equals(v.projectVersionArn()))
                .orElseThrow(() -> new ModelVersionNotFoundException(versionId));
        return toVersion(d, summary(d));
    }

    private Optional<ProjectVersionDescription> describeByName(String versionName) {
        String project = projectArn();
        try {
            return client.describeProjectVersions(b -> b.projectArn(project).versionNames(versionName))
                    .projectVersionDescriptions().stream().findFirst();
        } catch (ResourceNotFoundException e) {
            forgetProject(project);
            return Optional.empty();
        } catch (SdkException e) {
            throw failure("DescribeProjectVersions", e);
        }
    }

    @Override
    public List<ModelVersion> listVersions() {
        String project = projectArn();
        List<ModelVersion> versions = new ArrayList<>();
        try {
            for (ProjectVersionDescription d : client.describeProjectVersionsPaginator(b -> b.projectArn(project))
                    .projectVersionDescriptions()) {
                versions.add(toVersion(d, summaries.get(d.projectVersionArn())));
            }
        } catch (ResourceNotFoundException e) {
            forgetProject(project);
            return List.of();
        } catch (SdkException e) {
            throw failure("DescribeProjectVersions", e);
        }
        versions.sort(Comparator.comparing(ModelVersion::createdAt, Comparator.nullsLast(Comparator.reverseOrder())));
        return versions;
    }

    private synchronized void forgetProject(String arn) {
        if (arn.equals(projectArn)) {
            projectArn = null;
        }
    }

    @Override
    public boolean cancelTraining(String versionId) {
        return false; // Rekognition Custom Labels cannot stop a training
    }

    // ------------------------------------------------------------------ serving

    @Override
    public void start(String versionId, int inferenceUnits) {
        if (inferenceUnits < 1) {
            throw new IllegalArgumentException("inference units must be at least 1, got " + inferenceUnits);
        }
        versionNameOf(versionId);
        try {
            String status = client.startProjectVersion(b -> b.projectVersionArn(versionId).minInferenceUnits(inferenceUnits))
                    .statusAsString();
            LOG.info("Rekognition version {} asked to start with {} inference unit(s): {}", versionId, inferenceUnits, status);
        } catch (ResourceInUseException e) {
            // already starting or running (a retry) is what was asked; otherwise say why not
            ModelVersion v = describe(versionId);
            switch (v.status()) {
                case STARTING, RUNNING -> LOG.info("Rekognition version {} is already {}", versionId, v.status());
                case STOPPING, TRAINING_IN_PROGRESS -> throw new TransientModelException("Rekognition cannot start "
                        + versionId + " while it is " + v.status() + "; try again later: " + awsMessage(e), e);
                default -> throw new IllegalStateException("Rekognition cannot start " + versionId + " in state "
                        + v.status() + ": " + awsMessage(e), e);
            }
        } catch (ResourceNotFoundException e) {
            throw new ModelVersionNotFoundException(versionId);
        } catch (SdkException e) {
            throw failure("StartProjectVersion", e);
        }
    }

    @Override
    public void stop(String versionId) {
        versionNameOf(versionId);
        try {
            String status = client.stopProjectVersion(b -> b.projectVersionArn(versionId)).statusAsString();
            LOG.info("Rekognition version {} asked to stop: {}", versionId, status);
        } catch (ResourceInUseException e) {
            // not serving already (stopping, stopped, never started) is what was asked
            ModelVersion v = describe(versionId);
            switch (v.status()) {
                case STOPPING, STOPPED, TRAINING_COMPLETED, TRAINING_FAILED, FAILED ->
                        LOG.info("Rekognition version {} is not serving ({})", versionId, v.status());
                default -> throw new TransientModelException("Rekognition cannot stop " + versionId + " while it is "
                        + v.status() + "; try again later: " + awsMessage(e), e);
            }
        } catch (ResourceNotFoundException e) {
            throw new ModelVersionNotFoundException(versionId);
        } catch (SdkException e) {
            throw failure("StopProjectVersion", e);
        }
    }

    /**
     * DetectCustomLabels on the image in S3 with MinConfidence 0, so every label comes back
     * whatever its trained threshold; labels are sorted by confidence (0-100), highest first.
     * When Rekognition returns no label at all, the result is
     * {@code Classification(null, 0.0, [])}: no label, zero confidence, which is below any
     * review threshold, so the detection goes to human review rather than being given a
     * made-up label.
     */
    @Override
    public Classification classify(String versionId, ImageRef image) {
        if (versionId == null || versionId.isBlank()) {
            throw new NoRunningModelException("No Rekognition model version is deployed");
        }
        DetectCustomLabelsResponse response;
        try {
            response = client.detectCustomLabels(b -> b.projectVersionArn(versionId)
                    .image(i -> i.s3Object(s -> s.bucket(image.bucket()).name(image.key())))
                    .minConfidence(0f));
        } catch (ResourceNotReadyException e) {
            throw new NoRunningModelException("Rekognition model " + versionId + " is not running: " + awsMessage(e), e);
        } catch (ResourceNotFoundException e) {
            throw new NoRunningModelException("Rekognition model " + versionId + " does not exist: " + awsMessage(e), e);
        } catch (InvalidImageFormatException | ImageTooLargeException | InvalidS3ObjectException e) {
            throw new InvalidImageException(awsMessage(e), e);
        } catch (SdkException e) {
            throw failure("DetectCustomLabels", e);
        }
        List<Classification.LabelScore> labels = new ArrayList<>();
        for (CustomLabel l : response.customLabels()) {
            if (l.name() != null && l.confidence() != null) {
                labels.add(new Classification.LabelScore(l.name(), exact(l.confidence())));
            }
        }
        labels.sort(Comparator.comparingDouble(Classification.LabelScore::confidence).reversed());
        if (labels.isEmpty()) {
            return new Classification(null, 0.0, List.of());
        }
        return new Classification(labels.get(0).label(), labels.get(0).confidence(), List.copyOf(labels));
    }

    /**
     * Rekognition cannot score an un-started candidate without paying for its inference units,
     * so the comparison uses the per-label F1 of each version's training summary
     * (EvaluationResult.Summary, LabelEvaluationResults) over the shared labels: each measured on
     * its own automatic test split, not on the same images.
     */
    @Override
    public ChallengerComparison compare(String candidateId, String servingId) {
        return ChallengerComparison.fromRecorded(describe(candidateId), describe(servingId),
                "per-label F1 from each version's Rekognition evaluation summary, each on its own automatic test split");
    }

    // ------------------------------------------------------------------ mapping

    private ModelVersion toVersion(ProjectVersionDescription d, EvaluationSummary summary) {
        String raw = d.statusAsString();
        ModelStatus status = status(raw);
        String message = d.statusMessage();
        if (raw != null && !raw.equals(status.name()) && status == ModelStatus.FAILED) {
            message = raw + (message == null ? "" : ": " + message);
        }
        Double f1 = d.evaluationResult() == null || d.evaluationResult().f1Score() == null
                ? null : exact(d.evaluationResult().f1Score());
        String name;
        try {
            name = versionNameOf(d.projectVersionArn());
        } catch (ModelVersionNotFoundException e) {
            name = d.projectVersionArn();
        }
        return new ModelVersion(d.projectVersionArn(), name, status, message, f1,
                summary == null ? null : summary.perLabel(), null,
                summary == null ? null : summary.trainingImages(),
                summary == null ? null : summary.testImages(),
                null, d.creationTimestamp(), null);
    }

    /** Rekognition's ProjectVersionStatus on the port's lifecycle. */
    static ModelStatus status(String rekognitionStatus) {
        if (rekognitionStatus == null) {
            return ModelStatus.FAILED;
        }
        return switch (rekognitionStatus) {
            case "COPYING_IN_PROGRESS" -> ModelStatus.TRAINING_IN_PROGRESS;
            case "COPYING_COMPLETED" -> ModelStatus.TRAINING_COMPLETED;
            case "COPYING_FAILED" -> ModelStatus.TRAINING_FAILED;
            default -> {
                try {
                    yield ModelStatus.valueOf(rekognitionStatus);
                } catch (IllegalArgumentException e) {
                    yield ModelStatus.FAILED; // DEPRECATED, EXPIRED, or newer: cannot serve; the raw status goes in the message
                }
            }
        };
    }

    /** The decimal the service sent (0.93), not the float widened to double (0.9300000071525574). */
    private static double exact(Float f) {
        return Double.parseDouble(Float.toString(f));
    }

    /** What the training summary file adds: image counts and per-label metrics. */
    private record EvaluationSummary(Integer trainingImages, Integer testImages, Map<String, ModelVersion.LabelMetrics> perLabel) {
    }

    private EvaluationSummary summary(ProjectVersionDescription d) {
        if (s3 == null || d.evaluationResult() == null || d.evaluationResult().summary() == null
                || d.evaluationResult().summary().s3Object() == null) {
            return null;
        }
        EvaluationSummary cached = summaries.get(d.projectVersionArn());
        if (cached != null) {
            return cached;
        }
        var object = d.evaluationResult().summary().s3Object();
        try {
            byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(object.bucket()).key(object.name())).asByteArray();
            EvaluationSummary parsed = parseSummary(JSON.readTree(bytes));
            summaries.put(d.projectVersionArn(), parsed);
            return parsed;
        } catch (Exception e) {
            LOG.warn("Could not read the Rekognition training summary s3://{}/{} of {}: {}", object.bucket(), object.name(),
                    d.projectVersionArn(), e.toString());
            return null;
        }
    }

    private static EvaluationSummary parseSummary(JsonNode root) {
        JsonNode details = root.path("EvaluationDetails");
        Map<String, ModelVersion.LabelMetrics> perLabel = new LinkedHashMap<>();
        for (JsonNode l : root.path("LabelEvaluationResults")) {
            JsonNode m = l.path("Metrics");
            if (l.hasNonNull("Label")) {
                perLabel.put(l.get("Label").asText(), new ModelVersion.LabelMetrics(m.path("Precision").asDouble(),
                        m.path("Recall").asDouble(), m.path("F1Score").asDouble(), l.path("NumberOfTestingImages").asInt()));
            }
        }
        return new EvaluationSummary(
                details.hasNonNull("NumberOfTrainingImages") ? details.get("NumberOfTrainingImages").asInt() : null,
                details.hasNonNull("NumberOfTestingImages") ? details.get("NumberOfTestingImages").asInt() : null,
                perLabel.isEmpty() ? null : Map.copyOf(perLabel));
    }

    // ------------------------------------------------------------------ errors

    private static final java.util.Set<String> TRANSIENT_CODES = java.util.Set.of("ThrottlingException",
            "ProvisionedThroughputExceededException", "InternalServerError", "LimitExceededException",
            "ServiceUnavailableException");

    /** An SDK failure not handled by the operation itself, as the port's exceptions. */
    private RuntimeException failure(String operation, SdkException e) {
        String attempts = e.numAttempts() == null || e.numAttempts() <= 1 ? "" : " after " + e.numAttempts() + " attempts";
        if (e instanceof AccessDeniedException || (e instanceof AwsServiceException a && a.statusCode() == 403)) {
            return new IllegalStateException("Rekognition refused " + operation + ": the AWS identity ModelLoop runs as"
                    + " (default credentials chain, e.g. the pod's role) needs the IAM permission rekognition:" + operation
                    + " on project " + projectName + ". AWS said: " + awsMessage(e), e);
        }
        if (e instanceof AwsServiceException a) {
            String code = a.awsErrorDetails() == null ? null : a.awsErrorDetails().errorCode();
            if (TRANSIENT_CODES.contains(code) || a.statusCode() >= 500 || a.isThrottlingException()) {
                return new TransientModelException("Rekognition " + operation + " failed" + attempts + ": " + code + ": "
                        + awsMessage(e), e);
            }
            return new IllegalStateException("Rekognition " + operation + " failed: " + code + ": " + awsMessage(e), e);
        }
        if (e instanceof SdkClientException) {
            return new TransientModelException("Rekognition " + operation + " could not be reached" + attempts + ": "
                    + e.getMessage(), e);
        }
        return new IllegalStateException("Rekognition " + operation + " failed: " + e.getMessage(), e);
    }

    private static String awsMessage(SdkException e) {
        if (e instanceof AwsServiceException a && a.awsErrorDetails() != null && a.awsErrorDetails().errorMessage() != null) {
            return a.awsErrorDetails().errorMessage();
        }
        return e.getMessage();
    }
}
