package io.modelloop.model.builtin;

import io.modelloop.model.ChallengerComparison;
import io.modelloop.model.Classification;
import io.modelloop.model.GroundTruthManifest;
import io.modelloop.model.ImageRef;
import io.modelloop.model.InvalidImageException;
import io.modelloop.model.MacroF1;
import io.modelloop.model.ModelBackend;
import io.modelloop.model.ModelStatus;
import io.modelloop.model.ModelVersion;
import io.modelloop.model.ModelVersionNotFoundException;
import io.modelloop.model.NoRunningModelException;
import io.modelloop.model.Prediction;
import io.modelloop.model.TrainingRequest;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The built-in model (SPEC section 6): a compact CNN trained from scratch in the pod with DJL and
 * the PyTorch engine (or a linear head on a configured pretrained backbone), evaluated on a
 * stratified held-out split (overall F1 = macro F1), calibrated by temperature scaling, stored in
 * the bucket under models/&lt;version&gt;/ so that any pod can describe, load and serve it.
 *
 * <p>Lifecycle: createVersion returns TRAINING_IN_PROGRESS at once and trains on a background
 * thread (TRAINING_COMPLETED or TRAINING_FAILED); start writes STARTING and loads the version
 * in the background, then RUNNING; stop writes STOPPING, unloads, then STOPPED. The status lives
 * in models/&lt;version&gt;/model.json; a pod that finds a version RUNNING there loads it on its
 * first classification, and unloads it once it sees any other status. When a training run here
 * ends, or a start made here ends (RUNNING or FAILED), the {@link VersionListener}s are told at
 * once, after model.json says so.
 */
public final class BuiltinModelBackend implements ModelBackend, AutoCloseable {

    public static final String NAME = "builtin";
    private static final Logger LOG = LoggerFactory.getLogger(BuiltinModelBackend.class);
    /** A training whose process died is started again at most this many times in all. */
    public static final int MAX_TRAINING_ATTEMPTS = 3;
    private static final String HOST = hostName();
    private static final ProcessHandle SELF = ProcessHandle.current();
    private static final Instant SELF_STARTED = SELF.info().startInstant().orElse(null);
    private static final Pattern VERSION_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final ArtifactStore store;
    private final BackboneFiles backboneFiles;
    private final BuiltinModelSettings settings;
    private final ImageDecoder decoder;
    private final String owner;
    private final ExecutorService training;
    private final boolean ownsTrainingExecutor;
    private final ExecutorService lifecycle;
    private final Semaphore slots;
    private final Map<String, TrainingJob> jobs = new ConcurrentHashMap<>();
    private final Map<String, LoadedVersion> loaded = new ConcurrentHashMap<>();
    private final Map<String, Cached> statusCache = new ConcurrentHashMap<>();
    private final Map<String, Object> loadLocks = new ConcurrentHashMap<>();
    private final List<VersionListener> listeners = new CopyOnWriteArrayList<>();

    private record Cached(VersionRecord record, long readAt) {
    }

    /** Trains on a background thread of its own. */
    public BuiltinModelBackend(S3Client s3, String bucket, BuiltinModelSettings settings) {
        this(s3, bucket, settings, null);
    }

    /**
     * @param trainingExecutor runs trainings (at most settings.maxConcurrentTrainings at once);
     *                         null: a single daemon thread of the backend's own, shut down by close()
     */
    public BuiltinModelBackend(S3Client s3, String bucket, BuiltinModelSettings settings,
                               ExecutorService trainingExecutor) {
        DjlEnvironment.prepare(settings.dataDir());
        this.store = new ArtifactStore(s3, bucket);
        this.backboneFiles = new BackboneFiles(store, settings.dataDir().resolve("backbones"));
        this.settings = settings;
        this.decoder = new ImageDecoder(settings.maxImageBytes(), settings.maxImagePixels());
        this.owner = HOST + "/" + SELF.pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.ownsTrainingExecutor = trainingExecutor == null;
        this.training = trainingExecutor != null ? trainingExecutor
                : Executors.newSingleThreadExecutor(daemon("modelloop-training"));
        this.lifecycle = Executors.newSingleThreadExecutor(daemon("modelloop-model-lifecycle"));
        this.slots = new Semaphore(settings.maxConcurrentTrainings());
    }

    @Override
    public String name() {
        return NAME;
    }

    public BuiltinModelSettings settings() {
        return settings;
    }

    @Override
    public void addVersionListener(VersionListener listener) {
        listeners.add(listener);
    }

    /** Tells the listeners; one that fails is logged and the backend's thread goes on. */
    private void announce(ModelVersion version) {
        for (VersionListener l : listeners) {
            try {
                l.finished(version);
            } catch (RuntimeException e) {
                LOG.warn("A listener was not told that model version {} is {}: {}", version.id(), version.status(),
                        e.getMessage());
            }
        }
    }

    @Override
    public ModelVersion createVersion(TrainingRequest request) {
        String name = request.versionName();
        if (name == null || !VERSION_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Version name must be 1-128 letters, digits, '.', '_' or '-' "
                    + "starting with a letter or digit, not '" + name + "'");
        }
        if (request.bucket() == null || request.bucket().isBlank()
                || request.manifestKey() == null || request.manifestKey().isBlank()) {
            throw new IllegalArgumentException("A training needs the manifest's bucket and key");
        }
        if (jobs.containsKey(name) || store.exists(name)) {
            // a retry after a crash between asking and recording: the version exists, train nothing new
            return describe(name);
        }
        Instant now = Instant.now();
        VersionRecord r = new VersionRecord();
        r.name = name;
        r.status = ModelStatus.TRAINING_IN_PROGRESS;
        r.statusMessage = "Queued";
        r.createdAt = now;
        r.updatedAt = now;
        r.heartbeatAt = now;
        owned(r);
        r.trainingAttempts = 1;
        r.outputPrefix = request.outputPrefix();
        r.manifest = "s3://" + request.bucket() + "/" + request.manifestKey();
        r.requestedImageCount = request.imageCount();
        r.trainer = new VersionRecord.TrainerRecord(settings.epochs(), settings.batchSize(), settings.learningRate(),
                settings.seed(), settings.testFraction(), settings.augment());
        store.write(r);
        TrainingJob job = newJob(request, r);
        jobs.put(name, job);
        try {
            training.execute(job);
        } catch (RejectedExecutionException e) {
            job.cancel();
            throw new IllegalStateException("The built-in model backend is shut down", e);
        }
        LOG.info("Training of model version {} queued (manifest {})", name, r.manifest);
        return job.snapshot();
    }

    /** A training run; once it has ended (its final status written to model.json) the listeners are told. */
    private TrainingJob newJob(TrainingRequest request, VersionRecord r) {
        return new TrainingJob(request, r, settings, store, decoder, slots, () -> {
            TrainingJob done = jobs.remove(r.name);
            if (done != null) {
                announce(done.snapshot());
            }
        });
    }

    @Override
    public ModelVersion describe(String versionId) {
        TrainingJob job = jobs.get(versionId);
        if (job != null) {
            return job.snapshot();
        }
        VersionRecord r = read(versionId);
        if (orphaned(r)) {
            return adopt(r);
        }
        return view(r).toModelVersion();
    }

    /**
     * A training whose process is gone: one that ran on this host in a process that no longer
     * lives (kill -9, a crash, a container restart), or whose owner stopped reporting for
     * staleTrainingAfter. Nobody else heartbeats it, so the pipeline's poller takes it over.
     */
    private boolean orphaned(VersionRecord r) {
        if (r.status != ModelStatus.TRAINING_IN_PROGRESS || jobs.containsKey(r.name)) {
            return false;
        }
        if (HOST.equals(r.ownerHost) && r.ownerPid != null && !isThisProcess(r) && !alive(r.ownerPid, r.ownerProcessStartedAt)) {
            return true;
        }
        Instant beat = r.heartbeatAt != null ? r.heartbeatAt : r.updatedAt;
        return beat != null && beat.plus(settings.staleTrainingAfter()).isBefore(Instant.now());
    }

    /** Restarts an orphaned training here, or fails it once it has been started MAX_TRAINING_ATTEMPTS times. */
    private synchronized ModelVersion adopt(VersionRecord r) {
        TrainingJob running = jobs.get(r.name);
        if (running != null) {
            return running.snapshot();
        }
        String previousOwner = r.owner;
        int attempts = r.trainingAttempts == null ? 1 : r.trainingAttempts;
        Instant now = Instant.now();
        Instant beat = r.heartbeatAt != null ? r.heartbeatAt : r.updatedAt;
        String why = previousOwner + " stopped reporting at " + beat + " (its process is gone)";
        if (attempts >= MAX_TRAINING_ATTEMPTS || r.manifest == null) {
            r.status = ModelStatus.TRAINING_FAILED;
            r.statusMessage = "Training abandoned: " + why + (r.manifest == null ? ""
                    : "; it was started " + attempts + " time(s) and never finished");
            r.trainingSummary = r.statusMessage;
            r.trainingEndedAt = now;
            write(r);
            LOG.warn("Model version {}: {}", r.name, r.statusMessage);
            return r.toModelVersion();
        }
        URI manifest = URI.create(r.manifest);
        TrainingRequest request = new TrainingRequest(r.name, manifest.getHost(), manifest.getPath().substring(1),
                r.outputPrefix == null ? "evaluation/" : r.outputPrefix,
                r.requestedImageCount == null ? 0 : r.requestedImageCount);
        r.trainingAttempts = attempts + 1;
        r.statusMessage = "Restarted: " + why + " (attempt " + r.trainingAttempts + " of " + MAX_TRAINING_ATTEMPTS + ")";
        r.progress = null;
        r.trainingStartedAt = null;
        r.updatedAt = now;
        r.heartbeatAt = now;
        owned(r);
        store.write(r);
        TrainingJob job = newJob(request, r);
        jobs.put(r.name, job);
        try {
            training.execute(job);
        } catch (RejectedExecutionException e) {
            job.cancel();
            throw new IllegalStateException("The built-in model backend is shut down", e);
        }
        LOG.warn("Model version {}: training restarted here; {} is gone", r.name, previousOwner);
        return job.snapshot();
    }

    private void owned(VersionRecord r) {
        r.owner = owner;
        r.ownerHost = HOST;
        r.ownerPid = SELF.pid();
        r.ownerProcessStartedAt = SELF_STARTED;
    }

    private static boolean isThisProcess(VersionRecord r) {
        return r.ownerPid == SELF.pid() && java.util.Objects.equals(r.ownerProcessStartedAt, SELF_STARTED);
    }

    private static boolean alive(long pid, Instant startedAt) {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                // the same pid in a later process is not the owner
                .filter(p -> startedAt == null || p.info().startInstant().map(startedAt::equals).orElse(true))
                .isPresent();
    }

    @Override
    public List<ModelVersion> listVersions() {
        List<ModelVersion> out = new ArrayList<>();
        for (String name : store.versionNames()) {
            TrainingJob job = jobs.get(name);
            if (job != null) {
                out.add(job.snapshot());
            } else {
                store.read(name).ifPresent(r -> out.add(view(r).toModelVersion()));
            }
        }
        out.sort(Comparator.comparing(ModelVersion::createdAt, Comparator.nullsLast(Comparator.reverseOrder())));
        return out;
    }

    @Override
    public void start(String versionId, int inferenceUnits) {
        if (trainingHere(versionId)) {
            throw new IllegalStateException("Model version " + versionId + " is still training");
        }
        VersionRecord r = view(read(versionId));
        switch (r.status) {
            case RUNNING, STARTING -> {
                if (r.status == ModelStatus.RUNNING) {
                    LOG.info("Model version {} is already RUNNING", versionId);
                }
                return;
            }
            case TRAINING_COMPLETED, STOPPED, STOPPING, FAILED -> {
            }
            default -> throw new IllegalStateException("Model version " + versionId + " cannot start: it is " + r.status
                    + (r.statusMessage == null ? "" : " (" + r.statusMessage + ")"));
        }
        if (r.parametersKey == null) {
            throw new IllegalStateException("Model version " + versionId + " has no trained parameters");
        }
        r.status = ModelStatus.STARTING;
        r.statusMessage = "Loading the model";
        r.inferenceUnits = inferenceUnits;
        write(r);
        LOG.info("Starting model version {}", versionId);
        lifecycle.execute(() -> {
            try {
                LoadedVersion version = loadVersion(r);
                LoadedVersion previous = loaded.put(versionId, version);
                if (previous != null) {
                    previous.close();
                }
                r.status = ModelStatus.RUNNING;
                r.statusMessage = "Serving (inference units hint: " + inferenceUnits + ")";
                write(r);
                LOG.info("Model version {} is RUNNING", versionId);
            } catch (RuntimeException e) {
                LOG.error("Model version {} could not start", versionId, e);
                r.status = ModelStatus.FAILED;
                r.statusMessage = "Could not load the model: " + e.getMessage();
                try {
                    write(r);
                } catch (RuntimeException w) {
                    LOG.error("Model version {}: the start failure could not be recorded: {}", versionId, w.getMessage());
                    return; // model.json does not say so: whoever polls finds out
                }
            }
            announce(r.toModelVersion());
        });
    }

    @Override
    public void stop(String versionId) {
        if (trainingHere(versionId)) {
            throw new IllegalStateException("Model version " + versionId + " is training; use cancelTraining");
        }
        VersionRecord r = view(read(versionId));
        switch (r.status) {
            case STOPPED, STOPPING, TRAINING_COMPLETED, TRAINING_FAILED -> {
                unloadLocal(versionId);
                return;
            }
            case TRAINING_IN_PROGRESS -> throw new IllegalStateException(
                    "Model version " + versionId + " is training; use cancelTraining");
            default -> {
            }
        }
        r.status = ModelStatus.STOPPING;
        r.statusMessage = "Unloading the model";
        write(r);
        LOG.info("Stopping model version {}", versionId);
        lifecycle.execute(() -> {
            unloadLocal(versionId);
            r.status = ModelStatus.STOPPED;
            r.statusMessage = "Stopped";
            try {
                write(r);
                LOG.info("Model version {} is STOPPED", versionId);
            } catch (RuntimeException e) {
                LOG.error("Model version {}: STOPPED could not be recorded: {}", versionId, e.getMessage());
            }
        });
    }

    @Override
    public boolean cancelTraining(String versionId) {
        TrainingJob job = jobs.get(versionId);
        if (job != null) {
            return job.cancel();
        }
        VersionRecord r = view(read(versionId));
        if (r.status != ModelStatus.TRAINING_IN_PROGRESS) {
            return false;
        }
        // trained by another pod: it looks for this marker while it trains
        store.put(ArtifactStore.key(versionId, ArtifactStore.CANCEL), new byte[0], "text/plain");
        return true;
    }

    @Override
    public Classification classify(String versionId, ImageRef image) {
        return classify(versionId, image, true);
    }

    /** The same label as {@link #classify}, without the familiarity check (a scan of every training image's features). */
    @Override
    public Prediction predict(String versionId, ImageRef image) {
        return Prediction.of(classify(versionId, image, false));
    }

    /**
     * One network pass per batch of images instead of per image; the images are read and decoded
     * first, so an unreadable one (null in the answer) does not hold up the others.
     */
    @Override
    public List<Prediction> predictAll(String versionId, List<ImageRef> images) {
        VersionRecord r = statusForClassification(versionId);
        LoadedVersion model = serving(versionId, r);
        Prediction[] out = new Prediction[images.size()];
        List<float[]> pixels = new ArrayList<>(images.size());
        List<Integer> readable = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            ImageRef image = images.get(i);
            try {
                byte[] bytes = store.getImage(image.bucket(), image.key(), decoder.maxBytes());
                pixels.add(decoder.decodeForModel(bytes, r.imageSize, r.normalisation, r.inputOrDefault(), false).pixels());
                readable.add(i);
            } catch (InvalidImageException e) {
                out[i] = null;
            }
        }
        float[][] logits = model.logits(pixels);
        List<String> labels = List.copyOf(r.labels);
        for (int j = 0; j < logits.length; j++) {
            // the largest logit is the largest probability at any temperature: the label classify gives
            int best = 0;
            for (int k = 1; k < logits[j].length; k++) {
                if (logits[j][k] > logits[j][best]) {
                    best = k;
                }
            }
            out[readable.get(j)] = new Prediction(labels.get(best), labels);
        }
        return Arrays.asList(out);
    }

    /** The loaded version, loading it here if it is RUNNING and not yet loaded in this pod. */
    private LoadedVersion serving(String versionId, VersionRecord r) {
        if (r.status != ModelStatus.RUNNING) {
            unloadLocal(versionId);
            throw new NoRunningModelException("Model version " + versionId + " is " + r.status + ", not RUNNING");
        }
        LoadedVersion model = loaded.get(versionId);
        return model != null ? model : loadLazily(versionId, r);
    }

    private Classification classify(String versionId, ImageRef image, boolean withFamiliarity) {
        VersionRecord r = statusForClassification(versionId);
        LoadedVersion model = serving(versionId, r);
        byte[] bytes = store.getImage(image.bucket(), image.key(), decoder.maxBytes());
        ImageDecoder.Decoded decoded = decoder.decodeForModel(bytes, r.imageSize, r.normalisation, r.inputOrDefault(),
                withFamiliarity && model.wantsInkMap());
        LoadedVersion.Output out = model.classify(decoded.pixels());
        double[] familiarity = withFamiliarity ? model.familiarity(out.features(), decoded.ink(), r.labels.size()) : null;
        double[] p = TemperatureScaling.softmax(out.logits(), r.temperature == null ? 1.0 : r.temperature);
        // the classifier picks the label; familiarity can only lower how sure it is
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < p.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        List<Classification.LabelScore> scores = new ArrayList<>(p.length);
        Classification.ConfidenceParts top = null;
        for (int i : order) {
            double probability = p[i] * 100;
            scores.add(new Classification.LabelScore(r.labels.get(i),
                    familiarity == null ? probability : Math.min(probability, familiarity[i])));
            if (top == null) {
                top = new Classification.ConfidenceParts(probability, familiarity == null ? null : familiarity[i]);
            }
        }
        return new Classification(scores.get(0).label(), scores.get(0).confidence(), List.copyOf(scores), top);
    }

    /**
     * Scores the serving version (RUNNING) on the candidate's held-out images of the labels both
     * know, and compares with the candidate's predictions on them recorded at its evaluation. A
     * candidate trained before held-out images were recorded, or a serving version that cannot
     * classify, falls back to the per-label F1 each version recorded on its own test split.
     */
    @Override
    public ChallengerComparison compare(String candidateId, String servingId) {
        VersionRecord candidate = read(candidateId);
        VersionRecord serving = read(servingId);
        if (candidate.heldOutKey == null || candidate.labels == null || serving.labels == null) {
            return ChallengerComparison.fromRecorded(candidate.toModelVersion(), serving.toModelVersion(),
                    "recorded per-label F1 of each version, each on its own test split (version " + candidateId
                            + " was trained before held-out images were recorded)");
        }
        Set<String> servingLabels = Set.copyOf(serving.labels);
        Set<String> shared = new TreeSet<>(candidate.labels);
        shared.retainAll(servingLabels);
        List<String> added = candidate.labels.stream().filter(l -> !servingLabels.contains(l)).sorted().toList();
        // an image the serving version trained on would flatter it: only images neither trained on count
        Set<String> servingTrainedOn = trainedOn(serving);
        List<String> truth = new ArrayList<>();
        List<String> byCandidate = new ArrayList<>();
        List<String> byServing = new ArrayList<>();
        int unreadable = 0;
        int seenByServing = 0;
        List<HeldOutImages.Image> unseen = new ArrayList<>();
        for (HeldOutImages.Image image : HeldOutImages.fromBytes(bucketBytes(candidate.heldOutKey)).images()) {
            if (!shared.contains(image.label())) {
                continue;
            }
            if (servingTrainedOn.contains(image.bucket() + "/" + image.key())) {
                seenByServing++;
            } else {
                unseen.add(image);
            }
        }
        List<Prediction> byServingNow;
        try {
            byServingNow = predictAll(servingId, unseen.stream().map(i -> new ImageRef(i.bucket(), i.key())).toList());
        } catch (NoRunningModelException e) {
            return ChallengerComparison.fromRecorded(candidate.toModelVersion(), serving.toModelVersion(),
                    "recorded per-label F1 of each version, each on its own test split (the serving version could "
                            + "not classify: " + e.getMessage() + ")");
        }
        for (int i = 0; i < unseen.size(); i++) {
            if (byServingNow.get(i) == null) {
                unreadable++; // moved or deleted since the training: left out for both versions
                continue;
            }
            truth.add(unseen.get(i).label());
            byCandidate.add(unseen.get(i).predicted());
            byServing.add(byServingNow.get(i).label());
        }
        if (truth.isEmpty()) {
            return ChallengerComparison.fromRecorded(candidate.toModelVersion(), serving.toModelVersion(),
                    "recorded per-label F1 of each version, each on its own test split (none of the candidate's "
                            + "held-out images of the shared labels is unseen by the serving version and readable)");
        }
        Map<String, ModelVersion.LabelMetrics> candidatePerLabel = candidate.perLabel == null ? Map.of() : candidate.perLabel;
        List<String> tested = added.stream().filter(l -> candidatePerLabel.containsKey(l)
                && candidatePerLabel.get(l).support() > 0).toList();
        String method = "both versions scored on " + truth.size() + " of the candidate's held-out images of the "
                + shared.size() + " shared labels (candidate: its predictions at evaluation; serving: classified now)"
                + (seenByServing == 0 ? "" : "; " + seenByServing + " image(s) the serving version trained on were left out")
                + (unreadable == 0 ? "" : "; " + unreadable + " image(s) no longer readable were left out");
        return new ChallengerComparison(candidateId, servingId, List.copyOf(shared), added,
                MacroF1.of(truth, byCandidate, shared), MacroF1.of(truth, byServing, shared),
                ChallengerComparison.meanF1(candidatePerLabel, tested), truth.size(), true, method);
    }

    /**
     * bucket/key of every image the version trained on: its manifest's images less its held-out
     * ones (all of them when it recorded none, or when the manifest is gone, none).
     */
    private Set<String> trainedOn(VersionRecord r) {
        Set<String> keys = new java.util.HashSet<>();
        if (r.manifest == null) {
            return keys;
        }
        URI manifest = URI.create(r.manifest);
        store.getText(manifest.getHost(), manifest.getPath().substring(1)).ifPresent(text ->
                GroundTruthManifest.parse(text).forEach(e -> keys.add(e.bucket() + "/" + e.key())));
        if (r.heldOutKey != null) {
            store.get(store.bucket(), r.heldOutKey).ifPresent(bytes ->
                    HeldOutImages.fromBytes(bytes).images().forEach(i -> keys.remove(i.bucket() + "/" + i.key())));
        }
        return keys;
    }

    /** Stops trainings and background work, unloads every version. */
    @Override
    public void close() {
        jobs.values().forEach(TrainingJob::cancel);
        lifecycle.shutdown();
        if (ownsTrainingExecutor) {
            training.shutdown();
        }
        try {
            lifecycle.awaitTermination(30, TimeUnit.SECONDS);
            if (ownsTrainingExecutor && !training.awaitTermination(60, TimeUnit.SECONDS)) {
                training.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String id : List.copyOf(loaded.keySet())) {
            unloadLocal(id);
        }
    }

    /** Versions loaded in this pod (for health and tests). */
    public List<String> loadedVersions() {
        return List.copyOf(loaded.keySet());
    }

    private VersionRecord statusForClassification(String versionId) {
        Cached c = statusCache.get(versionId);
        long now = System.nanoTime();
        // only RUNNING is trusted from the cache: a pod that sees RUNNING in the bucket serves at once,
        // whatever older status (STARTING, TRAINING_COMPLETED, a read racing a write) this pod cached
        boolean cachedRunning = c != null && c.record().status == ModelStatus.RUNNING;
        if (cachedRunning && now - c.readAt() < settings.statusCacheTtl().toNanos()) {
            return c.record();
        }
        VersionRecord r;
        try {
            r = store.read(versionId).orElse(null);
        } catch (RuntimeException e) {
            if (cachedRunning && loaded.containsKey(versionId)) {
                LOG.warn("Status of model version {} not readable ({}); using the last one", versionId, e.getMessage());
                return c.record();
            }
            throw e;
        }
        if (r == null) {
            throw new NoRunningModelException("No model version " + versionId);
        }
        statusCache.put(versionId, new Cached(r, now));
        return r;
    }

    private LoadedVersion loadLazily(String versionId, VersionRecord r) {
        synchronized (loadLocks.computeIfAbsent(versionId, k -> new Object())) {
            LoadedVersion model = loaded.get(versionId);
            if (model != null) {
                return model;
            }
            LOG.info("Model version {} is RUNNING; loading it in this pod", versionId);
            try {
                model = loadVersion(r);
            } catch (RuntimeException e) {
                throw new NoRunningModelException("Model version " + versionId + " could not be loaded: " + e.getMessage(), e);
            }
            loaded.put(versionId, model);
            return model;
        }
    }

    private LoadedVersion loadVersion(VersionRecord r) {
        LoadedVersion version = LoadedVersion.load(r, bucketBytes(r.parametersKey), settings.predictorPoolSize(), backboneFiles);
        if (r.familiarity != null) {
            try {
                VersionRecord.FamiliarityRecord f = r.familiarity;
                FamiliarityIndex ink = f.inkIndexKey() == null ? null : FamiliarityIndex.fromBytes(bucketBytes(f.inkIndexKey()));
                version.withFamiliarity(FamiliarityIndex.fromBytes(bucketBytes(f.indexKey())), f.scale(), ink, f.inkScale());
            } catch (RuntimeException e) {
                version.close();
                throw e;
            }
        }
        return version;
    }

    private byte[] bucketBytes(String key) {
        return store.get(store.bucket(), key)
                .orElseThrow(() -> new IllegalStateException("s3://" + store.bucket() + "/" + key + " is missing"));
    }

    private void unloadLocal(String versionId) {
        LoadedVersion model = loaded.remove(versionId);
        if (model != null) {
            LOG.info("Unloading model version {} from this pod", versionId);
            model.close();
        }
    }

    private boolean trainingHere(String versionId) {
        TrainingJob job = jobs.get(versionId);
        return job != null && job.snapshot().status() == ModelStatus.TRAINING_IN_PROGRESS;
    }

    private VersionRecord read(String versionId) {
        return store.read(versionId).orElseThrow(() -> new ModelVersionNotFoundException(versionId));
    }

    private void write(VersionRecord r) {
        r.updatedAt = Instant.now();
        store.write(r);
        // classifications read the cached copy while the lifecycle thread goes on changing r
        statusCache.put(r.name, new Cached(r.copy(), System.nanoTime()));
    }

    /** A training left TRAINING_IN_PROGRESS by a pod that stopped reporting is reported as failed. */
    private VersionRecord view(VersionRecord r) {
        if (r.status == ModelStatus.TRAINING_IN_PROGRESS && !jobs.containsKey(r.name)) {
            Instant beat = r.heartbeatAt != null ? r.heartbeatAt : r.updatedAt;
            if (beat != null && beat.plus(settings.staleTrainingAfter()).isBefore(Instant.now())) {
                r.status = ModelStatus.TRAINING_FAILED;
                r.statusMessage = "Training abandoned: " + r.owner + " stopped reporting at " + beat
                        + " (the pod probably restarted)";
            }
        }
        return r;
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread t = new Thread(runnable, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The host name model.json records as a training's owner. */
    static String hostName() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                host = "pod";
            }
        }
        return host;
    }
}
