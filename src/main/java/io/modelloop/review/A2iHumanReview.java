package io.modelloop.review;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelloop.detection.HumanLoop;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sagemakera2iruntime.SageMakerA2IRuntimeClient;
import software.amazon.awssdk.services.sagemakera2iruntime.model.ConflictException;
import software.amazon.awssdk.services.sagemakera2iruntime.model.ContentClassifier;
import software.amazon.awssdk.services.sagemakera2iruntime.model.DescribeHumanLoopResponse;
import software.amazon.awssdk.services.sagemakera2iruntime.model.HumanLoopStatus;
import software.amazon.awssdk.services.sagemakera2iruntime.model.StartHumanLoopResponse;

/**
 * Human review through Amazon Augmented AI (A2I runtime, REST-JSON {@code POST /human-loops}).
 * The loop's input is {@link HumanLoopOutput#inputContent(HumanLoop)} as JSON, its {@code labels}
 * being the choices the task UI renders (the loop's labels and today's, then None of the Above):
 * the UI reads them from {@code task.input.labels}, so a label added after bootstrap can be
 * chosen without recreating the UI. The flow definition (task template, work team, output path
 * under a2i-human-loop-data/) is configured in AWS and named by its ARN. A2I writes the answer as
 * output JSON to S3, where the results route picks it up.
 *
 * <p>Throttling and 5xx are retried by the SDK client (bounded, see
 * {@code io.modelloop.storage.AwsClients#a2iRuntime()}); a loop name that exists already
 * (ConflictException) is {@link StartResult#ALREADY_STARTED}; anything else becomes a
 * {@link HumanReviewException} naming the loop, the operation and A2I's error code and message.
 */
public final class A2iHumanReview implements HumanReview {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(A2iHumanReview.class);

    /** What DescribeHumanLoop tells about one loop; outputS3Uri is set once the loop completed. */
    public record LoopState(String name, String status, String outputS3Uri, String failureReason, Instant createdAt) {

        public boolean completed() {
            return HumanLoopStatus.COMPLETED.toString().equals(status);
        }
    }

    /** What StartHumanLoop did: the result and, when this call started the loop, its ARN. */
    public record Started(StartResult result, String humanLoopArn) {
    }

    private final SageMakerA2IRuntimeClient client;
    private final String flowDefinitionArn;
    private final Supplier<List<String>> currentLabels;

    /** A review offering each loop's own labels only. */
    public A2iHumanReview(SageMakerA2IRuntimeClient client, String flowDefinitionArn) {
        this(client, flowDefinitionArn, List::of);
    }

    /** @param currentLabels the training set's labels now, offered besides the loop's own */
    public A2iHumanReview(SageMakerA2IRuntimeClient client, String flowDefinitionArn, Supplier<List<String>> currentLabels) {
        if (flowDefinitionArn == null || flowDefinitionArn.isBlank()) {
            throw new IllegalArgumentException("A2I needs a flow definition ARN (modelloop.review.a2i.flow-definition-arn)");
        }
        this.client = client;
        this.flowDefinitionArn = flowDefinitionArn.trim();
        this.currentLabels = currentLabels;
    }

    @Override
    public String name() {
        return "a2i";
    }

    public String flowDefinitionArn() {
        return flowDefinitionArn;
    }

    @Override
    public StartResult start(HumanLoop loop) {
        return startLoop(loop).result();
    }

    /** {@link #start(HumanLoop)} with the HumanLoopArn A2I answers (null when the loop existed already). */
    public Started startLoop(HumanLoop loop) {
        String input;
        try {
            Map<String, Object> content = new LinkedHashMap<>(HumanLoopOutput.inputContent(loop));
            content.put("labels", choices(loop));
            input = JSON.writeValueAsString(content);
        } catch (JsonProcessingException e) {
            throw new HumanReviewException("Human loop " + loop.name() + " input cannot be written as JSON: " + e.getMessage(), e);
        }
        try {
            StartHumanLoopResponse r = client.startHumanLoop(b -> b
                    .humanLoopName(loop.name())
                    .flowDefinitionArn(flowDefinitionArn)
                    .humanLoopInput(i -> i.inputContent(input))
                    .dataAttributes(d -> d.contentClassifiers(ContentClassifier.FREE_OF_PERSONALLY_IDENTIFIABLE_INFORMATION)));
            LOG.info("Started A2I human loop {} ({})", loop.name(), r.humanLoopArn());
            return new Started(StartResult.STARTED, r.humanLoopArn());
        } catch (ConflictException e) {
            // the loop name exists: a retry of a start that went through, or the loop was started elsewhere
            LOG.info("A2I human loop {} exists already: not started again", loop.name());
            return new Started(StartResult.ALREADY_STARTED, null);
        } catch (SdkException e) {
            throw failure("StartHumanLoop", loop.name(), e);
        }
    }

    /** The task UI's categories: the loop's labels and today's, sorted, then None of the Above (as the built-in review page). */
    List<String> choices(HumanLoop loop) {
        Set<String> all = new LinkedHashSet<>();
        if (loop.labels() != null) {
            all.addAll(loop.labels());
        }
        all.addAll(currentLabels.get());
        all.remove(HumanLoop.NONE_OF_THE_ABOVE);
        List<String> out = new ArrayList<>(all);
        out.sort(String.CASE_INSENSITIVE_ORDER);
        out.add(HumanLoop.NONE_OF_THE_ABOVE);
        return out;
    }

    /** DescribeHumanLoop: status (InProgress, Completed, Failed, Stopping, Stopped) and, once completed, the output's s3:// URI. */
    public LoopState describe(String name) {
        try {
            DescribeHumanLoopResponse r = client.describeHumanLoop(b -> b.humanLoopName(name));
            return new LoopState(r.humanLoopName(), r.humanLoopStatusAsString(),
                    r.humanLoopOutput() == null ? null : r.humanLoopOutput().outputS3Uri(), r.failureReason(), r.creationTime());
        } catch (SdkException e) {
            throw failure("DescribeHumanLoop", name, e);
        }
    }

    private HumanReviewException failure(String operation, String loopName, SdkException e) {
        StringBuilder m = new StringBuilder("A2I ").append(operation);
        if (loopName != null) {
            m.append(" for human loop ").append(loopName);
        }
        m.append(" (flow definition ").append(flowDefinitionArn).append(") failed: ");
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null) {
            m.append(s.awsErrorDetails().errorCode()).append(" (HTTP ").append(s.statusCode()).append("): ")
             .append(s.awsErrorDetails().errorMessage());
        } else {
            m.append(e.getMessage());
        }
        return new HumanReviewException(m.toString(), e);
    }
}
