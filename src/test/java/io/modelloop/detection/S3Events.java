package io.modelloop.detection;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Collectors;

/** S3 event notification bodies in the shape the S3 documentation gives (event message structure 2.1). */
public final class S3Events {

    private static final ObjectMapper JSON = new ObjectMapper();

    private S3Events() {
    }

    /** One record: eventName such as ObjectCreated:Put, the key exactly as S3 encodes it. */
    public static String record(String eventName, String bucket, String encodedKey, long size, String etag, String sequencer) {
        return """
            {
              "eventVersion":"2.1",
              "eventSource":"aws:s3",
              "awsRegion":"us-west-2",
              "eventTime":"2026-11-03T12:00:00.000Z",
              "eventName":"%s",
              "userIdentity":{"principalId":"AWS:AIDAJDPLRKLG7UEXAMPLE"},
              "requestParameters":{"sourceIPAddress":"127.0.0.1"},
              "responseElements":{"x-amz-request-id":"C3D13FE58DE4C810","x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
              "s3":{
                "s3SchemaVersion":"1.0",
                "configurationId":"modelloop-detection",
                "bucket":{"name":"%s","ownerIdentity":{"principalId":"A3NL1KOZZKExample"},"arn":"arn:aws:s3:::%s"},
                "object":{"key":"%s","size":%d,"eTag":"%s","versionId":"096fKKXTRTtl3on89fVO.nfljtsv6qko","sequencer":"%s"}
              }
            }""".formatted(eventName, bucket, bucket, encodedKey, size, etag, sequencer);
    }

    public static String created(String encodedKey) {
        return record("ObjectCreated:Put", "bucket", encodedKey, 1024, "d41d8cd98f00b204e9800998ecf8427e", "0055AED6DCD90281E5");
    }

    public static String event(String... records) {
        return "{\"Records\":[" + String.join(",", records) + "]}";
    }

    public static String event(List<String> records) {
        return records.stream().collect(Collectors.joining(",", "{\"Records\":[", "]}"));
    }

    /** The message S3 sends when a notification configuration is saved. */
    public static String testEvent(String bucket) {
        return """
            {"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-03T12:00:00.000Z","Bucket":"%s",
             "RequestId":"5582815E1AEA5ADF","HostId":"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE"}"""
                .formatted(bucket);
    }

    /** The S3 event as an SNS topic delivers it to an SQS subscription (raw delivery off). */
    public static String snsEnvelope(String s3Event) {
        ObjectNode n = JSON.createObjectNode();
        n.put("Type", "Notification");
        n.put("MessageId", "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324");
        n.put("TopicArn", "arn:aws:sns:us-west-2:123456789012:modelloop-s3-events");
        n.put("Subject", "Amazon S3 Notification");
        n.put("Message", s3Event);
        n.put("Timestamp", "2026-11-03T12:00:00.100Z");
        n.put("SignatureVersion", "1");
        n.put("Signature", "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=");
        n.put("SigningCertURL", "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem");
        n.put("UnsubscribeURL", "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-west-2:123456789012:modelloop-s3-events:c9135db0");
        return n.toString();
    }
}
