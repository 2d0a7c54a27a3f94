package io.modelloop.notify;

import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.aws2.sns.Sns2Constants;

/** Publishes to an SNS topic through camel-aws2-sns, using the snsClient bean (default credentials chain). */
public final class SnsSink implements NotificationSink {

    private final ProducerTemplate producer;
    private final String uri;

    public SnsSink(ProducerTemplate producer, String topicArn) {
        this.producer = producer;
        this.uri = "aws2-sns://" + topicArn + "?amazonSNSClient=#snsClient&autoCreateTopic=false";
    }

    @Override
    public String name() {
        return "sns";
    }

    @Override
    public void send(NotificationMessage message) {
        producer.sendBodyAndHeaders(uri, message.json(), Map.of(Sns2Constants.SUBJECT, message.subject()));
    }
}
