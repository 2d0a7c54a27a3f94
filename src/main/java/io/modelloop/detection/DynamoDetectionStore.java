package io.modelloop.detection;

import static io.modelloop.storage.DynamoTable.GSI1;
import static io.modelloop.storage.DynamoTable.GSI1_PK;
import static io.modelloop.storage.DynamoTable.GSI1_SK;
import static io.modelloop.storage.DynamoTable.GSI2;
import static io.modelloop.storage.DynamoTable.GSI2_PK;
import static io.modelloop.storage.DynamoTable.GSI2_SK;
import static io.modelloop.storage.DynamoTable.PK;
import static io.modelloop.storage.DynamoTable.bool;
import static io.modelloop.storage.DynamoTable.instant;
import static io.modelloop.storage.DynamoTable.number;
import static io.modelloop.storage.DynamoTable.put;
import static io.modelloop.storage.DynamoTable.s;
import static io.modelloop.storage.DynamoTable.sortable;

import io.modelloop.storage.DynamoTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.modelloop.storage.DynamoTableStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Detections and human loops in one DynamoDB table (aws profile); layout in {@link DynamoTable}.
 *
 * <p>Every field is an attribute of its own (absent when null), so the later changes are
 * single conditional UpdateItem calls: insertIfAbsent and createLoop put with
 * {@code attribute_not_exists(pk)}, attachLoop sets the loop with
 * {@code attribute_not_exists(humanLoopName)}, completeLoop answers with {@code status = OPEN}
 * and the loop free for the reviewer (and drops the loop from the open-loops index), holdLoop
 * sets {@code heldBy}/{@code heldUntil} on the same condition. A losing caller gets
 * ConditionalCheckFailedException, which means false here. {@code heldUntil} is stored in the
 * fixed-width sortable form so the condition can compare it with {@code <=} as a string.
 *
 * <p>Listing queries the byTime index (newest first; the time range and the paging cursor are
 * key conditions, the other filters a FilterExpression); classifiedAfter, waitingForModel and
 * openLoops query the byState index. No call scans the table. Index reads are eventually
 * consistent (usually well under a second behind); get and getLoop read the item consistently.
 * stats(since) reads the detections since that time from the byTime index (only the counted
 * attributes), so its cost grows with the period asked for; hourly and confidenceHistogram
 * read the same way, which is why the API bounds their period.
 */
public final class DynamoDetectionStore extends DynamoTableStore implements DetectionStore, AutoCloseable {

    private static final String DET = "DET#";
    private static final String LOOP = "LOOP#";
    private static final String OPEN_LOOPS = "LOOP#OPEN";
    private static final String OWED_LOOPS = "LOOP#OWED";
    private static final String SAMPLE_COUNTERS = "COUNTERS#samples";
    private static final String OUTPUT = "OUTPUT#";
    private static final String OUTPUT_CURSOR = "OUTPUT_CURSOR#";
    /** Free for :reviewer: nobody holds it, the hold lapsed at :now, or :reviewer holds it already. */
    private static final String FREE_FOR = "(attribute_not_exists(#heldBy) OR attribute_not_exists(#heldUntil)"
            + " OR #heldUntil <= :now OR #heldBy = :reviewer)";

    private volatile boolean countersExist;

    public DynamoDetectionStore(DynamoDbClient client, String table) {
        super(client, table);
    }


    // ------------------------------------------------------------------ detections

    @Override
    public boolean insertIfAbsent(Detection d) {
        return putIfAbsent(item(d));
    }

    /** Only a NO_MODEL record is replaced: the put is conditional, so a second replacer changes nothing. */
    @Override
    public boolean replace(Detection d) {
        try {
            client.putItem(r -> r.tableName(table).item(item(d)).conditionExpression("#outcome = :noModel")
                    .expressionAttributeNames(Map.of("#outcome", "outcome"))
                    .expressionAttributeValues(Map.of(":noModel", AttributeValue.fromS(Detection.Outcome.NO_MODEL.name()))));
            return true;
        } catch (ConditionalCheckFailedException missingOrNotNoModel) {
            return false;
        }
    }

    @Override
    public Optional<Detection> get(String id) {
        return consistentItem(DET + id).map(DynamoDetectionStore::detection);
    }

    @Override
    public DetectionPage query(DetectionQuery q) {
        int limit = Math.max(1, Math.min(q.limit(), 1000));
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        names.put("#pk", GSI1_PK);
        values.put(":pk", AttributeValue.fromS("DET"));

        String lower = q.from() == null ? null : sortable(q.from());
        String upper = q.to() == null ? null : sortable(q.to()); // exclusive: no sort key equals a bare time
        String cursorKey = null;
        if (q.cursor() != null) {
            DetectionCursor c = DetectionCursor.decode(q.cursor());
            cursorKey = sortable(c.detectedAt()) + "#" + c.id();
            if (upper == null || cursorKey.compareTo(upper) < 0) {
                upper = cursorKey;
            }
        }
        String keyCondition = "#pk = :pk";
        if (lower != null || upper != null) {
            names.put("#sk", GSI1_SK);
        }
        if (lower != null && upper != null) {
            if (lower.compareTo(upper) > 0) {
                return new DetectionPage(List.of(), null);
            }
            keyCondition += " AND #sk BETWEEN :lower AND :upper";
            values.put(":lower", AttributeValue.fromS(lower));
            values.put(":upper", AttributeValue.fromS(upper));
        } else if (upper != null) {
            keyCondition += " AND #sk < :upper";
            values.put(":upper", AttributeValue.fromS(upper));
        } else if (lower != null) {
            keyCondition += " AND #sk >= :lower";
            values.put(":lower", AttributeValue.fromS(lower));
        }

        List<String> filters = new ArrayList<>();
        if (q.label() != null) {
            filters.add("#label = :label");
            names.put("#label", "label");
            values.put(":label", AttributeValue.fromS(q.label()));
        }
        if (q.reviewed() != null) {
            filters.add(q.reviewed() ? "attribute_exists(#reviewedAt)" : "attribute_not_exists(#reviewedAt)");
            names.put("#reviewedAt", "reviewedAt");
        }
        if (q.sampled() != null) {
            filters.add("#sampled = :sampled");
            names.put("#sampled", "sampled");
            values.put(":sampled", AttributeValue.fromBool(q.sampled()));
        }
        if (q.belowThreshold() != null) {
            filters.add("#below = :below");
            names.put("#below", "belowThreshold");
            values.put(":below", AttributeValue.fromBool(q.belowThreshold()));
        }
        if (q.outcome() != null) {
            filters.add("#outcome = :outcome");
            names.put("#outcome", "outcome");
            values.put(":outcome", AttributeValue.fromS(q.outcome().name()));
        }
        QueryRequest.Builder request = QueryRequest.builder().tableName(table).indexName(GSI1)
                .keyConditionExpression(keyCondition).expressionAttributeNames(names).expressionAttributeValues(values)
                .scanIndexForward(false)
                .limit(filters.isEmpty() ? limit + 2 : 500);
        if (!filters.isEmpty()) {
            request.filterExpression(String.join(" AND ", filters));
        }
        List<Detection> rows = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = client.query(request.exclusiveStartKey(start).build());
            for (var item : page.items()) {
                if (cursorKey != null && cursorKey.equals(s(item, GSI1_SK))) {
                    continue; // BETWEEN is inclusive; the cursor's own record was on the previous page
                }
                rows.add(detection(item));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && rows.size() <= limit);
        if (rows.size() <= limit) {
            return new DetectionPage(rows, null);
        }
        List<Detection> result = List.copyOf(rows.subList(0, limit));
        return new DetectionPage(result, DetectionCursor.of(result.get(limit - 1)).encode());
    }

    /** Strictly after (time, afterId); with afterId null, every detection at or after time. */
    @Override
    public List<Detection> classifiedAfter(Instant time, String afterId, int limit) {
        if (time == null) {
            return byState(DET + Detection.Outcome.CLASSIFIED, null, null, limit);
        }
        return afterId == null
                ? byState(DET + Detection.Outcome.CLASSIFIED, ">=", sortable(time), limit)
                : byState(DET + Detection.Outcome.CLASSIFIED, ">", sortable(time) + "#" + afterId, limit);
    }

    @Override
    public List<Detection> waitingForModel(int limit) {
        return byState(DET + Detection.Outcome.NO_MODEL, null, null, limit);
    }

    private List<Detection> byState(String partition, String op, String bound, int limit) {
        return queryState(partition, op, bound, limit).stream().map(DynamoDetectionStore::detection).toList();
    }

    private List<Map<String, AttributeValue>> queryState(String partition, String op, String bound, int limit) {
        int max = Math.max(1, limit);
        Map<String, String> names = new HashMap<>(Map.of("#pk", GSI2_PK));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":pk", AttributeValue.fromS(partition)));
        String condition = "#pk = :pk";
        if (op != null) {
            condition += " AND #sk " + op + " :bound";
            names.put("#sk", GSI2_SK);
            values.put(":bound", AttributeValue.fromS(bound));
        }
        QueryRequest.Builder request = QueryRequest.builder().tableName(table).indexName(GSI2)
                .keyConditionExpression(condition).expressionAttributeNames(names).expressionAttributeValues(values)
                .scanIndexForward(true);
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = client.query(request.limit(max - out.size()).exclusiveStartKey(start).build());
            out.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null && out.size() < max);
        return out;
    }

    @Override
    public boolean attachLoop(String detectionId, String loopName, String source) {
        Map<String, String> names = new HashMap<>(Map.of("#ln", "humanLoopName"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":ln", AttributeValue.fromS(loopName)));
        StringBuilder set = new StringBuilder("SET #ln = :ln");
        if (source != null) {
            set.append(", #ls = :ls");
            names.put("#ls", "humanLoopSource");
            values.put(":ls", AttributeValue.fromS(source));
        }
        if (HumanLoop.HUMAN_SAMPLING.equals(source)) {
            set.append(", #sampled = :true");
            names.put("#sampled", "sampled");
            values.put(":true", AttributeValue.fromBool(true));
        }
        // false: no such detection, or it has a loop already
        return updateIf(key(DET + detectionId), set.toString(), "attribute_exists(" + PK + ") AND attribute_not_exists(#ln)",
                names, values);
    }

    /**
     * Records the review and ADDs what it changes to the sample counters in one
     * TransactWriteItems; the detection's update is conditional on the sample answer read just
     * before, so a concurrent recorder makes this one read again instead of counting twice.
     *
     * @throws IllegalArgumentException when there is no detection with that id
     */
    @Override
    public void recordReview(String detectionId, String humanLabel, Instant reviewedAt, String copiedKey, Boolean agreement) {
        for (int attempt = 1; ; attempt++) {
            var current = client.getItem(r -> r.tableName(table).key(key(DET + detectionId)).consistentRead(true)
                    .projectionExpression("#sampled, #agreement")
                    .expressionAttributeNames(Map.of("#sampled", "sampled", "#agreement", "agreement"))).item();
            if (current == null || current.isEmpty()) {
                throw new IllegalArgumentException("no detection " + detectionId + " to record the review on");
            }
            Boolean before = bool(current, "agreement");
            boolean sampled = Boolean.TRUE.equals(bool(current, "sampled"));
            SampleAgreement delta = SampleAgreement.delta(sampled, before, agreement);
            Update review = reviewUpdate(detectionId, humanLabel, reviewedAt, copiedKey, agreement, sampled, before);
            try {
                if (delta.isZero()) {
                    client.updateItem(r -> r.tableName(table).key(review.key()).updateExpression(review.updateExpression())
                            .conditionExpression(review.conditionExpression())
                            .expressionAttributeNames(review.expressionAttributeNames())
                            .expressionAttributeValues(review.expressionAttributeValues()));
                } else {
                    ensureSampleCounters();
                    client.transactWriteItems(t -> t.transactItems(
                            TransactWriteItem.builder().update(review).build(),
                            TransactWriteItem.builder().update(u -> u.tableName(table).key(key(SAMPLE_COUNTERS))
                                    .updateExpression("ADD #answered :answered, #agreed :agreed")
                                    .conditionExpression("attribute_exists(" + PK + ")")
                                    .expressionAttributeNames(Map.of("#answered", "answered", "#agreed", "agreed"))
                                    .expressionAttributeValues(Map.of(":answered", AttributeValue.fromN(Long.toString(delta.answered())),
                                            ":agreed", AttributeValue.fromN(Long.toString(delta.agreed()))))).build()));
                }
                return;
            } catch (ConditionalCheckFailedException | TransactionCanceledException changed) {
                if (attempt >= 5) {
                    throw new IllegalStateException("Cannot record the review of " + detectionId
                            + ": it keeps changing under this write (" + changed.getMessage() + ")", changed);
                }
            }
        }
    }

    /** The review's update, conditional on the detection's sample answer being still what was read. */
    private Update reviewUpdate(String detectionId, String humanLabel, Instant reviewedAt, String copiedKey,
                                Boolean agreement, boolean sampled, Boolean before) {
        Map<String, AttributeValue> fields = new LinkedHashMap<>();
        List<String> removed = new ArrayList<>(List.of("humanLabel", "reviewedAt", "copiedKey", "agreement"));
        put(fields, "humanLabel", humanLabel);
        put(fields, "reviewedAt", reviewedAt);
        put(fields, "copiedKey", copiedKey);
        put(fields, "agreement", agreement);
        removed.removeAll(fields.keySet());
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> sets = new ArrayList<>();
        fields.forEach((name, value) -> {
            names.put("#" + name, name);
            values.put(":" + name, value);
            sets.add("#" + name + " = :" + name);
        });
        removed.forEach(name -> names.put("#" + name, name));
        names.put("#agreement", "agreement");
        names.put("#sampled", "sampled");
        String condition = "attribute_exists(" + PK + ")"
                + (sampled ? " AND #sampled = :wasSampled" : " AND (attribute_not_exists(#sampled) OR #sampled = :wasSampled)")
                + (before == null ? " AND attribute_not_exists(#agreement)" : " AND #agreement = :before");
        values.put(":wasSampled", AttributeValue.fromBool(sampled));
        if (before != null) {
            values.put(":before", AttributeValue.fromBool(before));
        }
        String expression = (sets.isEmpty() ? "" : "SET " + String.join(", ", sets))
                + (removed.isEmpty() ? "" : " REMOVE " + String.join(", ", removed.stream().map(n -> "#" + n).toList()));
        return Update.builder().tableName(table).key(key(DET + detectionId)).updateExpression(expression.trim())
                .conditionExpression(condition).expressionAttributeNames(names).expressionAttributeValues(values).build();
    }

    @Override
    public SampleAgreement sampleAgreement() {
        var item = client.getItem(r -> r.tableName(table).key(key(SAMPLE_COUNTERS)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return countSamples();
        }
        return new SampleAgreement(number(item, "answered").longValue(), number(item, "agreed").longValue());
    }

    /**
     * A table from before the counters gets them counted once from its detections, when the
     * first sample answer is recorded: the counting put is conditional, and no answer that
     * changes the counters can be recorded until the item exists (its ADD requires it).
     */
    private void ensureSampleCounters() {
        if (countersExist) {
            return;
        }
        var item = client.getItem(r -> r.tableName(table).key(key(SAMPLE_COUNTERS)).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            SampleAgreement counted = countSamples();
            try {
                client.putItem(r -> r.tableName(table).item(Map.of(PK, AttributeValue.fromS(SAMPLE_COUNTERS),
                                "answered", AttributeValue.fromN(Long.toString(counted.answered())),
                                "agreed", AttributeValue.fromN(Long.toString(counted.agreed()))))
                        .conditionExpression("attribute_not_exists(" + PK + ")"));
            } catch (ConditionalCheckFailedException anotherPodCountedFirst) {
                // theirs stands
            }
        }
        countersExist = true;
    }

    private SampleAgreement countSamples() {
        DetectionStats all = stats(null);
        return new SampleAgreement(all.samplesAnswered(), all.samplesAgreed());
    }

    @Override
    public DetectionStats stats(Instant since) {
        Map<String, String> names = new HashMap<>(Map.of("#pk", GSI1_PK, "#outcome", "outcome", "#below", "belowThreshold",
                "#reviewedAt", "reviewedAt", "#sampled", "sampled", "#agreement", "agreement"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":pk", AttributeValue.fromS("DET")));
        String condition = "#pk = :pk";
        if (since != null) {
            condition += " AND #sk >= :since";
            names.put("#sk", GSI1_SK);
            values.put(":since", AttributeValue.fromS(sortable(since)));
        }
        QueryRequest request = QueryRequest.builder().tableName(table).indexName(GSI1).keyConditionExpression(condition)
                .expressionAttributeNames(names).expressionAttributeValues(values)
                .projectionExpression("#outcome, #below, #reviewedAt, #sampled, #agreement").build();
        Map<String, Long> byOutcome = new LinkedHashMap<>();
        for (Detection.Outcome o : Detection.Outcome.values()) {
            byOutcome.put(o.name(), 0L);
        }
        long total = 0;
        long below = 0;
        long reviewed = 0;
        long sampled = 0;
        long answered = 0;
        long agreed = 0;
        for (var item : client.queryPaginator(request).items()) {
            total++;
            byOutcome.merge(s(item, "outcome"), 1L, Long::sum);
            if (Boolean.TRUE.equals(bool(item, "belowThreshold"))) {
                below++;
            }
            if (item.containsKey("reviewedAt")) {
                reviewed++;
            }
            if (Boolean.TRUE.equals(bool(item, "sampled"))) {
                sampled++;
                Boolean agreement = bool(item, "agreement");
                if (agreement != null) {
                    answered++;
                    if (agreement) {
                        agreed++;
                    }
                }
            }
        }
        return new DetectionStats(total, byOutcome, below, reviewed, sampled, answered, agreed,
                answered == 0 ? null : (double) agreed / answered);
    }

    @Override
    public List<HourlyCounts> hourly(Instant since) {
        Map<Instant, HourlyCounts> hours = new java.util.TreeMap<>();
        for (var item : since(since, "#outcome, #reviewedAt, #detectedAt")) {
            Instant hour = instant(item, "detectedAt").truncatedTo(java.time.temporal.ChronoUnit.HOURS);
            hours.put(hour, hours.getOrDefault(hour, HourlyCounts.empty(hour))
                    .plus(Detection.Outcome.valueOf(s(item, "outcome")), 1, item.containsKey("reviewedAt") ? 1 : 0));
        }
        return List.copyOf(hours.values());
    }

    @Override
    public ConfidenceHistogram confidenceHistogram(Instant since, int bins) {
        ConfidenceHistogram.checkBins(bins);
        long[] counts = new long[bins];
        for (var item : since(since, "#outcome, #confidence")) {
            Double confidence = number(item, "confidence");
            if (Detection.Outcome.CLASSIFIED.name().equals(s(item, "outcome")) && confidence != null) {
                counts[ConfidenceHistogram.binOf(confidence, bins)]++;
            }
        }
        return ConfidenceHistogram.of(counts);
    }

    /** Detections since that time from the byTime index, only the projected attributes, every page. */
    private Iterable<Map<String, AttributeValue>> since(Instant since, String projection) {
        Map<String, String> names = new HashMap<>(Map.of("#pk", GSI1_PK));
        for (String name : projection.split(",\\s*")) {
            names.put(name, name.substring(1));
        }
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":pk", AttributeValue.fromS("DET")));
        String condition = "#pk = :pk";
        if (since != null) {
            condition += " AND #sk >= :since";
            names.put("#sk", GSI1_SK);
            values.put(":since", AttributeValue.fromS(sortable(since)));
        }
        QueryRequest request = QueryRequest.builder().tableName(table).indexName(GSI1).keyConditionExpression(condition)
                .expressionAttributeNames(names).expressionAttributeValues(values).projectionExpression(projection).build();
        return client.queryPaginator(request).items();
    }

    // ------------------------------------------------------------------ human loops

    @Override
    public boolean createLoop(HumanLoop loop) {
        Instant created = loop.createdAt() == null ? Instant.now() : loop.createdAt();
        HumanLoop.Status status = loop.status() == null ? HumanLoop.Status.OPEN : loop.status();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, AttributeValue.fromS(LOOP + loop.name()));
        put(item, "name", loop.name());
        put(item, "source", loop.source());
        put(item, "detectionId", loop.detectionId());
        put(item, "detectedLabel", loop.detectedLabel());
        put(item, "confidence", loop.confidence());
        put(item, "imageUri", loop.imageUri());
        if (loop.labels() != null) {
            item.put("labels", AttributeValue.fromL(loop.labels().stream().map(AttributeValue::fromS).toList()));
        }
        put(item, "status", status.name());
        put(item, "createdAt", created);
        put(item, "answer", loop.answer());
        put(item, "reviewer", loop.reviewer());
        put(item, "answeredAt", loop.answeredAt());
        put(item, "heldBy", loop.heldBy());
        put(item, "confidenceReason", loop.confidenceReason());
        put(item, "classProbability", loop.classProbability());
        put(item, "familiarity", loop.familiarity());
        if (loop.heldUntil() != null) {
            put(item, "heldUntil", sortable(loop.heldUntil()));
        }
        if (status == HumanLoop.Status.OPEN) {
            put(item, GSI2_PK, OPEN_LOOPS);
            put(item, GSI2_SK, sortable(created) + "#" + loop.name());
        }
        return putIfAbsent(item);
    }

    @Override
    public Optional<HumanLoop> getLoop(String name) {
        return consistentItem(LOOP + name).map(DynamoDetectionStore::loop);
    }

    @Override
    public List<HumanLoop> openLoops(int limit) {
        return queryState(OPEN_LOOPS, null, null, limit).stream().map(DynamoDetectionStore::loop).toList();
    }

    @Override
    public boolean completeLoop(String name, String answer, String reviewer, Instant answeredAt) {
        Map<String, AttributeValue> fields = new LinkedHashMap<>();
        put(fields, "status", HumanLoop.Status.ANSWERED.name());
        put(fields, "answer", answer);
        put(fields, "reviewer", reviewer);
        put(fields, "answeredAt", answeredAt);
        Map<String, String> names = new HashMap<>(Map.of("#gpk", GSI2_PK, "#gsk", GSI2_SK, "#heldBy", "heldBy",
                "#heldUntil", "heldUntil"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":open", AttributeValue.fromS(HumanLoop.Status.OPEN.name()),
                ":now", AttributeValue.fromS(sortable(answeredAt)), ":reviewer", AttributeValue.fromS(reviewer)));
        List<String> sets = new ArrayList<>();
        fields.forEach((field, value) -> {
            names.put("#" + field, field);
            values.put(":" + field, value);
            sets.add("#" + field + " = :" + field);
        });
        // from the open loops to the ones owing their output, until recordLoopOutput
        names.put("#gpk", GSI2_PK);
        names.put("#gsk", GSI2_SK);
        values.put(":owed", AttributeValue.fromS(OWED_LOOPS));
        values.put(":owedOrder", AttributeValue.fromS(sortable(answeredAt) + "#" + name));
        sets.add("#gpk = :owed");
        sets.add("#gsk = :owedOrder");
        // false: not open, or held by another reviewer
        return updateIf(key(LOOP + name), "SET " + String.join(", ", sets) + " REMOVE #heldBy, #heldUntil",
                "#status = :open AND " + FREE_FOR, names, values);
    }

    /** An acknowledged DynamoDB write is durable: nothing to do. */
    @Override
    public void syncLoops() {
    }

    @Override
    public void recordLoopOutput(String name, String outputKey) {
        client.updateItem(r -> r.tableName(table).key(key(LOOP + name))
                .updateExpression("SET #outputKey = :key REMOVE #gpk, #gsk")
                .conditionExpression("attribute_exists(" + PK + ")")
                .expressionAttributeNames(Map.of("#outputKey", "outputKey", "#gpk", GSI2_PK, "#gsk", GSI2_SK))
                .expressionAttributeValues(Map.of(":key", AttributeValue.fromS(outputKey))));
    }

    @Override
    public List<HumanLoop> loopsOwingOutput(int limit) {
        return queryState(OWED_LOOPS, null, null, limit).stream().map(DynamoDetectionStore::loop).toList();
    }

    @Override
    public boolean holdLoop(String name, String reviewer, Instant now, Instant until) {
        Map<String, String> names = Map.of("#status", "status", "#heldBy", "heldBy", "#heldUntil", "heldUntil");
        Map<String, AttributeValue> values = Map.of(":open", AttributeValue.fromS(HumanLoop.Status.OPEN.name()),
                ":now", AttributeValue.fromS(sortable(now)), ":reviewer", AttributeValue.fromS(reviewer),
                ":until", AttributeValue.fromS(sortable(until)));
        // false: unknown, answered, or held by another reviewer
        return updateIf(key(LOOP + name), "SET #heldBy = :reviewer, #heldUntil = :until",
                "#status = :open AND " + FREE_FOR, names, values);
    }

    @Override
    public void releaseLoop(String name, String reviewer) {
        // someone else's hold, or none, is left as it is
        updateIf(key(LOOP + name), "REMOVE #heldBy, #heldUntil", "#heldBy = :reviewer",
                Map.of("#heldBy", "heldBy", "#heldUntil", "heldUntil"), Map.of(":reviewer", AttributeValue.fromS(reviewer)));
    }

    // ------------------------------------------------------------------ processed human-loop outputs

    @Override
    public boolean outputProcessed(String outputKey) {
        var item = client.getItem(r -> r.tableName(table).key(key(OUTPUT + outputKey)).consistentRead(true)
                .projectionExpression(PK)).item();
        return item != null && !item.isEmpty();
    }

    @Override
    public void markOutputProcessed(String outputKey, String flow, Instant pathTime) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, AttributeValue.fromS(OUTPUT + outputKey));
        put(item, "processedAt", Instant.now());
        client.putItem(r -> r.tableName(table).item(item));
        if (pathTime == null) {
            return;
        }
        // a cursor already newer stays: it never moves back
        updateIf(key(OUTPUT_CURSOR + flow), "SET #newest = :t", "attribute_not_exists(#newest) OR #newest < :t",
                Map.of("#newest", "newest"), Map.of(":t", AttributeValue.fromS(sortable(pathTime))));
    }

    @Override
    public Instant outputCursor(String flow) {
        var item = client.getItem(r -> r.tableName(table).key(key(OUTPUT_CURSOR + flow)).consistentRead(true)).item();
        String newest = item == null ? null : s(item, "newest");
        return newest == null ? null : Instant.parse(newest);
    }

    /** The client belongs to whoever built it (it may serve other stores): nothing to close here. */
    @Override
    public void close() {
    }

    // ------------------------------------------------------------------ mapping

    private Optional<Map<String, AttributeValue>> consistentItem(String pk) {
        var item = client.getItem(r -> r.tableName(table).key(key(pk)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    private static Map<String, AttributeValue> key(String pk) {
        return Map.of(PK, AttributeValue.fromS(pk));
    }

    static Map<String, AttributeValue> item(Detection d) {
        if (d.id() == null || d.detectedAt() == null || d.outcome() == null) {
            throw new IllegalArgumentException("a detection needs an id, a time and an outcome");
        }
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, AttributeValue.fromS(DET + d.id()));
        String order = sortable(d.detectedAt()) + "#" + d.id();
        put(item, GSI1_PK, "DET");
        put(item, GSI1_SK, order);
        put(item, GSI2_PK, DET + d.outcome().name());
        put(item, GSI2_SK, order);
        put(item, "id", d.id());
        put(item, "objectKey", d.objectKey());
        put(item, "detectedAt", d.detectedAt());
        put(item, "bucket", d.bucket());
        put(item, "key", d.key());
        put(item, "etag", d.etag());
        put(item, "sequencer", d.sequencer());
        put(item, "modelVersion", d.modelVersion());
        put(item, "outcome", d.outcome().name());
        put(item, "reason", d.reason());
        put(item, "label", d.label());
        put(item, "confidence", d.confidence());
        put(item, "threshold", d.threshold());
        put(item, "reviewEnabled", d.reviewEnabled());
        put(item, "sampled", d.sampled());
        put(item, "belowThreshold", d.belowThreshold());
        put(item, "humanLoopName", d.humanLoopName());
        put(item, "humanLoopSource", d.humanLoopSource());
        put(item, "humanLabel", d.humanLabel());
        put(item, "reviewedAt", d.reviewedAt());
        put(item, "copiedKey", d.copiedKey());
        put(item, "agreement", d.agreement());
        put(item, "uploadedAt", d.uploadedAt());
        put(item, "classProbability", d.classProbability());
        put(item, "familiarity", d.familiarity());
        put(item, "confidenceReason", d.confidenceReason());
        return item;
    }

    static Detection detection(Map<String, AttributeValue> i) {
        String outcome = s(i, "outcome");
        return Detection.builder()
                .id(s(i, "id")).objectKey(s(i, "objectKey")).detectedAt(instant(i, "detectedAt"))
                .bucket(s(i, "bucket")).key(s(i, "key")).etag(s(i, "etag")).sequencer(s(i, "sequencer"))
                .modelVersion(s(i, "modelVersion")).outcome(outcome == null ? null : Detection.Outcome.valueOf(outcome))
                .reason(s(i, "reason")).label(s(i, "label")).confidence(number(i, "confidence"))
                .threshold(number(i, "threshold")).reviewEnabled(Boolean.TRUE.equals(bool(i, "reviewEnabled")))
                .sampled(Boolean.TRUE.equals(bool(i, "sampled"))).humanLoopName(s(i, "humanLoopName"))
                .humanLoopSource(s(i, "humanLoopSource")).humanLabel(s(i, "humanLabel"))
                .reviewedAt(instant(i, "reviewedAt")).copiedKey(s(i, "copiedKey")).agreement(bool(i, "agreement"))
                .uploadedAt(instant(i, "uploadedAt")).classProbability(number(i, "classProbability"))
                .familiarity(number(i, "familiarity")).confidenceReason(s(i, "confidenceReason"))
                .build();
    }

    static HumanLoop loop(Map<String, AttributeValue> i) {
        AttributeValue labels = i.get("labels");
        String status = s(i, "status");
        return HumanLoop.builder()
                .name(s(i, "name")).source(s(i, "source")).detectionId(s(i, "detectionId"))
                .detectedLabel(s(i, "detectedLabel")).confidence(number(i, "confidence")).imageUri(s(i, "imageUri"))
                .labels(labels == null ? null : labels.l().stream().map(AttributeValue::s).toList())
                .status(status == null ? null : HumanLoop.Status.valueOf(status)).createdAt(instant(i, "createdAt"))
                .answer(s(i, "answer")).reviewer(s(i, "reviewer")).answeredAt(instant(i, "answeredAt"))
                .heldBy(s(i, "heldBy")).heldUntil(instant(i, "heldUntil"))
                .confidenceReason(s(i, "confidenceReason")).classProbability(number(i, "classProbability"))
                .familiarity(number(i, "familiarity"))
                .build();
    }
}
