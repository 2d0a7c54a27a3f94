package io.modelloop.training;

import io.modelloop.model.ChallengerComparison;
import io.modelloop.model.GroundTruthManifest;
import io.modelloop.model.ModelBackend;
import io.modelloop.model.ModelStatus;
import io.modelloop.model.ModelVersion;
import io.modelloop.model.ModelVersionNotFoundException;
import io.modelloop.model.TransientModelException;
import io.modelloop.model.TrainingRequest;
import io.modelloop.notify.Notifier;
import io.modelloop.parameters.ParameterService;
import io.modelloop.parameters.ParameterValues;
import io.modelloop.runs.RunRecord;
import io.modelloop.runs.RunRecord.RunStatus;
import io.modelloop.runs.RunRecorder;
import io.modelloop.state.SystemState;
import io.modelloop.state.SystemState.TrainingRun;
import io.modelloop.state.SystemState.TrainingRun.Phase;
import io.modelloop.state.SystemStateRepository;
import io.modelloop.storage.BucketLayout;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Training and deployment (SPEC 4.4). {@link #check} decides whether to train and starts a
 * training; the steps of {@link #phase} ({@link #resumeCreation}, {@link #judgeTraining},
 * {@link #switchWhenRunning}), called by routes/training.yaml on a timer and as soon as the model
 * backend says a version finished training or starting, move the run in progress along: training →
 * deployment gate ({@link ChallengerGate}: Minimum-F1-Score, then champion/challenger against
 * the serving version) → start the new version → switch detection to it → stop the previous
 * one. The run in progress lives in the system state, written before each step it guards, so a restart resumes
 * it and never starts a second one.
 */
public final class TrainingPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingPipeline.class);
    private static final DateTimeFormatter VERSION_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    public static final String CHECK = "TRAINING_CHECK";
    public static final String RUN = "TRAINING_RUN";
    /** The run steps of the deployment gate: rule (a), then rule (b) and the new labels' F1. */
    public static final String F1_GATE = "f1-gate";
    public static final String CHALLENGER_GATE = "challenger-gate";
    public static final double DEFAULT_CHALLENGER_TOLERANCE = 0.02;

    private final S3Client s3;
    private final String bucket;
    private final LabeledImages labeled;
    private final ModelBackend backend;
    private final ParameterService parameters;
    private final SystemStateRepository systemState;
    private final RunRecorder runs;
    private final Notifier notifier;
    private final Clock clock;
    private final double challengerTolerance;

    /**
     * @param challengerTolerance how much lower than the serving version's shared-label F1 a
     *                            candidate's may be and still deploy (modelloop.training.challenger-tolerance)
     */
    public TrainingPipeline(S3Client s3, String bucket, ModelBackend backend, ParameterService parameters,
                            SystemStateRepository systemState, RunRecorder runs, Notifier notifier, Clock clock,
                            double challengerTolerance) {
        new ChallengerGate(0, challengerTolerance); // refuses a tolerance outside 0-1 at start-up
        this.challengerTolerance = challengerTolerance;
        this.s3 = s3;
        this.bucket = bucket;
        this.labeled = new LabeledImages(s3, bucket);
        this.backend = backend;
        this.parameters = parameters;
        this.systemState = systemState;
        this.runs = runs;
        this.notifier = notifier;
        this.clock = clock;
    }

    /** One training check; returns its run record (the decision is in its output). */
    public synchronized RunRecord check(String trigger) {
        RunRecorder.Run run = runs.start(CHECK, Map.of("trigger", trigger == null ? "manual" : trigger));
        try {
            SystemState state = run.step("read-system-state", systemState::load, s -> stateSummary(s));
            if (state.trainingRunInProgress() != null) {
                TrainingRun tr = state.trainingRunInProgress();
                return decided(run, "not training: training run " + tr.versionName() + " is in progress",
                        Map.of("trainingRun", tr.runId(), "version", tr.versionName()));
            }
            Map<String, List<String>> images = run.step("count-images", labeled::list, this::countSummary);
            int total = LabeledImages.count(images);
            int fresh = Math.max(0, total - state.imagesSeenByTraining());
            ParameterValues p = parameters.values();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("images", total);
            out.put("labels", images.size());
            out.put("newImages", fresh);
            out.put("minimumUntrainedImages", p.minimumUntrainedImages());
            if (images.size() < 2) {
                return decided(run, "not training: at least two labels with images are needed, found " + images.size(), out);
            }
            if (fresh < p.minimumUntrainedImages()) {
                return decided(run, "not training: " + fresh + " new labeled image(s) since the last training, "
                        + p.minimumUntrainedImages() + " needed", out);
            }
            TrainingRun started = startTraining(run.id(), images, total);
            out.put("trainingRun", started.runId());
            out.put("version", started.versionName());
            return decided(run, "training started: version " + started.versionName(), out);
        } catch (Exception e) {
            LOG.error("Training check failed", e);
            run.fail(message(e), Map.of());
            notifier.notify("TrainingCheckFailed", "Training check failed: " + message(e), Map.of("run", run.id()));
            return run.record();
        }
    }

    private RunRecord decided(RunRecorder.Run run, String decision, Map<String, ?> data) {
        Map<String, Object> out = new LinkedHashMap<>(data);
        out.put("decision", decision);
        run.succeed(out);
        LOG.info("Training check: {}", decision);
        notifier.notify("TrainingCheck", decision, out);
        return run.record();
    }

    private TrainingRun startTraining(String checkRunId, Map<String, List<String>> images, int total) throws Exception {
        String versionName = "modelloop-" + VERSION_TIME.format(clock.instant());
        String manifestKey = BucketLayout.MANIFESTS + versionName + ".manifest";
        RunRecorder.Run run = runs.start(RUN, Map.of("check", checkRunId, "images", total, "labels", images.keySet(),
                "version", versionName, "manifest", manifestKey));
        try {
            run.step("write-manifest", () -> {
                List<GroundTruthManifest.Entry> entries = new ArrayList<>();
                images.forEach((label, keys) -> keys.forEach(k -> entries.add(new GroundTruthManifest.Entry(bucket, k, label))));
                s3.putObject(b -> b.bucket(bucket).key(manifestKey).contentType("application/x-ndjson"),
                        RequestBody.fromString(GroundTruthManifest.write(entries, clock.instant())));
                return entries.size();
            }, n -> Map.of("manifest", "s3://" + bucket + "/" + manifestKey, "lines", n));
            TrainingRun tr = new TrainingRun(run.id(), versionName, null, manifestKey, total, clock.instant(),
                    Phase.CREATING, clock.instant());
            systemState.update(s -> s.withTrainingRunInProgress(tr));
            return create(run, tr);
        } catch (Exception e) {
            trainingEnded(run, "TrainingFailed", "Training of " + versionName + " could not start: " + message(e),
                    Map.of("version", versionName), message(e), false);
            throw e;
        }
    }

    private TrainingRun create(RunRecorder.Run run, TrainingRun tr) throws Exception {
        ModelVersion v = run.step("create-version", () -> backend.createVersion(new TrainingRequest(tr.versionName(),
                bucket, tr.manifestKey(), BucketLayout.EVALUATION + tr.versionName() + "/", tr.imageCount())),
                created -> Map.of("version", created.id(), "status", created.status().name()));
        TrainingRun training = tr.in(Phase.TRAINING, v.id(), clock.instant());
        systemState.update(s -> s.withTrainingRunInProgress(training));
        notifier.notify("TrainingStarted", "Training started: version " + tr.versionName() + " on " + tr.imageCount()
                + " images", Map.of("version", tr.versionName(), "versionId", v.id(), "images", tr.imageCount(),
                "manifest", tr.manifestKey(), "run", run.id()));
        return training;
    }

    /**
     * Asks the backend to cancel the training in progress; the next poll sees it failed, ends
     * the run and notifies. Returns what happened, for the operator.
     */
    public synchronized CancelOutcome cancel() {
        TrainingRun tr = systemState.load().trainingRunInProgress();
        if (tr == null) {
            return new CancelOutcome(false, "no training is in progress");
        }
        if (tr.phase() != Phase.TRAINING) {
            return new CancelOutcome(false, "version " + tr.versionName() + " is past training (" + tr.phase()
                    + "); it cannot be cancelled now");
        }
        if (!backend.cancelTraining(tr.modelVersion())) {
            return new CancelOutcome(false, "the " + backend.name() + " backend cannot cancel a training");
        }
        LOG.info("Cancellation of training {} requested", tr.versionName());
        return new CancelOutcome(true, "cancellation of version " + tr.versionName() + " requested");
    }

    public record CancelOutcome(boolean cancelled, String message) {
    }

    /**
     * The phase of the training run in progress (CREATING, TRAINING or DEPLOYING), or NONE: the
     * training-progress-steps route (routes/training.yaml) chooses the step by it. Read under the
     * lock: a step another caller is running (the poll, while the backend's event arrives)
     * finishes first, so the phase read is the one it left; each step checks it again under the lock.
     */
    public synchronized String phase() {
        TrainingRun tr = systemState.load().trainingRunInProgress();
        return tr == null ? "NONE" : tr.phase().name();
    }

    /** CREATING: the process stopped between recording the run and hearing the backend's answer. */
    public synchronized void resumeCreation() throws Exception {
        inPhase(Phase.CREATING, (run, tr) -> {
            // asked again for the same version name, a backend returns the existing version, never a second
            LOG.info("Resuming training run {}: asking again for version {}", tr.runId(), tr.versionName());
            create(run, tr);
        });
    }

    /** TRAINING: once the backend has finished, the F1 gate and the challenger gate, then start the candidate. */
    public synchronized void judgeTraining() throws Exception {
        inPhase(Phase.TRAINING, this::afterTraining);
    }

    /** DEPLOYING: once the candidate runs, switch detection to it and stop the previous version. */
    public synchronized void switchWhenRunning() throws Exception {
        inPhase(Phase.DEPLOYING, this::afterStarting);
    }

    private interface PhaseStep {
        void run(RunRecorder.Run run, TrainingRun tr) throws Exception;
    }

    /** Runs the step only if the run in progress is still in that phase (a check or cancel may have moved it). */
    private void inPhase(Phase phase, PhaseStep step) throws Exception {
        TrainingRun tr = systemState.load().trainingRunInProgress();
        if (tr != null && tr.phase() == phase) {
            step.run(runs.resume(tr.runId()), tr);
        }
    }

    private void afterTraining(RunRecorder.Run run, TrainingRun tr) throws Exception {
        ModelVersion v = backend.describe(tr.modelVersion());
        if (v.status() == ModelStatus.TRAINING_IN_PROGRESS) {
            if (v.progress() != null) {
                LOG.info("Training {}: epoch {}/{}, loss {}", tr.versionName(), v.progress().epoch(), v.progress().epochs(),
                        String.format("%.4f", v.progress().loss()));
            }
            return;
        }
        if (v.status() != ModelStatus.TRAINING_COMPLETED) {
            run.recordStep("train", RunStatus.FAILED, tr.phaseSince(), Map.of("status", v.status().name()), v.statusMessage());
            trainingEnded(run, "TrainingFailed", "Training of " + tr.versionName() + " failed: " + v.statusMessage(),
                    Map.of("version", tr.versionName(), "status", v.status().name(), "message", String.valueOf(v.statusMessage())),
                    String.valueOf(v.statusMessage()), false);
            return;
        }
        double f1 = v.f1() == null ? 0 : v.f1();
        double minimum = parameters.values().minimumF1Score();
        ChallengerGate gate = new ChallengerGate(minimum, challengerTolerance);
        ChallengerGate.Decision byF1 = gate.minimumF1(f1);
        // compared before anything is recorded: a transient failure leaves the run to the next poll as it is
        String serving = systemState.load().runningModelVersion();
        Instant compareStarted = clock.instant();
        Comparison comparison = byF1.deploy() && serving != null && !serving.equals(v.id())
                ? compare(v.id(), serving) : null;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("version", v.id());
        result.put("f1", f1);
        if (v.perLabel() != null) {
            result.put("perLabel", new TreeMap<>(v.perLabel()));
        }
        run.recordStep("train", RunStatus.SUCCEEDED, tr.phaseSince(), result, null);
        notifier.notify("TrainingCompleted", "Training of " + tr.versionName() + " completed with F1 " + round(f1),
                Map.of("version", tr.versionName(), "versionId", v.id(), "f1", f1));
        if (v.backboneFallback() != null) {
            notifier.notify("BackboneUnavailable", "Version " + tr.versionName()
                            + " was trained without its pretrained backbone: " + v.backboneFallback(),
                    Map.of("version", tr.versionName(), "versionId", v.id(), "reason", v.backboneFallback()));
        }
        if (!passesGate(run, tr, v, gate, byF1, comparison, compareStarted)) {
            return;
        }
        int units = parameters.values().minimumInferenceUnits();
        run.step("start-version", () -> {
            backend.start(v.id(), units);
            return units;
        }, u -> Map.of("version", v.id(), "inferenceUnits", u));
        systemState.update(s -> s.withTrainingRunInProgress(tr.in(Phase.DEPLOYING, v.id(), clock.instant())));
        notifier.notify("ModelDeploying", "Starting version " + tr.versionName() + " with " + units + " inference unit(s)",
                Map.of("version", tr.versionName(), "versionId", v.id(), "inferenceUnits", units));
    }

    private void afterStarting(RunRecorder.Run run, TrainingRun tr) throws Exception {
        ModelVersion v = backend.describe(tr.modelVersion());
        if (v.status() == ModelStatus.STARTING) {
            return;
        }
        if (v.status() != ModelStatus.RUNNING) {
            run.recordStep("wait-running", RunStatus.FAILED, tr.phaseSince(), Map.of("status", v.status().name()), v.statusMessage());
            // the model itself is good: the same images may be tried again on the next check
            trainingEnded(run, "ModelDeploymentFailed", "Version " + tr.versionName() + " did not start: "
                    + v.status() + " " + v.statusMessage() + "; the previous model keeps serving",
                    Map.of("version", tr.versionName(), "status", v.status().name()), "version did not start", false);
            return;
        }
        run.recordStep("wait-running", RunStatus.SUCCEEDED, tr.phaseSince(), Map.of("version", v.id()), null);
        String previous = systemState.load().runningModelVersion();
        // blue/green: detection switches only now that the new version serves
        systemState.update(s -> s.withRunningModelVersion(v.id()));
        notifier.notify("ModelRunning", "Version " + tr.versionName() + " is RUNNING and now serves detections",
                Map.of("version", tr.versionName(), "versionId", v.id(), "previous", String.valueOf(previous)));
        List<String> stopped = run.step("stop-previous", () -> stopPrevious(previous, v.id()), s -> Map.of("stopped", s));
        systemState.update(s -> s.withTrainingRunInProgress(null).withTrainedImageCount(tr.imageCount()));
        run.succeed(Map.of("version", v.id(), "f1", v.f1() == null ? 0 : v.f1(), "previous", String.valueOf(previous),
                "stopped", stopped));
    }

    /**
     * Records the deployment gate's steps (f1-gate, then challenger-gate when a version serves);
     * a refused candidate ends the run, notified with the rule that refused it and its numbers.
     */
    private boolean passesGate(RunRecorder.Run run, TrainingRun tr, ModelVersion v, ChallengerGate gate,
                               ChallengerGate.Decision byF1, Comparison comparison, Instant compareStarted) {
        double f1 = v.f1() == null ? 0 : v.f1();
        if (!byF1.deploy()) {
            run.recordStep(F1_GATE, RunStatus.FAILED, clock.instant(), gateOutput(byF1), byF1.reason());
            trainingEnded(run, "FailedF1Evaluation", "Version " + tr.versionName() + " not deployed: " + byF1.reason(),
                    Map.of("version", tr.versionName(), "f1", f1, "minimum", gate.minimum()), "F1 below Minimum-F1-Score", true);
            return false;
        }
        run.recordStep(F1_GATE, RunStatus.SUCCEEDED, clock.instant(), gateOutput(byF1), null);
        if (comparison != null) {
            if (comparison.result() == null) {
                Map<String, Object> out = gateOutput(byF1);
                out.put("serving", comparison.servingId());
                out.put("comparisonError", comparison.error());
                run.recordStep(CHALLENGER_GATE, RunStatus.SUCCEEDED, compareStarted, out, null);
            } else {
                ChallengerGate.Decision byServing = gate.challenger(comparison.result());
                if (!byServing.deploy()) {
                    run.recordStep(CHALLENGER_GATE, RunStatus.FAILED, compareStarted, gateOutput(byServing), byServing.reason());
                    Map<String, Object> data = new LinkedHashMap<>(byServing.numbers());
                    data.put("version", tr.versionName());
                    data.put("versionId", v.id());
                    data.put("f1", f1);
                    data.put("rule", byServing.rule().id());
                    trainingEnded(run, "CandidateRejected", "Version " + tr.versionName() + " not deployed: "
                            + byServing.reason(), data, "rejected by rule " + byServing.rule().id() + ": "
                            + byServing.reason(), true);
                    return false;
                }
                run.recordStep(CHALLENGER_GATE, RunStatus.SUCCEEDED, compareStarted, gateOutput(byServing), null);
            }
        }
        return true;
    }

    /** A comparison with the serving version, or why there is none. */
    private record Comparison(String servingId, ChallengerComparison result, String error) {
    }

    private Comparison compare(String candidate, String serving) {
        try {
            return new Comparison(serving, backend.compare(candidate, serving), null);
        } catch (TransientModelException e) {
            throw e; // the next poll compares again
        } catch (ModelVersionNotFoundException e) {
            return new Comparison(serving, null, "the serving version " + serving + " no longer exists: only Minimum-F1-Score applies");
        } catch (RuntimeException e) {
            LOG.warn("Candidate {} could not be compared with the serving version {}: {}", candidate, serving, message(e));
            return new Comparison(serving, null, "the candidate could not be compared with the serving version (" + message(e)
                    + "): only Minimum-F1-Score applies");
        }
    }

    /** A gate step's output: the decision, the rule that decided, and its numbers. */
    private static Map<String, Object> gateOutput(ChallengerGate.Decision d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("decision", d.deploy() ? "deploy" : "reject");
        out.put("rule", d.rule().id());
        out.put("reason", d.reason());
        out.putAll(d.numbers());
        return out;
    }

    private List<String> stopPrevious(String previous, String serving) {
        if (previous == null || previous.equals(serving)) {
            return List.of();
        }
        backend.stop(previous);
        notifier.notify("ModelStopped", "Previous version " + previous + " stopped",
                Map.of("versionId", previous, "servingNow", serving));
        return List.of(previous);
    }

    /**
     * Clears the run in progress. refused=true (the deployment gate said no) records its images as refused
     * so the same images do not retrain; they do not count as trained, since no version serving
     * them was deployed. A failed training counts nothing: its images are tried again.
     */
    private void trainingEnded(RunRecorder.Run run, String event,
                               String details, Map<String, ?> data, String error, boolean refused) {
        systemState.update(s -> {
            SystemState next = s.withTrainingRunInProgress(null);
            return refused && s.trainingRunInProgress() != null
                    ? next.withRefusedImageCount(s.trainingRunInProgress().imageCount()) : next;
        });
        run.fail(error, data);
        LOG.warn(details);
        notifier.notify(event, details, data);
    }

    private static Map<String, Object> stateSummary(SystemState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trainedImageCount", s.trainedImageCount());
        m.put("refusedImageCount", s.refusedImageCount());
        m.put("runningModelVersion", String.valueOf(s.runningModelVersion()));
        m.put("trainingInProgress", s.trainingRunInProgress() != null);
        return m;
    }

    private Map<String, Object> countSummary(Map<String, List<String>> images) {
        Map<String, Object> perLabel = new TreeMap<>();
        images.forEach((k, v) -> perLabel.put(k, v.size()));
        return Map.of("images", LabeledImages.count(images), "perLabel", perLabel);
    }

    private static String round(double f1) {
        return String.format(java.util.Locale.ROOT, "%.3f", f1);
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
