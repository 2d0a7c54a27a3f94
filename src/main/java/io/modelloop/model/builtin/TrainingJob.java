package io.modelloop.model.builtin;

import ai.djl.ndarray.types.Shape;
import io.modelloop.model.GroundTruthManifest;
import io.modelloop.model.InvalidImageException;
import io.modelloop.model.ModelStatus;
import io.modelloop.model.ModelVersion;
import io.modelloop.model.ModelVersion.TrainingProgress;
import io.modelloop.model.TrainingRefusedException;
import io.modelloop.model.TrainingRequest;
import io.modelloop.model.builtin.NetworkTrainer.TrainedNetwork;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run, from manifest to stored artifacts: reads and decodes the images (skipping
 * unreadable ones, with the reason), holds out a stratified test split, trains, evaluates on the
 * held-out images, fits the softmax temperature, and writes parameters.bin and model.json.
 * Progress goes to the log and, at most every {@link #PERSIST_EVERY}, to model.json (which is
 * also the heartbeat other pods watch).
 */
public final class TrainingJob implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingJob.class);
    static final Duration PERSIST_EVERY = Duration.ofSeconds(2);
    /** Below this many held-out images the temperature is also fitted on a slice of training images. */
    static final int MIN_CALIBRATION_IMAGES = 10;
    static final int HEAD_EPOCHS = 100;

    private enum Phase { QUEUED, RUNNING, DONE }

    private final TrainingRequest request;
    private final BuiltinModelSettings settings;
    private final ArtifactStore store;
    private final ImageDecoder decoder;
    private final Semaphore slots;
    private final Runnable onDone;
    private final VersionRecord record;
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.QUEUED);
    private volatile boolean cancelled;
    private long lastPersist;

    public TrainingJob(TrainingRequest request, VersionRecord record, BuiltinModelSettings settings, ArtifactStore store,
                ImageDecoder decoder, Semaphore slots, Runnable onDone) {
        this.request = request;
        this.record = record;
        this.settings = settings;
        this.store = store;
        this.decoder = decoder;
        this.slots = slots;
        this.onDone = onDone;
    }

    public synchronized ModelVersion snapshot() {
        return record.toModelVersion();
    }

    /** Asks the run to stop; a queued run fails at once, a running one at its next batch or image. */
    public boolean cancel() {
        cancelled = true;
        if (phase.compareAndSet(Phase.QUEUED, Phase.DONE)) {
            fail("Training cancelled before it started");
            onDone.run();
        }
        return true;
    }

    @Override
    public void run() {
        if (!phase.compareAndSet(Phase.QUEUED, Phase.RUNNING)) {
            return;
        }
        boolean acquired = false;
        try {
            slots.acquire();
            acquired = true;
            checkCancelled();
            train();
        } catch (CancellationException e) {
            LOG.info("Training of {} cancelled", record.name);
            fail("Training cancelled");
        } catch (TrainingRefusedException | Backbones.BackboneUnavailableException
                 | NetworkTrainer.DivergedException e) {
            LOG.warn("Training of {} failed: {}", record.name, e.getMessage());
            fail(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("Training interrupted: the backend was shut down");
        } catch (Exception | OutOfMemoryError e) {
            LOG.error("Training of {} failed", record.name, e);
            fail("Training failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } finally {
            phase.set(Phase.DONE);
            if (acquired) {
                slots.release();
            }
            onDone.run();
        }
    }

    /** Set when the configured backbone could not be downloaded and the CNN is trained instead. */
    private volatile String backboneFallback;

    private void train() {
        Instant started = Instant.now();
        update(r -> {
            r.trainingStartedAt = started;
            r.backboneFallback = null;
            r.statusMessage = "Reading the manifest";
        }, true);
        String manifestUri = "s3://" + request.bucket() + "/" + request.manifestKey();
        String text = store.getText(request.bucket(), request.manifestKey())
                .orElseThrow(() -> new TrainingRefusedException("The manifest " + manifestUri + " does not exist"));
        List<GroundTruthManifest.Entry> entries;
        try {
            entries = GroundTruthManifest.parse(text);
        } catch (RuntimeException e) {
            throw new TrainingRefusedException("The manifest " + manifestUri + " is not a Ground Truth manifest: "
                    + e.getMessage());
        }
        if (entries.isEmpty()) {
            throw new TrainingRefusedException("The manifest " + manifestUri + " lists no images");
        }
        TreeSet<String> classes = new TreeSet<>();
        entries.forEach(e -> classes.add(e.className()));
        if (classes.size() < 2) {
            throw new TrainingRefusedException("Training needs at least two labels; the manifest has only one, '"
                    + classes.first() + "' (" + entries.size() + " images)");
        }
        FeatureExtractor backbone = null;
        if (settings.backbone() != null) {
            update(r -> r.statusMessage = "Loading the backbone " + settings.backbone(), true);
            try {
                backbone = Backbones.open(settings.backbone(), settings.backboneOptions().sha256(),
                        new BackboneFiles(store, settings.dataDir().resolve("backbones")), true, settings.imageSize());
            } catch (BackboneFiles.DownloadFailedException e) {
                if (!settings.backboneOptions().fallbackToScratch()) {
                    throw e;
                }
                // no network: the loop keeps learning with the from-scratch network, and says so
                String why = e.getMessage() + "; the compact CNN was trained from scratch instead";
                LOG.warn("Training {}: {}", record.name, why);
                backboneFallback = why;
                update(r -> r.backboneFallback = why, true);
            }
        }
        try {
            trainWith(entries, backbone, started);
        } finally {
            if (backbone != null) {
                backbone.close();
            }
        }
    }

    private void trainWith(List<GroundTruthManifest.Entry> entries, FeatureExtractor backbone,
                           Instant started) {
        int size = backbone == null ? settings.imageSize() : backbone.imageSize();
        Normalisation norm = backbone == null ? Normalisation.CENTRED : backboneNormalisation(backbone);
        LabelledImages images = readImages(entries, size, norm);
        StratifiedSplit.Split split = holdOutTestImages(images, size, norm);
        NetworkInputs inputs = backbone == null ? pixelInputs(split, size) : featureInputs(split, backbone);
        update(r -> {
            r.architecture = inputs.architecture();
            r.statusMessage = "Training on " + split.train().size() + " images";
        }, true);
        TrainedVersion trained;
        try (TrainedNetwork net = trainNetwork(inputs, images.labels().size(), backbone != null)) {
            checkCancelled();
            trained = evaluateAndCalibrate(net, inputs, images, split);
        }
        checkCancelled();
        ArtifactKeys keys = storeArtifacts(trained);
        complete(images, split, trained, keys, started);
    }

    /** The readable images of each label, as samples the network trains on, and what was skipped. */
    private record LabelledImages(List<String> labels, List<Sample> samples, Map<String, Integer> perLabel,
                                  Map<String, String> bucketOf, List<String> skipped) {
    }

    /** Reads and decodes every image of the manifest; an unreadable one is skipped with the reason. */
    private LabelledImages readImages(List<GroundTruthManifest.Entry> entries, int size, Normalisation norm) {
        Map<String, List<ImageDecoder.Decoded>> byClass = new TreeMap<>();
        Map<String, List<String>> keysByClass = new TreeMap<>();
        Map<String, String> bucketOf = new java.util.HashMap<>();
        List<String> skipped = new ArrayList<>();
        int i = 0;
        for (GroundTruthManifest.Entry e : entries) {
            checkCancelled();
            int n = ++i;
            heartbeat(r -> r.statusMessage = "Reading images (" + n + " of " + entries.size() + ")");
            try {
                byte[] bytes = store.getImage(e.bucket(), e.key(), decoder.maxBytes());
                ImageDecoder.Decoded px = decoder.decodeForModel(bytes, size, norm, settings.input(), true);
                byClass.computeIfAbsent(e.className(), k -> new ArrayList<>()).add(px);
                keysByClass.computeIfAbsent(e.className(), k -> new ArrayList<>()).add(e.key());
                bucketOf.put(e.key(), e.bucket());
            } catch (InvalidImageException ex) {
                skipped.add(e.key() + ": " + ex.getMessage());
            }
        }
        if (!skipped.isEmpty()) {
            LOG.info("Training {}: {} of {} images skipped: {}", record.name, skipped.size(), entries.size(), skipped);
        }
        List<String> labels = new ArrayList<>(byClass.keySet());
        if (labels.size() < 2) {
            throw new TrainingRefusedException("Training needs at least two labels with readable images; "
                    + (labels.isEmpty() ? "none has any" : "only '" + labels.get(0) + "' has")
                    + " (" + skipped.size() + " of " + entries.size() + " images could not be read)");
        }
        Map<String, Integer> perLabel = new LinkedHashMap<>();
        List<Sample> samples = samples(labels, byClass, keysByClass, perLabel);
        return new LabelledImages(labels, samples, perLabel, bucketOf, skipped);
    }

    /** One sample per image, its label the index in {@code labels}; counts each label's images into perLabel. */
    private static List<Sample> samples(List<String> labels, Map<String, List<ImageDecoder.Decoded>> byClass,
                                        Map<String, List<String>> keysByClass, Map<String, Integer> perLabel) {
        List<Sample> samples = new ArrayList<>();
        for (int c = 0; c < labels.size(); c++) {
            List<ImageDecoder.Decoded> px = byClass.get(labels.get(c));
            List<String> keys = keysByClass.get(labels.get(c));
            perLabel.put(labels.get(c), px.size());
            for (int j = 0; j < px.size(); j++) {
                samples.add(new Sample(keys.get(j), c, px.get(j).pixels(), px.get(j).ink()));
            }
        }
        return samples;
    }

    /** Splits off each label's test images and records the counts on the version. */
    private StratifiedSplit.Split holdOutTestImages(LabelledImages images, int size, Normalisation norm) {
        StratifiedSplit.Split split = StratifiedSplit.split(images.samples(), images.labels().size(),
                settings.testFraction(), settings.seed());
        List<String> trainOnly = trainOnlyLabels(split, images.labels());
        update(r -> {
            r.labels = images.labels();
            r.imagesPerLabel = images.perLabel();
            r.trainOnlyLabels = trainOnly.isEmpty() ? null : trainOnly;
            r.skippedImages = images.skipped();
            r.trainingImages = split.train().size();
            r.testImages = split.test().size();
            r.imageSize = size;
            r.input = settings.input();
            r.normalisation = norm;
        }, true);
        return split;
    }

    private static List<String> trainOnlyLabels(StratifiedSplit.Split split, List<String> labels) {
        return split.trainOnlyLabels().stream().map(labels::get).toList();
    }

    /** What the network is trained and evaluated on: inputs and label indexes of both parts of the split. */
    private record NetworkInputs(Architecture architecture, Shape sampleShape, List<float[]> train, List<float[]> test,
                                 int[] trainY, int[] testY) {

        NetworkInputs(Architecture architecture, Shape sampleShape, List<float[]> train, List<float[]> test,
                      StratifiedSplit.Split split) {
            this(architecture, sampleShape, train, test, split.train().stream().mapToInt(Sample::label).toArray(),
                    split.test().stream().mapToInt(Sample::label).toArray());
        }
    }

    /** The compact CNN learns from the pixels. */
    private static NetworkInputs pixelInputs(StratifiedSplit.Split split, int size) {
        return new NetworkInputs(Architecture.cnnFor(size), new Shape(3, size, size),
                split.train().stream().map(Sample::pixels).toList(), split.test().stream().map(Sample::pixels).toList(),
                split);
    }

    /** A linear head learns from the backbone's features, standardised with the training images' statistics. */
    private NetworkInputs featureInputs(StratifiedSplit.Split split, FeatureExtractor backbone) {
        heartbeat(r -> r.statusMessage = "Extracting backbone features");
        List<float[]> train = features(backbone, split.train().stream().map(Sample::pixels).toList());
        List<float[]> test = features(backbone, split.test().stream().map(Sample::pixels).toList());
        int d = train.get(0).length;
        double[][] stats = standardisation(train, d);
        Architecture arch = Architecture.backboneHead(settings.backbone(),
                Backbones.isRemote(settings.backbone()) ? settings.backboneOptions().sha256() : null,
                d, boxed(stats[0]), boxed(stats[1]));
        return new NetworkInputs(arch, new Shape(d), standardise(train, stats), standardise(test, stats), split);
    }

    private TrainedNetwork trainNetwork(NetworkInputs inputs, int labelCount, boolean onFeatures) {
        // a linear head on fixed features is cheap and convex: give it at least HEAD_EPOCHS passes
        int epochs = onFeatures ? Math.max(settings.epochs(), HEAD_EPOCHS) : settings.epochs();
        NetworkTrainer.Options options = new NetworkTrainer.Options(epochs, settings.batchSize(),
                settings.learningRate(), settings.seed(), settings.augment() && !onFeatures);
        return NetworkTrainer.train(inputs.architecture().newBlock(labelCount), inputs.sampleShape(), inputs.train(),
                inputs.trainY(), options, progressListener(), this::isCancelled);
    }

    /** Logs the epochs, keeps the progress on the version and beats the heartbeat every batch. */
    private NetworkTrainer.Listener progressListener() {
        return new NetworkTrainer.Listener() {
            @Override
            public void epoch(int epoch, int epochs, double loss) {
                if (epochs <= 30 || epoch == 1 || epoch == epochs || epoch % 10 == 0) {
                    LOG.info("Training {}: epoch {}/{}, loss {}", record.name, epoch, epochs,
                            String.format("%.4f", loss));
                }
                boolean last = epoch == epochs;
                update(r -> r.progress = new TrainingProgress(epoch, epochs, loss), last);
                heartbeat(r -> { });
            }

            @Override
            public void batch() {
                heartbeat(r -> { });
            }
        };
    }

    /** What the trained network leaves for the version: its scores, calibration, parameters and familiarity. */
    private record TrainedVersion(Evaluation evaluation, HeldOutImages heldOut, Calibration calibration,
                                  byte[] parameters, Familiarity.Fitted familiarity) {
    }

    private record Calibration(double temperature, VersionRecord.CalibrationRecord record) {
    }

    private TrainedVersion evaluateAndCalibrate(TrainedNetwork net, NetworkInputs inputs, LabelledImages images,
                                                StratifiedSplit.Split split) {
        float[][] testLogits = net.logits(inputs.test());
        int[] testPredicted = argmax(testLogits);
        Evaluation evaluation = Evaluation.of(images.labels(), inputs.testY(), testPredicted);
        HeldOutImages heldOut = heldOutImages(split, images, inputs.testY(), testPredicted);
        Calibration calibration = calibrate(net, inputs, testLogits);
        byte[] parameters = net.parameters();
        Familiarity.Fitted familiarity = Familiarity.fit(net, inputs.train(), inks(split.train()), inputs.trainY(),
                inputs.test(), inks(split.test()), inputs.testY(), testPredicted, images.labels().size(),
                calibration.temperature(), testLogits);
        return new TrainedVersion(evaluation, heldOut, calibration, parameters, familiarity);
    }

    /** Each held-out image with its true and predicted label, for the gate to score the serving version on. */
    private HeldOutImages heldOutImages(StratifiedSplit.Split split, LabelledImages images, int[] testY,
                                        int[] testPredicted) {
        List<HeldOutImages.Image> heldOutImages = new ArrayList<>();
        for (int j = 0; j < testY.length; j++) {
            String key = split.test().get(j).key();
            heldOutImages.add(new HeldOutImages.Image(images.bucketOf().getOrDefault(key, request.bucket()), key,
                    images.labels().get(testY[j]), images.labels().get(testPredicted[j])));
        }
        return new HeldOutImages(heldOutImages);
    }

    /** Fits the softmax temperature on the held-out images, topped up with training images when they are few. */
    private Calibration calibrate(TrainedNetwork net, NetworkInputs inputs, float[][] testLogits) {
        float[][] calLogits = testLogits;
        int[] calY = inputs.testY();
        String fittedOn = "held-out test images";
        if (testLogits.length < MIN_CALIBRATION_IMAGES) {
            List<Integer> slice = trainingSlice(inputs.train().size(), 5 * MIN_CALIBRATION_IMAGES);
            List<float[]> extra = new ArrayList<>();
            for (int idx : slice) {
                extra.add(inputs.train().get(idx));
            }
            float[][] extraLogits = net.logits(extra);
            calLogits = concat(testLogits, extraLogits);
            calY = new int[calLogits.length];
            System.arraycopy(inputs.testY(), 0, calY, 0, inputs.testY().length);
            for (int j = 0; j < slice.size(); j++) {
                calY[inputs.testY().length + j] = inputs.trainY()[slice.get(j)];
            }
            fittedOn = testLogits.length == 0 ? "a slice of training images (no held-out images)"
                    : "held-out test images and a slice of training images (too few held-out images)";
        }
        double temperature = TemperatureScaling.fit(calLogits, calY);
        return new Calibration(temperature, new VersionRecord.CalibrationRecord(fittedOn, calLogits.length,
                TemperatureScaling.nll(calLogits, calY, 1.0), TemperatureScaling.nll(calLogits, calY, temperature)));
    }

    private record ArtifactKeys(String parameters, String familiarity, String familiarityInk, String heldOut) {
    }

    /** Writes the version's files next to its model.json. */
    private ArtifactKeys storeArtifacts(TrainedVersion trained) {
        String parametersKey = ArtifactStore.key(record.name, ArtifactStore.PARAMETERS);
        store.put(parametersKey, trained.parameters(), "application/octet-stream");
        String familiarityKey = ArtifactStore.key(record.name, ArtifactStore.FAMILIARITY);
        store.put(familiarityKey, trained.familiarity().index().toBytes(), "application/octet-stream");
        String inkKey = ArtifactStore.key(record.name, ArtifactStore.FAMILIARITY_INK);
        store.put(inkKey, trained.familiarity().inkIndex().toBytes(), "application/octet-stream");
        // the gate scores the serving version on these images and compares with the predictions above
        String heldOutKey = ArtifactStore.key(record.name, HeldOutImages.FILE);
        store.put(heldOutKey, trained.heldOut().toBytes(), "application/json");
        return new ArtifactKeys(parametersKey, familiarityKey, inkKey, heldOutKey);
    }

    /** Marks the version TRAINING_COMPLETED with its scores, after writing evaluation.json. */
    private void complete(LabelledImages images, StratifiedSplit.Split split, TrainedVersion trained, ArtifactKeys keys,
                          Instant started) {
        Instant ended = Instant.now();
        Evaluation evaluation = trained.evaluation();
        List<String> trainOnly = trainOnlyLabels(split, images.labels());
        String message = (backboneFallback == null ? "" : backboneFallback + ". ")
                + summary(images.labels(), split, trainOnly, images.skipped(), evaluation);
        Change completed = r -> {
            r.status = ModelStatus.TRAINING_COMPLETED;
            r.statusMessage = message;
            r.trainingSummary = message;
            r.parametersKey = keys.parameters();
            r.heldOutKey = keys.heldOut();
            r.temperature = trained.calibration().temperature();
            r.calibration = trained.calibration().record();
            r.familiarity = trained.familiarity().record(keys.familiarity(), keys.familiarityInk());
            r.confidenceCalibration = trained.familiarity().calibration();
            r.f1 = evaluation.macroF1();
            r.f1Averaging = "macro";
            r.accuracy = split.test().isEmpty() ? null : evaluation.accuracy();
            r.perLabel = evaluation.perLabel();
            r.confusion = evaluation.confusion();
            r.trainingEndedAt = ended;
            r.trainingSeconds = Duration.between(started, ended).toMillis() / 1000.0;
            r.heartbeatAt = ended;
        };
        writeEvaluation(completed);
        finish(completed);
        LOG.info("Training {} completed in {} s: {}", record.name, record.trainingSeconds, message);
    }

    private String summary(List<String> labels, StratifiedSplit.Split split, List<String> trainOnly, List<String> skipped,
                           Evaluation evaluation) {
        StringBuilder s = new StringBuilder("Trained on ").append(split.train().size()).append(" images of ")
                .append(labels.size()).append(" labels");
        if (evaluation.macroF1() == null) {
            s.append("; no label has two images, so none was held out and F1 is not computed");
        } else {
            s.append(", tested on ").append(split.test().size()).append(" held-out images: macro F1 ")
                    .append(String.format("%.3f", evaluation.macroF1()));
        }
        if (!trainOnly.isEmpty()) {
            s.append("; ").append(trainOnly.size() == 1 ? "label " : "labels ")
                    .append(String.join(", ", trainOnly.stream().map(l -> "'" + l + "'").toList()))
                    .append(trainOnly.size() == 1 ? " has" : " have")
                    .append(" a single image: used for training only, not tested");
        }
        if (!skipped.isEmpty()) {
            s.append("; ").append(skipped.size()).append(skipped.size() == 1 ? " image" : " images")
                    .append(" skipped (unreadable)");
        }
        return s.toString();
    }

    /** Writes &lt;outputPrefix&gt;&lt;version&gt;/evaluation.json into the manifest's bucket (SPEC: evaluation/). */
    private void writeEvaluation(Change completed) {
        String prefix = request.outputPrefix();
        if (prefix == null || prefix.isBlank()) {
            return;
        }
        VersionRecord done = copy();
        completed.apply(done);
        String key = (prefix.endsWith("/") ? prefix : prefix + "/") + done.name + "/evaluation.json";
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", done.name);
        out.put("f1", done.f1);
        out.put("f1Averaging", done.f1Averaging);
        out.put("accuracy", done.accuracy);
        out.put("perLabel", done.perLabel);
        out.put("confusion", done.confusion);
        out.put("trainingImages", done.trainingImages);
        out.put("testImages", done.testImages);
        out.put("trainOnlyLabels", done.trainOnlyLabels);
        out.put("skippedImages", done.skippedImages);
        out.put("temperature", done.temperature);
        out.put("calibration", done.calibration);
        out.put("confidenceCalibration", done.confidenceCalibration);
        try {
            store.put(request.bucket(), key, ArtifactStore.JSON.writeValueAsBytes(out), "application/json");
        } catch (Exception e) {
            LOG.warn("Training {}: evaluation output {} not written: {}", done.name, key, e.getMessage());
        }
    }

    /** The configured scaling, else what the model file declares, else ImageNet's. */
    private Normalisation backboneNormalisation(FeatureExtractor backbone) {
        Normalisation configured = settings.backboneOptions().normalisation();
        return configured != null ? configured : backbone.declaredNormalisation().orElse(Normalisation.IMAGENET);
    }

    private List<float[]> features(FeatureExtractor backbone, List<float[]> images) {
        List<float[]> out = new ArrayList<>();
        int batch = 16;
        try {
            for (int start = 0; start < images.size(); start += batch) {
                checkCancelled();
                heartbeat(r -> { });
                int b = Math.min(batch, images.size() - start);
                int len = images.get(0).length;
                float[] data = new float[b * len];
                for (int j = 0; j < b; j++) {
                    System.arraycopy(images.get(start + j), 0, data, j * len, len);
                }
                float[] f = backbone.features(data);
                int d = f.length / b;
                for (int j = 0; j < b; j++) {
                    float[] row = new float[d];
                    System.arraycopy(f, j * d, row, 0, d);
                    out.add(row);
                }
            }
        } catch (RuntimeException e) {
            if (e instanceof CancellationException) {
                throw e;
            }
            throw new IllegalStateException("the backbone failed on the training images: " + e.getMessage(), e);
        }
        return out;
    }

    /** Per-feature mean and standard deviation (floored at 1e-6) of the training features. */
    private static double[][] standardisation(List<float[]> features, int d) {
        double[] mean = new double[d];
        double[] std = new double[d];
        for (float[] f : features) {
            for (int j = 0; j < d; j++) {
                mean[j] += f[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= features.size();
        }
        for (float[] f : features) {
            for (int j = 0; j < d; j++) {
                std[j] += (f[j] - mean[j]) * (f[j] - mean[j]);
            }
        }
        for (int j = 0; j < d; j++) {
            std[j] = Math.max(1e-6, Math.sqrt(std[j] / features.size()));
        }
        return new double[][] {mean, std};
    }

    private static List<float[]> standardise(List<float[]> features, double[][] stats) {
        List<float[]> out = new ArrayList<>(features.size());
        for (float[] f : features) {
            float[] z = new float[f.length];
            for (int j = 0; j < f.length; j++) {
                z[j] = (float) ((f[j] - stats[0][j]) / stats[1][j]);
            }
            out.add(z);
        }
        return out;
    }

    private static List<Double> boxed(double[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }

    private List<Integer> trainingSlice(int n, int max) {
        List<Integer> idx = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            idx.add(j);
        }
        java.util.Collections.shuffle(idx, new Random(settings.seed() + 7));
        return idx.subList(0, Math.min(max, n));
    }

    private static List<float[]> inks(List<Sample> samples) {
        return samples.stream().map(Sample::ink).toList();
    }

    static int[] argmax(float[][] logits) {
        int[] out = new int[logits.length];
        for (int i = 0; i < logits.length; i++) {
            int best = 0;
            for (int c = 1; c < logits[i].length; c++) {
                if (logits[i][c] > logits[i][best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    private static float[][] concat(float[][] a, float[][] b) {
        float[][] out = new float[a.length + b.length][];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private boolean isCancelled() {
        return cancelled;
    }

    private void checkCancelled() {
        if (cancelled) {
            throw new CancellationException("cancelled");
        }
    }

    private interface Change {
        void apply(VersionRecord r);
    }

    private void update(Change change, boolean persist) {
        synchronized (this) {
            change.apply(record);
            record.updatedAt = Instant.now();
        }
        if (persist) {
            persist();
        }
    }

    /** Applies the change; persists (and looks for a cancel request from another pod) at most every PERSIST_EVERY. */
    private void heartbeat(Change change) {
        update(change, false);
        long now = System.nanoTime();
        if (now - lastPersist >= PERSIST_EVERY.toNanos()) {
            persist();
            if (store.get(store.bucket(), ArtifactStore.key(record.name, ArtifactStore.CANCEL)).isPresent()) {
                LOG.info("Training {}: cancel requested by another pod", record.name);
                cancelled = true;
            }
        }
    }

    private void persist() {
        byte[] json;
        synchronized (this) {
            record.heartbeatAt = Instant.now();
            try {
                json = ArtifactStore.JSON.writeValueAsBytes(record);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        lastPersist = System.nanoTime();
        store.put(ArtifactStore.key(record.name, ArtifactStore.RECORD), json, "application/json");
    }

    private void fail(String message) {
        Change failed = r -> {
            r.status = ModelStatus.TRAINING_FAILED;
            r.statusMessage = message;
            r.trainingSummary = message;
            r.trainingEndedAt = Instant.now();
            if (r.trainingStartedAt != null) {
                r.trainingSeconds = Duration.between(r.trainingStartedAt, r.trainingEndedAt).toMillis() / 1000.0;
            }
        };
        try {
            store.delete(ArtifactStore.key(record.name, ArtifactStore.CANCEL));
            finish(failed);
        } catch (RuntimeException e) {
            LOG.error("Training {} failed ({}) and the failure could not be recorded: {}", record.name, message,
                    e.getMessage());
            update(failed, false);
        }
    }

    /**
     * The final status: written to the bucket first, then shown here, so that whoever sees the
     * version finished (and starts it, say) finds it finished in the bucket too.
     */
    private void finish(Change change) {
        VersionRecord done = copy();
        change.apply(done);
        done.updatedAt = Instant.now();
        done.heartbeatAt = done.updatedAt;
        store.write(done);
        update(change, false);
    }

    private synchronized VersionRecord copy() {
        return record.copy();
    }

    String name() {
        return record.name;
    }
}
