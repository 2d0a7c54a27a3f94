package io.modelloop.replay;

import io.modelloop.parameters.InvalidParameterException;
import io.modelloop.parameters.ParameterDefinition;
import io.modelloop.parameters.ParameterService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one replay was asked to do, as given on the command line (before the dataset is read).
 *
 * @param test           explicit held-out test folder (same layout), or null to hold out {@code testShare}
 * @param seedLabels     labels of the initial labelled set; empty = every label
 * @param policies       policy names as given (checked by {@link #problems()})
 * @param randomPerBatch labels per batch for {@code random} when {@code confidence} is not run; null = 10 % of the batch
 * @param ceilingSeeds   the `all` policy runs with only the first this many seeds (a ceiling; null = every seed)
 * @param params         ModelLoop parameters (name -> value) applied through the parameter service
 * @param sets           configuration overrides (modelloop.key -> value)
 * @param config         the configuration folder (application*.properties), null = ./config or the jar's copy
 * @param workDir        where the temporary data folders go; null = the system temporary folder
 */
public record ReplayOptions(Path dataset, Path test, double testShare, List<String> seedLabels, int seedPerLabel,
                            int stream, int batch, List<String> policies, List<Long> seeds, Integer ceilingSeeds,
                            Integer randomPerBatch, Map<String, String> params, Map<String, String> sets, Path out, Path config,
                            Path workDir) {

    /** Parameters the replay itself controls: training and sampling are driven by the replay, the threshold by the policy. */
    static final Set<String> CONTROLLED_PARAMETERS = Set.of(ParameterDefinition.ENABLE_AUTOMATIC_TRAINING,
            ParameterDefinition.ENABLE_AUTOMATIC_HUMAN_SAMPLING, ParameterDefinition.ENABLE_A2I_WORKFLOW);

    /** Settings the replay chooses for every run: a temporary local instance on free ports. */
    static final Set<String> CONTROLLED_SETTINGS = controlledSettings();

    private static Set<String> controlledSettings() {
        Set<String> keys = new java.util.HashSet<>(ReplayRun.FIXED_SETTINGS.keySet());
        keys.addAll(ReplayRun.PER_RUN_SETTINGS);
        return Set.copyOf(keys);
    }

    public ReplayOptions {
        seedLabels = seedLabels == null ? List.of() : List.copyOf(seedLabels);
        policies = policies == null || policies.isEmpty() ? List.of(Policy.CONFIDENCE.id()) : List.copyOf(policies);
        seeds = seeds == null || seeds.isEmpty() ? List.of(1L) : List.copyOf(seeds);
        params = params == null ? Map.of() : Map.copyOf(params);
        sets = sets == null ? Map.of() : Map.copyOf(sets);
    }

    /** Problems with the options themselves, one message each; empty when they are usable. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (dataset == null) {
            p.add("--dataset DIR is required: a folder of <label>/<image> folders");
        }
        if (test == null && !(testShare > 0 && testShare < 1)) {
            p.add("--test-share must be between 0 and 1 (exclusive), got " + testShare);
        }
        if (ceilingSeeds != null && ceilingSeeds < 1) {
            p.add("--ceiling-seeds must be at least 1, got " + ceilingSeeds);
        }
        if (seedPerLabel < 1) {
            p.add("--seed-per-label must be at least 1, got " + seedPerLabel);
        }
        if (stream < 1) {
            p.add("--stream must be at least 1, got " + stream);
        }
        if (batch < 1) {
            p.add("--batch must be at least 1, got " + batch);
        }
        if (randomPerBatch != null && randomPerBatch < 0) {
            p.add("--random-per-batch must be 0 or more, got " + randomPerBatch);
        }
        for (String name : policies) {
            if (Policy.parse(name).isEmpty()) {
                p.add("unknown policy '" + name + "' in --policy: use confidence, random or all");
            }
        }
        if (policies.stream().distinct().count() < policies.size()) {
            p.add("--policy names a policy twice: " + String.join(",", policies));
        }
        if (seeds.stream().distinct().count() < seeds.size()) {
            p.add("--seeds names a seed twice");
        }
        params.forEach((name, value) -> {
            try {
                ParameterDefinition d = ParameterService.definition(name);
                if (CONTROLLED_PARAMETERS.contains(d.name())) {
                    p.add("--param " + name + " is set by the replay itself (it drives training and review); leave it out");
                } else {
                    ParameterService.validate(d, value);
                }
            } catch (InvalidParameterException e) {
                p.add("--param " + name + "=" + value + ": " + e.getMessage());
            }
        });
        sets.forEach((key, value) -> {
            if (!key.startsWith("modelloop.")) {
                p.add("--set " + key + "=" + value + ": only modelloop.* configuration keys can be set");
            } else if (CONTROLLED_SETTINGS.contains(key)) {
                p.add("--set " + key + " is chosen by the replay (a temporary local instance); leave it out");
            }
        });
        return p;
    }

    /** The policies in the order they run: confidence first, since random copies its label counts. */
    public List<Policy> policyOrder() {
        List<Policy> out = new ArrayList<>();
        for (Policy p : Policy.values()) {
            if (policies.stream().anyMatch(n -> Policy.parse(n).orElse(null) == p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** The options as written into replay.json. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", String.valueOf(dataset));
        m.put("test", test == null ? null : test.toString());
        m.put("testShare", test == null ? testShare : null);
        m.put("seedLabels", seedLabels);
        m.put("seedPerLabel", seedPerLabel);
        m.put("stream", stream);
        m.put("batch", batch);
        m.put("policies", policyOrder().stream().map(Policy::id).toList());
        m.put("seeds", seeds);
        m.put("ceilingSeeds", ceilingSeeds);
        m.put("randomPerBatch", randomPerBatch);
        m.put("params", params);
        m.put("sets", sets);
        return m;
    }

    /** The seeds a policy runs with: every seed, except `all` with --ceiling-seeds. */
    public List<Long> seedsFor(Policy policy) {
        return policy == Policy.ALL && ceilingSeeds != null ? seeds.subList(0, Math.min(ceilingSeeds, seeds.size())) : seeds;
    }
}
