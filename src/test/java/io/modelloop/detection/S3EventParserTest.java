package io.modelloop.detection;

import static io.modelloop.detection.S3Events.created;
import static io.modelloop.detection.S3Events.event;
import static io.modelloop.detection.S3Events.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class S3EventParserTest {

    private final S3EventParser parser = new S3EventParser();

    private List<String> keys(String body) {
        return parser.parse(body).stream().map(ObjectVersion::key).toList();
    }

    @Test
    void aCreatedRecordBecomesAnObjectVersionWithEtagSequencerSizeAndTime() {
        List<ObjectVersion> versions = parser.parse(event(record("ObjectCreated:Put", "my-bucket",
                "images_for_detection/rose.jpg", 2048, "0123456789abcdef0123456789abcdef", "0A1B2C3D4E5F678901")));

        assertThat(versions).containsExactly(new ObjectVersion("my-bucket", "images_for_detection/rose.jpg",
                "0123456789abcdef0123456789abcdef", "0A1B2C3D4E5F678901", 2048L,
                Instant.parse("2026-11-03T12:00:00Z")));
    }

    @Test
    void everyRecordOfAMessageIsKeptInOrder() {
        assertThat(keys(event(created("images_for_detection/a.jpg"),
                record("ObjectCreated:CompleteMultipartUpload", "bucket", "images_for_detection/b.png", 9_000_000, "abc-2", "01"),
                record("ObjectCreated:Copy", "bucket", "images_for_detection/c.jpg", 10, "def", "02"))))
                .containsExactly("images_for_detection/a.jpg", "images_for_detection/b.png", "images_for_detection/c.jpg");
    }

    @Test
    void keysAreUrlDecoded() {
        assertThat(keys(event(
                created("images_for_detection/red+flower.jpg"),
                created("images_for_detection/1%2B1.jpg"),
                created("images_for_detection/blue%20sky.png"),
                created("images_for_detection/caf%C3%A9+%E8%8A%B1.jpg"))))
                .containsExactly("images_for_detection/red flower.jpg", "images_for_detection/1+1.jpg",
                        "images_for_detection/blue sky.png", "images_for_detection/café 花.jpg");
    }

    @Test
    void theTestEventCarriesNothingToDo() {
        assertThat(parser.parse(S3Events.testEvent("bucket"))).isEmpty();
    }

    @Test
    void anSnsEnvelopeIsUnwrapped() {
        String inner = event(created("images_for_detection/red+flower.jpg"), created("images_for_detection/b.jpg"));
        assertThat(keys(S3Events.snsEnvelope(inner)))
                .containsExactly("images_for_detection/red flower.jpg", "images_for_detection/b.jpg");
        assertThat(parser.parse(S3Events.snsEnvelope(S3Events.testEvent("bucket")))).isEmpty();
    }

    @Test
    void markersEmptyObjectsDeletesAndOtherPrefixesAreIgnored() {
        assertThat(keys(event(
                record("ObjectCreated:Put", "bucket", "images_for_detection/", 0, "d41d8cd98f00b204e9800998ecf8427e", "01"),
                record("ObjectCreated:Put", "bucket", "images_for_detection/sub/", 0, "d41d8cd98f00b204e9800998ecf8427e", "02"),
                record("ObjectCreated:Put", "bucket", "images_for_detection/empty.jpg", 0, "d41d8cd98f00b204e9800998ecf8427e", "03"),
                record("ObjectRemoved:Delete", "bucket", "images_for_detection/gone.jpg", 0, "", "04"),
                created("images_labeled_by_folder/rose/r1.jpg"),
                created("manifests/output.manifest"),
                created("elsewhere/images_for_detection/x.jpg"),
                created("images_for_detection/kept.jpg"))))
                .containsExactly("images_for_detection/kept.jpg");
    }

    @Test
    void anEncodedPrefixIsRecognisedOnlyAfterDecoding() {
        // a key outside the prefix that only looks like it before decoding, and one inside it
        assertThat(keys(event(created("images%5Ffor%5Fdetection/x.jpg"), created("images_for_detection%2Fy.jpg"))))
                .containsExactly("images_for_detection/x.jpg", "images_for_detection/y.jpg");
    }

    @Test
    void keysInSubFoldersOfThePrefixAreProcessed() {
        assertThat(keys(event(created("images_for_detection/camera-1/2026/a.jpg"))))
                .containsExactly("images_for_detection/camera-1/2026/a.jpg");
    }

    @Test
    void quotedEtagsLoseTheirQuotes() {
        ObjectVersion v = parser.parse(event(record("ObjectCreated:Put", "bucket", "images_for_detection/a.jpg", 5,
                "\\\"abc\\\"", "01"))).get(0);
        assertThat(v.etag()).isEqualTo("abc");
    }

    @Test
    void malformedMessagesArePermanentFailures() {
        assertThatThrownBy(() -> parser.parse("{\"Records\":[{\"eventName\":")).isInstanceOf(PermanentEventException.class)
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> parser.parse("hello")).isInstanceOf(PermanentEventException.class);
        assertThatThrownBy(() -> parser.parse("")).isInstanceOf(PermanentEventException.class);
        assertThatThrownBy(() -> parser.parse("[1,2]")).isInstanceOf(PermanentEventException.class);
        assertThatThrownBy(() -> parser.parse("{\"detail-type\":\"Object Created\"}")).isInstanceOf(PermanentEventException.class)
                .hasMessageContaining("neither an S3 event");
        assertThatThrownBy(() -> parser.parse(event("{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"}}}")))
                .isInstanceOf(PermanentEventException.class).hasMessageContaining("s3.object.key");
        assertThatThrownBy(() -> parser.parse(event(created("images_for_detection/100%.jpg"))))
                .isInstanceOf(PermanentEventException.class).hasMessageContaining("URL encoding");
        assertThatThrownBy(() -> parser.parse("{\"Type\":\"Notification\",\"Message\":\"not json\"}"))
                .isInstanceOf(PermanentEventException.class).hasMessageContaining("SNS");
    }

    @Test
    void oneBrokenRecordMakesTheWholeMessagePoison() {
        assertThatThrownBy(() -> parser.parse(event(created("images_for_detection/good.jpg"), "{\"eventName\":\"ObjectCreated:Put\"}")))
                .isInstanceOf(PermanentEventException.class);
    }
}
